import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CmKeystream } from './CmKeystream.ts';
import { PROFILE_AES_CM_128_HMAC_SHA1_80, SrtpProtector, ctrIv } from './SrtpProtector.ts';
import { MAX_SLOT, sendSlot } from './sendRing.ts';

/** RFC 3711 AES-CM + HMAC-SHA1-80 the plain way: one cipher and one HMAC object per packet. */
function reference(keys: { key: Buffer; salt: Buffer; authKey: Buffer }, header: Buffer, payload: Buffer, ssrc: number, seq: number, roc: number): Buffer {
  const enc = createCipheriv('aes-128-ctr', keys.key, ctrIv(Buffer.alloc(16), keys.salt, ssrc, seq, roc)).update(payload);
  const rocBytes = Buffer.alloc(4);
  rocBytes.writeUInt32BE(roc);
  const tag = createHmac('sha1', keys.authKey).update(header).update(enc).update(rocBytes).digest().subarray(0, 10);
  return Buffer.concat([header, enc, tag]);
}

describe('AES-CM with batched keystream', () => {
  it('matches the per-packet reference over long runs: sizes that grow and shrink, two SSRCs, resends of old packets, a ROC wrap', () => {
    const keys = { profile: PROFILE_AES_CM_128_HMAC_SHA1_80, key: randomBytes(16), salt: randomBytes(14), authKey: randomBytes(20) };
    const p = new SrtpProtector(keys);
    const sent: { ssrc: number; seq: number; roc: number; payload: Buffer; header: Buffer }[] = [];
    let seq = 65_000;
    let roc = 7;
    for (let i = 0; i < 2_000; i++) {
      seq = (seq + 1) & 0xffff;
      if (seq === 0) roc++;
      const ssrc = i % 5 === 4 ? 0x0bad_cafe : 0x1234_5678;
      // Mostly MTU-sized video packets, some tiny (audio-like, padding), some past the first slot size.
      const size = i % 97 === 0 ? 1_400 + (i % 300) : i % 7 === 0 ? 1 + (i % 40) : 900 + (i % 300);
      const header = randomBytes(12 + 4 * (i % 3));
      const payload = randomBytes(size);
      sent.push({ ssrc, seq, roc, payload, header });
      expect(Buffer.concat(p.protect(Buffer.from(header), payload, ssrc, seq, roc)).equals(reference(keys, header, payload, ssrc, seq, roc))).toBe(true);
      if (i % 50 === 49) {
        // A resend of an older packet (no RTX): outside the current batch.
        const old = sent[i - 40]!;
        expect(Buffer.concat(p.protect(Buffer.from(old.header), old.payload, old.ssrc, old.seq, old.roc)).equals(reference(keys, old.header, old.payload, old.ssrc, old.seq, old.roc))).toBe(true);
      }
    }
  });

  it('XORs in place at any alignment of the buffer: the 32-bit path, the byte path, and a view the caller passes', () => {
    const key = randomBytes(16);
    const salt = randomBytes(14);
    const cm = new CmKeystream(key, salt);
    const big = randomBytes(4_096);
    const words = new Int32Array(big.buffer, 0, big.buffer.byteLength >> 2);
    for (let off = 0; off < 8; off++) {
      for (const len of [1, 15, 16, 17, 1_001, 1_200]) {
        const seq = off * 10 + (len % 7);
        const plain = randomBytes(len);
        const want = createCipheriv('aes-128-ctr', key, ctrIv(Buffer.alloc(16), salt, 9, seq, 0)).update(plain);
        // A view of `big` at an odd or even offset: only offsets that are a multiple of 4 take the
        // 32-bit path; the others go byte by byte.
        const at = 64 + off;
        big.set(plain, at);
        cm.xorInto(9, seq, big, at, len, off % 2 ? undefined : words);
        expect(big.subarray(at, at + len).equals(want)).toBe(true);
        // Decrypting is the same XOR.
        cm.xorInto(9, seq, big.subarray(at, at + len), 0, len);
        expect(big.subarray(at, at + len).equals(plain)).toBe(true);
      }
    }
  });

  it('protects payloads at any alignment of their source', () => {
    const keys = { profile: PROFILE_AES_CM_128_HMAC_SHA1_80, key: randomBytes(16), salt: randomBytes(14), authKey: randomBytes(20) };
    const p = new SrtpProtector(keys);
    const big = randomBytes(2_000);
    for (let off = 0; off < 8; off++) {
      const payload = big.subarray(off, off + 1_001);
      const header = randomBytes(12 + off * 4);
      expect(Buffer.concat(p.protect(Buffer.from(header), payload, 1, off, 0)).equals(reference(keys, header, payload, 1, off, 0))).toBe(true);
    }
  });
});

describe('sendSlot', () => {
  it('hands out 8-byte-aligned, non-overlapping slots of one 4 MB ring, and comes round', () => {
    let prev = sendSlot(1_200);
    let prevSize = 1_200;
    let wrapped = false;
    for (let i = 0; i < 4_000; i++) {
      const size = 1_100 + (i % 200);
      const at = sendSlot(size);
      expect(at % 8).toBe(0);
      expect(at + size).toBeLessThanOrEqual(4 << 20);
      if (at < prev) wrapped = true;
      else expect(at).toBeGreaterThanOrEqual(prev + prevSize);
      prev = at;
      prevSize = size;
    }
    expect(wrapped).toBe(true);
    expect(sendSlot(MAX_SLOT + 1)).toBe(-1); // too big for the ring: the caller makes its own buffer
  });
});
