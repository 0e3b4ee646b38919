import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacSha1 } from './HmacSha1.ts';

describe('HmacSha1', () => {
  it('agrees with Node’s HMAC for any message length (past its scratch size too), with and without a 32-bit suffix', () => {
    for (const keyLength of [20, 64]) {
      const key = randomBytes(keyLength);
      const h = new HmacSha1(key);
      for (const len of [0, 1, 63, 64, 65, 1_200, 2_047, 2_048, 5_000, 100]) {
        const suffix = len % 2 ? null : 0x89abcdef;
        const body = randomBytes(len);
        const tail = Buffer.alloc(4);
        tail.writeUInt32BE(suffix ?? 0);
        const want = createHmac('sha1', key).update(body).update(suffix === null ? Buffer.alloc(0) : tail).digest().subarray(0, 10);
        const msg = Buffer.concat([body, want]);
        expect(h.verify(msg, len, suffix, len, 10)).toBe(true);
        msg[len + 9] = msg[len + 9]! ^ 1; // last tag byte wrong
        expect(h.verify(msg, len, suffix, len, 10)).toBe(false);
      }
    }
    expect(() => new HmacSha1(Buffer.alloc(65))).toThrow(/64 bytes/);
  });
});
