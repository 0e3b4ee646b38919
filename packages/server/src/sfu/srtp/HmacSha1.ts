import { hash } from 'node:crypto';

/** SHA-1's block size: HMAC's pads are this long. */
const BLOCK = 64;

/**
 * HMAC-SHA1 (https://www.rfc-editor.org/rfc/rfc2104#section-2) for received SRTP and SRTCP and
 * the SRTCP we send: H(K ⊕ opad ‖ H(K ⊕ ipad ‖ m)) as two one-shot `crypto.hash` calls over pads made
 * once, instead of a Node Hmac object (key schedule, native wrapper, output buffer) per packet.
 */
export class HmacSha1 {
  /** K ⊕ ipad, then room for the message. */
  private inner = Buffer.alloc(BLOCK + 2048, 0x36);
  /** K ⊕ opad ‖ inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + 20, 0x5c);

  constructor(key: Buffer) {
    if (key.length > BLOCK) throw new Error('HMAC-SHA1 key longer than 64 bytes');
    for (let i = 0; i < key.length; i++) {
      this.inner[i]! ^= key[i]!;
      this.outer[i]! ^= key[i]!;
    }
  }

  /**
   * True when the first `tagLength` bytes of HMAC(`msg[0, len)` ‖ `suffix` as 32 bits, if given)
   * equal `msg[tagAt, tagAt + tagLength)`. Compares every byte (no early exit).
   */
  verify(msg: Buffer, len: number, suffix: number | null, tagAt: number, tagLength: number): boolean {
    const tag = this.digest(msg, len, suffix);
    let diff = 0;
    for (let i = 0; i < tagLength; i++) diff |= tag.charCodeAt(i) ^ msg[tagAt + i]!;
    return diff === 0;
  }

  /** Writes the first `tagLength` bytes of HMAC(`msg[0, len)`) into `msg` at `len`. */
  sign(msg: Buffer, len: number, tagLength: number): void {
    msg.write(this.digest(msg, len, null), len, tagLength, 'latin1');
  }

  /** The 20-byte MAC as a latin1 string. */
  private digest(msg: Buffer, len: number, suffix: number | null): string {
    const n = len + (suffix === null ? 0 : 4);
    if (this.inner.length < BLOCK + n) {
      const grown = Buffer.alloc(BLOCK + n * 2);
      grown.set(this.inner.subarray(0, BLOCK));
      this.inner = grown;
    }
    this.inner.set(msg.subarray(0, len), BLOCK);
    if (suffix !== null) this.inner.writeUInt32BE(suffix >>> 0, BLOCK + len);
    this.outer.write(hash('sha1', this.inner.subarray(0, BLOCK + n), 'binary'), BLOCK, 20, 'latin1');
    return hash('sha1', this.outer, 'binary');
  }
}
