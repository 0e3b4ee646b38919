import { createCipheriv, createHmac } from 'node:crypto';

export const PROFILE_AES_CM_128_HMAC_SHA1_80 = 0x0001;
export const PROFILE_AEAD_AES_128_GCM = 0x0007;

export interface SrtpKeys {
  profile: number;
  /** Session keys (already derived from the DTLS master key). */
  key: Buffer;
  salt: Buffer;
  /** HMAC key, AES-CM profile only. */
  authKey?: Buffer;
}

/**
 * Outbound SRTP for one sending SSRC family: turns a plain RTP packet into an SRTP packet without
 * any per-packet object churn beyond Node's cipher objects (which cannot be re-keyed with a new IV).
 */
export class SrtpProtector {
  private readonly iv = Buffer.alloc(16);
  private readonly iv12 = Buffer.alloc(12);
  private readonly roc = Buffer.alloc(4);

  constructor(private readonly keys: SrtpKeys) {
    if (keys.profile !== PROFILE_AES_CM_128_HMAC_SHA1_80 && keys.profile !== PROFILE_AEAD_AES_128_GCM) {
      throw new Error(`unsupported SRTP profile ${keys.profile}`);
    }
    if (keys.profile === PROFILE_AES_CM_128_HMAC_SHA1_80 && !keys.authKey) throw new Error('AES-CM needs an auth key');
  }

  /** Extra bytes `protect` adds after the payload. */
  get overhead(): number {
    return this.keys.profile === PROFILE_AEAD_AES_128_GCM ? 16 : 10;
  }

  /**
   * `header` is the serialized RTP header (incl. extensions), `payload` the plain payload.
   * `roc` is the rollover counter of `seq` for `ssrc`. Returns the SRTP packet as three parts
   * (header, encrypted payload, tag) for one gathering `sendmsg`, so no packet-sized buffer is
   * allocated and copied per send. `header` is one of the parts: the caller must not reuse it.
   */
  protect(header: Buffer, payload: Buffer, ssrc: number, seq: number, roc: number): SrtpParts {
    return this.keys.profile === PROFILE_AEAD_AES_128_GCM ? this.gcm(header, payload, ssrc, seq, roc) : this.ctr(header, payload, ssrc, seq, roc);
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1 (AES-CM: IV = salt ⊕ SSRC·2^64 ⊕ index·2^16)
   * https://www.rfc-editor.org/rfc/rfc3711#section-4.2 (HMAC-SHA1 over header ‖ payload ‖ ROC, 80 bits)
   */
  private ctr(header: Buffer, payload: Buffer, ssrc: number, seq: number, roc: number): SrtpParts {
    const iv = ctrIv(this.iv, this.keys.salt, ssrc, seq, roc);
    const enc = createCipheriv('aes-128-ctr', this.keys.key, iv).update(payload);
    this.roc.writeUInt32BE(roc >>> 0, 0);
    const tag = createHmac('sha1', this.keys.authKey!).update(header).update(enc).update(this.roc).digest();
    return [header, enc, tag.subarray(0, 10)];
  }

  /** https://www.rfc-editor.org/rfc/rfc7714#section-8.1 (IV = (0 ‖ SSRC ‖ ROC ‖ SEQ) ⊕ salt; AAD = header) */
  private gcm(header: Buffer, payload: Buffer, ssrc: number, seq: number, roc: number): SrtpParts {
    const c = createCipheriv('aes-128-gcm', this.keys.key, gcmIv(this.iv12, this.keys.salt, ssrc, seq, roc));
    c.setAAD(header);
    const enc = c.update(payload);
    c.final();
    return [header, enc, c.getAuthTag()];
  }
}

/** An SRTP packet as header, encrypted payload and authentication tag, in wire order. */
export type SrtpParts = readonly [Buffer, Buffer, Buffer];

/** https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1: IV = salt·2^16 ⊕ SSRC·2^64 ⊕ index·2^16, written into `iv` (16 bytes). */
export function ctrIv(iv: Buffer, salt: Buffer, ssrc: number, seq: number, roc: number): Buffer {
  iv.fill(0);
  iv.writeUInt32BE(ssrc >>> 0, 4);
  iv.writeUInt32BE(roc >>> 0, 8);
  iv.writeUInt16BE(seq, 12);
  for (let i = 0; i < 14; i++) iv[i]! ^= salt[i]!;
  return iv;
}

/** https://www.rfc-editor.org/rfc/rfc7714#section-8.1: IV = (00 ‖ SSRC ‖ ROC ‖ SEQ) ⊕ salt, into the first 12 bytes of `iv` (returned; a 12-byte `iv` avoids a view per call). */
export function gcmIv(iv: Buffer, salt: Buffer, ssrc: number, seq: number, roc: number): Buffer {
  const out = iv.length === 12 ? iv : iv.subarray(0, 12);
  out.writeUInt16BE(0, 0);
  out.writeUInt32BE(ssrc >>> 0, 2);
  out.writeUInt32BE(roc >>> 0, 6);
  out.writeUInt16BE(seq, 10);
  for (let i = 0; i < 12; i++) out[i]! ^= salt[i]!;
  return out;
}
