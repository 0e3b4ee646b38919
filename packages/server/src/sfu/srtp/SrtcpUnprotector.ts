import { hash } from 'node:crypto';
import { CmKeystream } from './CmKeystream.ts';

/** SRTCP session keys of the AES-CM + HMAC-SHA1-80 profile (already derived from the DTLS master key). */
export interface SrtcpKeys {
  key: Buffer;
  salt: Buffer;
  authKey: Buffer;
}

/** E flag ‖ 31-bit SRTCP index, then the 80-bit tag (https://www.rfc-editor.org/rfc/rfc3711#section-3.4). */
const INDEX_BYTES = 4;
const TAG_BYTES = 10;
/** SHA-1's block size: HMAC's pads are this long. */
const HMAC_BLOCK = 64;

/**
 * Inbound SRTCP for the AES-CM profile: authenticates a compound packet and returns it in the
 * clear. Used for the feedback subscribers send on the connections we send media on, a few
 * packets per second each; GCM connections keep werift's path.
 * (No replay list, https://www.rfc-editor.org/rfc/rfc3711#section-3.3.2, as in werift's SRTCP.)
 */
export class SrtcpUnprotector {
  /** Keystream from one long-lived cipher: an SSRC's SRTCP indices count up like SRTP's. */
  private readonly cm: CmKeystream;
  /** HMAC-SHA1 (RFC 2104) as two one-shot hashes: key ⊕ ipad ‖ message, then key ⊕ opad ‖ inner digest. */
  private inner = Buffer.alloc(HMAC_BLOCK + 256, 0x36);
  private readonly outer = Buffer.alloc(HMAC_BLOCK + 20, 0x5c);

  constructor(keys: SrtcpKeys) {
    if (keys.authKey.length > HMAC_BLOCK) throw new Error('SRTCP auth key longer than 64 bytes');
    this.cm = new CmKeystream(keys.key, keys.salt);
    for (let i = 0; i < keys.authKey.length; i++) {
      this.inner[i]! ^= keys.authKey[i]!;
      this.outer[i]! ^= keys.authKey[i]!;
    }
  }

  /** The compound RTCP packet without index and tag (a new buffer), or null when it does not authenticate. */
  unprotect(packet: Buffer): Buffer | null {
    const tagAt = packet.length - TAG_BYTES;
    const indexAt = tagAt - INDEX_BYTES;
    if (indexAt < 8) return null;
    // https://www.rfc-editor.org/rfc/rfc3711#section-4.2: the tag covers the packet and the E ‖ index word.
    if (this.inner.length < HMAC_BLOCK + tagAt) {
      const grown = Buffer.alloc(HMAC_BLOCK + tagAt * 2);
      this.inner.copy(grown, 0, 0, HMAC_BLOCK);
      this.inner = grown;
    }
    this.inner.set(packet.subarray(0, tagAt), HMAC_BLOCK);
    this.outer.write(hash('sha1', this.inner.subarray(0, HMAC_BLOCK + tagAt), 'binary'), HMAC_BLOCK, 20, 'latin1');
    const tag = hash('sha1', this.outer, 'binary');
    let diff = 0;
    for (let i = 0; i < TAG_BYTES; i++) diff |= tag.charCodeAt(i) ^ packet[tagAt + i]!;
    if (diff !== 0) return null;
    const out = Buffer.from(packet.subarray(0, indexAt));
    const word = packet.readUInt32BE(indexAt);
    if (word >>> 31 === 0) return out; // sent unencrypted (E = 0)
    // https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1: IV = salt·2^16 ⊕ SSRC·2^64 ⊕ index·2^16,
    // the SSRC being the first packet's sender; everything after the first 8 octets is encrypted.
    this.cm.xorInto(packet.readUInt32BE(4), word & 0x7fffffff, out, 8, indexAt - 8);
    return out;
  }
}
