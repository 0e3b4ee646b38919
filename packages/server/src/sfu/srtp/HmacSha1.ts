import { hash } from 'node:crypto';

/** SHA-1's block size: HMAC's pads are this long. */
export const HMAC_BLOCK = 64;

/**
 * HMAC-SHA1's two pads for `key` (https://www.rfc-editor.org/rfc/rfc2104#section-2): `inner` is
 * K ⊕ ipad followed by `room` bytes for the message, `outer` is K ⊕ opad followed by 20 bytes
 * for the inner digest.
 */
export function hmacSha1Pads(key: Buffer, room = 0): { inner: Buffer; outer: Buffer } {
  if (key.length > HMAC_BLOCK) throw new Error('HMAC-SHA1 key longer than 64 bytes');
  const inner = Buffer.alloc(HMAC_BLOCK + room, 0x36);
  const outer = Buffer.alloc(HMAC_BLOCK + 20, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
  }
  return { inner, outer };
}

/**
 * H(K ⊕ opad ‖ H(K ⊕ ipad ‖ m)) as two one-shot `crypto.hash` calls: `inner` is K ⊕ ipad ‖ m
 * (the caller built the message behind its pad), `outer` the pads' `outer`. Writes the first
 * `tagLength` bytes of the MAC into `dest` at `at`. The digests come back as latin1 ("binary")
 * strings, no Buffer per hash, and are copied by a loop: Buffer#write would be a native call for
 * 20 bytes. No Node Hmac object (key schedule, native wrapper, output buffer) per message.
 */
export function hmacSha1Into(inner: Buffer, outer: Buffer, dest: Buffer, at: number, tagLength: number): void {
  const d = hash('sha1', inner, 'binary');
  for (let i = 0; i < 20; i++) outer[HMAC_BLOCK + i] = d.charCodeAt(i);
  const tag = hash('sha1', outer, 'binary');
  for (let i = 0; i < tagLength; i++) dest[at + i] = tag.charCodeAt(i);
}

/**
 * HMAC-SHA1 for received SRTP and SRTCP and the SRTCP we send, over a message that is copied
 * behind the inner pad (the SRTP we send builds its packets behind the pad itself: SrtpProtector).
 */
export class HmacSha1 {
  /** K ⊕ ipad, then room for the message. */
  private inner: Buffer;
  /** K ⊕ opad ‖ inner digest. */
  private readonly outer: Buffer;
  private readonly tag = Buffer.alloc(20);

  constructor(key: Buffer) {
    const pads = hmacSha1Pads(key, 2048);
    this.inner = pads.inner;
    this.outer = pads.outer;
  }

  /**
   * True when the first `tagLength` bytes of HMAC(`msg[0, len)` ‖ `suffix` as 32 bits, if given)
   * equal `msg[tagAt, tagAt + tagLength)`. Compares every byte (no early exit).
   */
  verify(msg: Buffer, len: number, suffix: number | null, tagAt: number, tagLength: number): boolean {
    this.digest(msg, len, suffix, this.tag, 0, tagLength);
    let diff = 0;
    for (let i = 0; i < tagLength; i++) diff |= this.tag[i]! ^ msg[tagAt + i]!;
    return diff === 0;
  }

  /** Writes the first `tagLength` bytes of HMAC(`msg[0, len)`) into `msg` at `len`. */
  sign(msg: Buffer, len: number, tagLength: number): void {
    this.digest(msg, len, null, msg, len, tagLength);
  }

  private digest(msg: Buffer, len: number, suffix: number | null, dest: Buffer, at: number, tagLength: number): void {
    const n = len + (suffix === null ? 0 : 4);
    if (this.inner.length < HMAC_BLOCK + n) {
      const grown = Buffer.alloc(HMAC_BLOCK + n * 2);
      grown.set(this.inner.subarray(0, HMAC_BLOCK));
      this.inner = grown;
    }
    this.inner.set(msg.subarray(0, len), HMAC_BLOCK);
    if (suffix !== null) this.inner.writeUInt32BE(suffix >>> 0, HMAC_BLOCK + len);
    hmacSha1Into(this.inner.subarray(0, HMAC_BLOCK + n), this.outer, dest, at, tagLength);
  }
}
