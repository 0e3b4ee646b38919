import { describe, expect, it } from 'vitest';
import { RtcpReceiverInfo, RtcpRrPacket, SrtcpSession } from 'werift';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80 } from './SrtpProtector.ts';
import { SrtcpUnprotector } from './SrtcpUnprotector.ts';
import { srtcpKeysOf } from './weriftKeys.ts';
import { sessionPair } from '../testing/fakes.ts';

function sessions(profile: number): { sender: SrtcpSession; receiver: SrtcpSession } {
  const { a: sender, b: receiver } = sessionPair(SrtcpSession, profile);
  return { sender, receiver };
}

/** Our inbound SRTCP must decrypt what werift's reference SRTCP encrypts, and nothing forged. */
describe('SrtcpUnprotector', () => {
  it("decrypts werift's SRTCP (AES-CM) packet after packet, and rejects tampering", () => {
    const { sender, receiver } = sessions(PROFILE_AES_CM_128_HMAC_SHA1_80);
    const keys = srtcpKeysOf(receiver.remoteContext);
    expect(keys).not.toBeNull();
    const u = new SrtcpUnprotector(keys!);
    for (let i = 0; i < 5; i++) {
      const rr = new RtcpRrPacket({
        ssrc: 0x01020304 + i,
        reports: Array.from({ length: i === 4 ? 31 : 1 + i }, (_, k) => new RtcpReceiverInfo({ ssrc: 0xa0000000 + k, fractionLost: (10 * k) & 0xff, packetsLost: k, highestSequence: 1000 + i, jitter: 3, lsr: 0x12345678, dlsr: 65536 })),
      }).serialize();
      const srtcp = sender.encrypt(rr);
      expect(srtcp.subarray(8, rr.length).equals(rr.subarray(8))).toBe(false); // really encrypted
      for (const at of [1, 9, srtcp.length - 12, srtcp.length - 1]) {
        const forged = Buffer.from(srtcp);
        forged[at] = forged[at]! ^ 0x40;
        expect(u.unprotect(forged)).toBeNull();
      }
      expect(u.unprotect(srtcp)?.equals(rr)).toBe(true);
      expect(receiver.decrypt(srtcp).equals(rr)).toBe(true); // the reference agrees
    }
    expect(u.unprotect(Buffer.alloc(21))).toBeNull();
  });

  it('has no keys for a GCM session (that stays on werift’s path)', () => {
    expect(srtcpKeysOf(sessions(PROFILE_AEAD_AES_128_GCM).receiver.remoteContext)).toBeNull();
  });
});
