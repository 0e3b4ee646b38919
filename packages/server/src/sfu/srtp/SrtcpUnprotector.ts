import { CmKeystream } from './CmKeystream.ts';
import { HmacSha1 } from './HmacSha1.ts';

/** SRTCP session keys of the AES-CM + HMAC-SHA1-80 profile (already derived from the DTLS master key). */
export interface SrtcpKeys {
  key: Buffer;
  salt: Buffer;
  authKey: Buffer;
}

/** E flag ‖ 31-bit SRTCP index, then the 80-bit tag (https://www.rfc-editor.org/rfc/rfc3711#section-3.4). */
const INDEX_BYTES = 4;
const TAG_BYTES = 10;

/**
 * Inbound SRTCP for the AES-CM profile: authenticates a compound packet and returns it in the
 * clear. Used for the feedback subscribers send on the connections we send media on, a few
 * packets per second each; GCM connections keep werift's path.
 * (No replay list, https://www.rfc-editor.org/rfc/rfc3711#section-3.3.2, as in werift's SRTCP.)
 */
export class SrtcpUnprotector {
  /** Keystream from one long-lived cipher: an SSRC's SRTCP indices count up like SRTP's. */
  private readonly cm: CmKeystream;
  private readonly hmac: HmacSha1;

  constructor(keys: SrtcpKeys) {
    this.cm = new CmKeystream(keys.key, keys.salt);
    this.hmac = new HmacSha1(keys.authKey);
  }

  /** The compound RTCP packet without index and tag (a new buffer), or null when it does not authenticate. */
  unprotect(packet: Buffer): Buffer | null {
    const tagAt = packet.length - TAG_BYTES;
    const indexAt = tagAt - INDEX_BYTES;
    if (indexAt < 8) return null;
    // https://www.rfc-editor.org/rfc/rfc3711#section-4.2: the tag covers the packet and the E ‖ index word.
    if (!this.hmac.verify(packet, tagAt, null, tagAt, TAG_BYTES)) return null;
    const out = Buffer.from(packet.subarray(0, indexAt));
    const word = packet.readUInt32BE(indexAt);
    if (word >>> 31 === 0) return out; // sent unencrypted (E = 0)
    // https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1: IV = salt·2^16 ⊕ SSRC·2^64 ⊕ index·2^16,
    // the SSRC being the first packet's sender; everything after the first 8 octets is encrypted.
    this.cm.xorInto(packet.readUInt32BE(4), word & 0x7fffffff, out, 8, indexAt - 8);
    return out;
  }
}
