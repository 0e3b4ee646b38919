import { createDecipheriv } from 'node:crypto';
import { CmKeystream } from './CmKeystream.ts';
import { HmacSha1 } from './HmacSha1.ts';
import { gcmIv, PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80, type SrtpKeys } from './SrtpProtector.ts';

/** Rollover state of one incoming SSRC (https://www.rfc-editor.org/rfc/rfc3711#section-3.3.1). */
interface RocState {
  roc: number;
  /** s_l: highest sequence number authenticated so far. */
  sl: number;
}

/**
 * Inbound SRTP for one DTLS session (all SSRCs the peer sends): authenticates and decrypts an
 * SRTP packet whose RTP header the caller has already located. Keeps only the per-SSRC rollover
 * counters. AES-CM decrypts in place, in the packet's own buffer (the datagram Node allocated for
 * this receive), so no object is made per packet; GCM needs a decipher object per packet.
 * (No replay list, https://www.rfc-editor.org/rfc/rfc3711#section-3.3.2: the SFU forwards what
 * authenticates, as werift's receive path did.)
 */
export class SrtpUnprotector {
  private readonly iv12 = Buffer.alloc(12);
  /**
   * AES-CM: HMAC over pads made once, keystream made ahead per SSRC. (An earlier try of this
   * decrypted into pooled buffers and was taken out because the media worker then ran a full
   * collection every second; that mode came from V8's young-generation size, see SfuPool.)
   */
  private readonly hmac: HmacSha1 | null = null;
  private readonly cm: CmKeystream | null = null;
  private readonly states = new Map<number, RocState>();
  readonly tagLength: number;

  constructor(private readonly keys: SrtpKeys) {
    if (keys.profile !== PROFILE_AES_CM_128_HMAC_SHA1_80 && keys.profile !== PROFILE_AEAD_AES_128_GCM) {
      throw new Error(`unsupported SRTP profile ${keys.profile}`);
    }
    if (keys.profile === PROFILE_AES_CM_128_HMAC_SHA1_80) {
      if (!keys.authKey) throw new Error('AES-CM needs an auth key');
      this.hmac = new HmacSha1(keys.authKey);
      this.cm = new CmKeystream(keys.key, keys.salt);
    }
    this.tagLength = keys.profile === PROFILE_AEAD_AES_128_GCM ? 16 : 10;
  }

  /**
   * `packet` is the whole SRTP packet, `headerLength` the length of its RTP header (with CSRCs and
   * extensions). Returns the decrypted payload (padding still included), or null when the packet
   * does not authenticate (left as it was). AES-CM decrypts in place: the payload returned is a
   * view of `packet`, whose bytes the caller must not use as SRTP again; GCM returns a new buffer.
   */
  unprotect(packet: Buffer, headerLength: number, ssrc: number, seq: number): Buffer | null {
    const end = packet.length - this.tagLength;
    if (end < headerLength) return null;
    let st = this.states.get(ssrc);
    const roc = st ? estimateRoc(st, seq) : 0;
    const out = this.keys.profile === PROFILE_AEAD_AES_128_GCM ? this.gcm(packet, headerLength, end, ssrc, seq, roc) : this.ctr(packet, headerLength, end, ssrc, seq, roc);
    if (!out) return null;
    // Update s_l / ROC only after authentication (RFC 3711 §3.3.1).
    if (!st) this.states.set(ssrc, (st = { roc, sl: seq }));
    else if (roc > st.roc) {
      st.roc = roc;
      st.sl = seq;
    } else if (roc === st.roc && seq > st.sl) st.sl = seq;
    return out;
  }

  /** https://www.rfc-editor.org/rfc/rfc3711#section-4.2 (HMAC-SHA1 over header ‖ payload ‖ ROC, 80 bits), §4.1.1 AES-CM. */
  private ctr(packet: Buffer, headerLength: number, end: number, ssrc: number, seq: number, roc: number): Buffer | null {
    if (!this.hmac!.verify(packet, end, roc, end, 10)) return null;
    // In place: the GOP cache and the consumers' resend histories keep the payload, and with it
    // this datagram's buffer, which nothing else holds.
    this.cm!.xorInto(ssrc, roc * 0x1_0000 + seq, packet, headerLength, end - headerLength);
    return packet.subarray(headerLength, end);
  }

  /** https://www.rfc-editor.org/rfc/rfc7714#section-8 (AAD = header, 16-byte tag after the ciphertext). */
  private gcm(packet: Buffer, headerLength: number, end: number, ssrc: number, seq: number, roc: number): Buffer | null {
    const d = createDecipheriv('aes-128-gcm', this.keys.key, gcmIv(this.iv12, this.keys.salt, ssrc, seq, roc));
    d.setAAD(packet.subarray(0, headerLength));
    d.setAuthTag(packet.subarray(end));
    const plain = d.update(packet.subarray(headerLength, end));
    try {
      d.final();
    } catch {
      return null;
    }
    return plain;
  }
}

/** https://www.rfc-editor.org/rfc/rfc3711#section-3.3.1: the ROC guess v for SEQ given s_l and ROC. */
export function estimateRoc(st: { roc: number; sl: number }, seq: number): number {
  if (st.sl < 32768) return seq - st.sl > 32768 ? Math.max(0, st.roc - 1) : st.roc;
  return st.sl - 32768 > seq ? st.roc + 1 : st.roc;
}
