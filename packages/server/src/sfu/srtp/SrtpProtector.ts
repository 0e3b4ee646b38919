import { createCipheriv } from 'node:crypto';
import { CmKeystream } from './CmKeystream.ts';
import { HMAC_BLOCK, hmacSha1Into, hmacSha1Pads } from './HmacSha1.ts';
import { ringWords, sendRing, sendSlot } from './sendRing.ts';

export { ctrIv } from './CmKeystream.ts';

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
 * Outbound SRTP for one sending SSRC family (media and RTX): turns a plain RTP packet into an
 * SRTP packet. AES-CM creates no object per packet beyond small views; GCM needs one Node cipher
 * object per packet (Node cannot re-key a cipher with a new IV).
 */
export class SrtpProtector {
  private readonly iv12 = Buffer.alloc(12);
  private cm: CmKeystream | null = null;
  /** HMAC-SHA1 key ⊕ ipad (RFC 2104), and a buffer of key ⊕ opad ‖ inner digest (AES-CM only). */
  private readonly ipad: Buffer = Buffer.alloc(0);
  private readonly outer: Buffer = Buffer.alloc(0);

  constructor(private readonly keys: SrtpKeys) {
    if (keys.profile !== PROFILE_AES_CM_128_HMAC_SHA1_80 && keys.profile !== PROFILE_AEAD_AES_128_GCM) {
      throw new Error(`unsupported SRTP profile ${keys.profile}`);
    }
    if (keys.profile === PROFILE_AES_CM_128_HMAC_SHA1_80) {
      const auth = keys.authKey;
      if (!auth || auth.length > HMAC_BLOCK) throw new Error('AES-CM needs an auth key of at most 64 bytes');
      const pads = hmacSha1Pads(auth);
      this.ipad = pads.inner;
      this.outer = pads.outer;
    }
  }

  /** True when `protect` copies `header` (AES-CM), so the caller may reuse it at once. */
  get copiesHeader(): boolean {
    return this.keys.profile === PROFILE_AES_CM_128_HMAC_SHA1_80;
  }

  /** Extra bytes `protect` adds after the payload. */
  get overhead(): number {
    return this.keys.profile === PROFILE_AEAD_AES_128_GCM ? 16 : 10;
  }

  /**
   * `header` is the serialized RTP header (incl. extensions), `payload` the plain payload.
   * `roc` is the rollover counter of `seq` for `ssrc`. Returns the SRTP packet as parts for one
   * gathering `sendmsg`: one buffer (AES-CM), or header, encrypted payload and tag (GCM, where
   * `header` is one of the parts: the caller must not reuse it).
   */
  protect(header: Buffer, payload: Buffer, ssrc: number, seq: number, roc: number): SrtpParts {
    return this.keys.profile === PROFILE_AEAD_AES_128_GCM ? this.gcm(header, payload, ssrc, seq, roc) : this.ctr(header, payload, ssrc, seq, roc);
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1 (AES-CM: IV = salt ⊕ SSRC·2^64 ⊕ index·2^16)
   * https://www.rfc-editor.org/rfc/rfc3711#section-4.2 (HMAC-SHA1 over header ‖ payload ‖ ROC, 80 bits)
   * The keystream comes from a batch made ahead (CmKeystream); the packet is built in a slot of
   * the send ring (sendRing.ts) behind HMAC's inner pad, and both hashes are one-shot calls
   * (hmacSha1Into), so no cipher, hash or ArrayBuffer object is created per packet.
   */
  private ctr(header: Buffer, payload: Buffer, ssrc: number, seq: number, roc: number): SrtpParts {
    const size = HMAC_BLOCK + header.length + payload.length + 10;
    const slot = sendSlot(size);
    // Over 64 KB (the HMAC pad in front included) the packet gets a buffer of its own.
    return slot < 0 ? this.ctrAt(Buffer.allocUnsafe(size), 0, undefined, header, payload, ssrc, seq, roc) : this.ctrAt(sendRing, slot, ringWords, header, payload, ssrc, seq, roc);
  }

  /** Builds the packet at `at` of `buf` (`words`: `buf`'s whole ArrayBuffer as 32-bit words, if known). */
  private ctrAt(buf: Buffer, at: number, words: Int32Array | undefined, header: Buffer, payload: Buffer, ssrc: number, seq: number, roc: number): SrtpParts {
    const cm = (this.cm ??= new CmKeystream(this.keys.key, this.keys.salt));
    const start = HMAC_BLOCK + header.length;
    const len = payload.length;
    const end = start + len;
    // TypedArray#set, not Buffer#copy: copy() makes a view of its source on every call.
    buf.set(this.ipad, at);
    buf.set(header, at + HMAC_BLOCK);
    buf.set(payload, at + start);
    cm.xorInto(ssrc, roc * 0x1_0000 + seq, buf, at + start, len, words);
    // The tag (first 80 bits) overwrites the ROC, which is authenticated but not sent.
    buf.writeUInt32BE(roc >>> 0, at + end);
    hmacSha1Into(buf.subarray(at, at + end + 4), this.outer, buf, at + end, 10);
    return [buf.subarray(at + HMAC_BLOCK, at + end + 10)];
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

/** An SRTP packet as one or more buffers, in wire order. */
export type SrtpParts = readonly Buffer[];

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
