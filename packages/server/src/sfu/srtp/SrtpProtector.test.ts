import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RtpHeader, RtpPacket, SrtpSession } from 'werift';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80, SrtpProtector } from './SrtpProtector.ts';
import { srtpKeysOf } from './weriftKeys.ts';

/** Our protector must produce exactly what werift's reference SRTP decrypts (both profiles). */
describe('SrtpProtector', () => {
  for (const profile of [PROFILE_AES_CM_128_HMAC_SHA1_80, PROFILE_AEAD_AES_128_GCM]) {
    it(`round-trips through werift's SRTP (profile ${profile}), across a sequence wrap`, () => {
      const keyLen = 16;
      const saltLen = profile === PROFILE_AEAD_AES_128_GCM ? 12 : 14;
      const k = { localMasterKey: randomBytes(keyLen), localMasterSalt: randomBytes(saltLen), remoteMasterKey: randomBytes(keyLen), remoteMasterSalt: randomBytes(saltLen) };
      const sender = new SrtpSession({ keys: k, profile });
      const receiver = new SrtpSession({
        keys: { localMasterKey: k.remoteMasterKey, localMasterSalt: k.remoteMasterSalt, remoteMasterKey: k.localMasterKey, remoteMasterSalt: k.localMasterSalt },
        profile,
      });
      const p = new SrtpProtector(srtpKeysOf(sender.localContext));
      let roc = 0;
      // Sizes around block boundaries and past the counter-block cache's first size; two SSRCs
      // interleaved (media and RTX share one protector).
      const sizes = [1, 15, 16, 17, 300, 1199, 1600, 2000];
      for (const [i, seq] of [65533, 65534, 65535, 0, 1, 2, 3, 4].entries()) {
        if (seq === 0) roc++;
        const ssrc = i % 2 ? 0x11223344 : 0xfedcba98;
        const header = new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: 1234 + seq, ssrc, marker: seq === 2 });
        const payload = randomBytes(sizes[i]!);
        const srtp = Buffer.concat(p.protect(header.serialize(header.serializeSize), payload, header.ssrc, seq, roc));
        // werift's own encrypt of the same packet gives the same bytes…
        expect(srtp.equals(sender.encrypt(payload, header))).toBe(true);
        // …and its receiver authenticates and decrypts it.
        const plain = RtpPacket.deSerialize(receiver.decrypt(srtp));
        expect(plain.header.sequenceNumber).toBe(seq);
        expect(plain.payload.equals(payload)).toBe(true);
      }
    });
  }
  it('protects a packet too big for a send-ring slot in a buffer of its own, and the ring packets around it', () => {
    const k = { localMasterKey: randomBytes(16), localMasterSalt: randomBytes(14), remoteMasterKey: randomBytes(16), remoteMasterSalt: randomBytes(14) };
    const sender = new SrtpSession({ keys: k, profile: PROFILE_AES_CM_128_HMAC_SHA1_80 });
    const p = new SrtpProtector(srtpKeysOf(sender.localContext));
    const out: { srtp: Buffer; expected: Buffer }[] = [];
    for (const [seq, size] of [[10, 1100], [11, 70_000], [12, 1100]] as const) {
      const header = new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: 90, ssrc: 0x5555 });
      const payload = randomBytes(size);
      const [srtp] = p.protect(header.serialize(header.serializeSize), payload, 0x5555, seq, 0);
      out.push({ srtp: srtp!, expected: sender.encrypt(payload, header) });
    }
    // Compared after all three: a later packet must not have overwritten an earlier one.
    for (const { srtp, expected } of out) expect(srtp.equals(expected)).toBe(true);
    expect(out[1]!.srtp.length).toBe(12 + 70_000 + 10);
  });
  it('refuses unknown profiles', () => {
    expect(() => new SrtpProtector({ profile: 2, key: randomBytes(16), salt: randomBytes(14) })).toThrow();
  });
});
