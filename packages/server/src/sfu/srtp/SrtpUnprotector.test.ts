import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RtpHeader, SrtpSession } from 'werift';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80 } from './SrtpProtector.ts';
import { estimateRoc, SrtpUnprotector } from './SrtpUnprotector.ts';
import { srtpKeysOf } from './weriftKeys.ts';
import { sessionPair } from '../testing/fakes.ts';

/** Our inbound SRTP must decrypt what werift's reference SRTP encrypts (both profiles), and nothing forged. */
describe('SrtpUnprotector', () => {
  for (const profile of [PROFILE_AES_CM_128_HMAC_SHA1_80, PROFILE_AEAD_AES_128_GCM]) {
    it(`decrypts werift's SRTP (profile ${profile}) across a sequence wrap, and rejects tampering`, () => {
      const { a: sender, b: receiver } = sessionPair(SrtpSession, profile);
      const u = new SrtpUnprotector(srtpKeysOf(receiver.remoteContext));
      const sizes = [1, 15, 16, 17, 300, 1199, 1600, 2000, 5];
      for (const [i, seq] of [65533, 65534, 65535, 0, 1, 2, 65535, 3, 4].entries()) {
        const ssrc = i % 2 ? 0x11223344 : 0xfedcba98;
        const header = new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: 1234 + seq, ssrc, marker: seq === 2 });
        const payload = randomBytes(sizes[i]!);
        const srtp = sender.encrypt(payload, header);
        const hl = header.serializeSize;
        const forged = Buffer.from(srtp);
        forged[hl] = forged[hl]! ^ 1;
        const forgedCopy = Buffer.from(forged);
        expect(u.unprotect(forged, hl, ssrc, seq)).toBeNull();
        expect(forged.equals(forgedCopy)).toBe(true); // a packet that does not authenticate is left as it was
        expect(u.unprotect(srtp, hl, ssrc, seq)?.equals(payload)).toBe(true);
      }
    });
  }
  it("decrypts a long AES-CM stream with loss, reordering and a second SSRC as werift does", () => {
    const { a: sender, b: receiver } = sessionPair(SrtpSession, PROFILE_AES_CM_128_HMAC_SHA1_80);
    const u = new SrtpUnprotector(srtpKeysOf(receiver.remoteContext));
    const made: { srtp: Buffer; hl: number; ssrc: number; seq: number; payload: Buffer }[] = [];
    for (let i = 0; i < 1_500; i++) {
      const ssrc = i % 9 === 8 ? 0x0a0b0c0d : 0x01020304; // media and its RTX, interleaved
      const seq = (65_000 + i) & 0xffff; // wraps at i = 536
      const header = new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: i * 3000, ssrc });
      const payload = randomBytes(i % 11 === 0 ? 1 + (i % 60) : 1_000 + (i % 200));
      made.push({ srtp: sender.encrypt(payload, header), hl: header.serializeSize, ssrc, seq, payload });
    }
    // Deliver with every 13th packet lost and neighbours swapped now and then.
    const order = made.filter((_, i) => i % 13 !== 5);
    for (let i = 0; i + 1 < order.length; i += 17) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
    for (const m of order) expect(u.unprotect(m.srtp, m.hl, m.ssrc, m.seq)?.equals(m.payload)).toBe(true);
  });

  it('estimates the rollover counter (RFC 3711 §3.3.1)', () => {
    expect(estimateRoc({ roc: 0, sl: 65530 }, 3)).toBe(1);
    expect(estimateRoc({ roc: 1, sl: 3 }, 65530)).toBe(0);
    expect(estimateRoc({ roc: 1, sl: 100 }, 200)).toBe(1);
    expect(estimateRoc({ roc: 0, sl: 10 }, 65535)).toBe(0);
  });
});
