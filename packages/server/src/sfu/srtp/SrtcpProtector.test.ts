import { describe, expect, it } from 'vitest';
import { RtcpReceiverInfo, RtcpRrPacket, RtcpSenderInfo, RtcpSrPacket, SrtcpSession } from 'werift';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80 } from './SrtpProtector.ts';
import { srtcpProtectorOf } from './SrtcpProtector.ts';
import { sessionPair } from '../testing/fakes.ts';

function sessions(profile: number): { ours: SrtcpSession; theirs: SrtcpSession } {
  const { a: ours, b: theirs } = sessionPair(SrtcpSession, profile);
  return { ours, theirs };
}

const sr = (ssrc: number, n: number) =>
  new RtcpSrPacket({ ssrc, senderInfo: new RtcpSenderInfo({ ntpTimestamp: (BigInt(0xe000_0000 + n) << 32n) | 0x1234n, rtpTimestamp: 90_000 * n, packetCount: 100 * n, octetCount: 110_000 * n }) }).serialize();

describe('SrtcpProtector', () => {
  it("protects what werift's SRTCP decrypts, on werift's own index for the SSRC", () => {
    const { ours, theirs } = sessions(PROFILE_AES_CM_128_HMAC_SHA1_80);
    const dtls = { srtcp: ours };
    const p = srtcpProtectorOf(dtls)!;
    expect(p).not.toBeNull();
    const indexOf = (srtcp: Buffer) => srtcp.readUInt32BE(srtcp.length - 14) & 0x7fffffff;
    const indices: number[] = [];
    for (let n = 1; n <= 70; n++) {
      // werift sends on the same SSRC now and then: the two must never reuse an index.
      const plain = sr(0xabcdef01, n);
      const srtcp = n % 10 === 0 ? ours.encrypt(plain) : p.protect(plain);
      expect(srtcp.length).toBe(plain.length + 14);
      expect(srtcp.subarray(8, plain.length).equals(plain.subarray(8))).toBe(false);
      expect(theirs.decrypt(srtcp).equals(plain)).toBe(true);
      indices.push(indexOf(srtcp));
    }
    expect(indices).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    // Another SSRC counts on its own.
    expect(indexOf(p.protect(sr(0x0102_0304, 1)))).toBe(1);
    const rr = new RtcpRrPacket({ ssrc: 5, reports: [new RtcpReceiverInfo({ ssrc: 6, fractionLost: 1, packetsLost: 2, highestSequence: 3, jitter: 4, lsr: 5, dlsr: 6 })] }).serialize();
    expect(theirs.decrypt(p.protect(rr)).equals(rr)).toBe(true);
  });

  it('is not made for GCM connections (werift sends their RTCP)', () => {
    expect(srtcpProtectorOf({ srtcp: sessions(PROFILE_AEAD_AES_128_GCM).ours })).toBeNull();
    expect(srtcpProtectorOf({})).toBeNull();
    expect(srtcpProtectorOf(null)).toBeNull();
  });
});
