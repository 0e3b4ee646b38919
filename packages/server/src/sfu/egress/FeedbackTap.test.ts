import { describe, expect, it } from 'vitest';
import {
  GenericNack,
  ReceiverEstimatedMaxBitrate,
  RtcpPayloadSpecificFeedback,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSourceDescriptionPacket,
  RtcpTransportLayerFeedback,
  SourceDescriptionChunk,
  SourceDescriptionItem,
  SrtcpSession,
} from 'werift';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80 } from '../srtp/SrtpProtector.ts';
import { sessionPair } from '../testing/fakes.ts';
import { FeedbackTap, feedbackTargets, onlyReports, type FeedbackTarget } from './FeedbackTap.ts';

/** A subscriber's SRTCP sender, and a fake werift DTLS transport holding the matching receive context. */
function connection(profile = PROFILE_AES_CM_128_HMAC_SHA1_80) {
  const { a: client, b: server } = sessionPair(SrtcpSession, profile);
  const toWerift: Buffer[] = [];
  const udp = { socket: {}, onData: (d: Buffer, _addr: unknown) => void toWerift.push(d) };
  const dtls = { srtcp: server, iceTransport: { connection: { protocols: [{ transport: udp }] } } };
  return { client, dtls, udp, toWerift };
}

function target(): FeedbackTarget & { reports: { fractionLost: number; lsr: number; dlsr: number }[]; rembs: bigint[] } {
  const t = { reports: [] as { fractionLost: number; lsr: number; dlsr: number }[], rembs: [] as bigint[] };
  return Object.assign(t, { onReport: (r: (typeof t.reports)[number]) => void t.reports.push(r), onRemb: (b: bigint) => void t.rembs.push(b) });
}

const rr = (blocks: [number, number][]) =>
  new RtcpRrPacket({ ssrc: 77, reports: blocks.map(([ssrc, lost]) => new RtcpReceiverInfo({ ssrc, fractionLost: lost, packetsLost: 1, highestSequence: 500, jitter: 2, lsr: 0xabcd0000 + lost, dlsr: 3 * 65536 })) }).serialize();
const sdes = () => new RtcpSourceDescriptionPacket({ chunks: [new SourceDescriptionChunk({ source: 77, items: [new SourceDescriptionItem({ type: 1, text: 'subscriber' })] })] }).serialize();
const remb = (bps: number, ssrcs: number[]) => {
  let exp = 0;
  let mantissa = bps;
  while (mantissa > 0x3ffff) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  return new RtcpPayloadSpecificFeedback({
    feedback: new ReceiverEstimatedMaxBitrate({ senderSsrc: 77, mediaSsrc: 0, uniqueID: 'REMB', ssrcNum: ssrcs.length, brExp: exp, brMantissa: mantissa, ssrcFeedbacks: ssrcs }),
  }).serialize();
};
const nack = () => new RtcpTransportLayerFeedback({ feedback: new GenericNack({ senderSsrc: 77, mediaSourceSsrc: 1111, lost: [5, 6] }) }).serialize();

describe('FeedbackTap', () => {
  it('hands receiver reports and REMB to the streams they are about, without werift', () => {
    const { client, dtls, udp, toWerift } = connection();
    const video = target();
    const audio = target();
    feedbackTargets(dtls).set(1111, video);
    feedbackTargets(dtls).set(2222, audio);
    const tap = new FeedbackTap();
    tap.install(dtls);
    udp.onData(client.encrypt(Buffer.concat([rr([[1111, 25], [9999, 3], [2222, 0]]), sdes()])), null);
    udp.onData(client.encrypt(rr([[2222, 7]])), null);
    udp.onData(client.encrypt(Buffer.concat([rr([]), remb(1_500_000, [1111, 2222])])), null);
    expect(toWerift).toEqual([]);
    expect(tap.packets).toBe(3);
    expect(video.reports).toEqual([{ fractionLost: 25, lsr: 0xabcd0000 + 25, dlsr: 3 * 65536 }]);
    expect(audio.reports.map((r) => r.fractionLost)).toEqual([0, 7]);
    // 1 500 000 in 18-bit mantissa and exponent: within 2^-17 of the value; the first SSRC takes it (as in werift).
    expect(video.rembs.length).toBe(1);
    expect(Math.abs(Number(video.rembs[0]!) - 1_500_000)).toBeLessThan(16);
    expect(audio.rembs).toEqual([]);
  });

  it('leaves every other compound, anything forged, RTP and GCM connections to werift', () => {
    const { client, dtls, udp, toWerift } = connection();
    const video = target();
    feedbackTargets(dtls).set(1111, video);
    const tap = new FeedbackTap();
    tap.install(dtls);
    const withNack = client.encrypt(Buffer.concat([rr([[1111, 1]]), nack()]));
    const forged = client.encrypt(rr([[1111, 2]]));
    forged[10] = forged[10]! ^ 1;
    const rtp = Buffer.alloc(40);
    rtp[0] = 0x80;
    rtp[1] = 96;
    for (const d of [withNack, forged, rtp, Buffer.from([0x16, 0xfe, 0xfd])]) udp.onData(d, null);
    expect(toWerift).toEqual([withNack, forged, rtp, Buffer.from([0x16, 0xfe, 0xfd])]);
    expect(video.reports).toEqual([]); // the RR in the NACK compound is werift's to deliver

    const gcm = connection(PROFILE_AEAD_AES_128_GCM);
    new FeedbackTap().install(gcm.dtls);
    const pkt = gcm.client.encrypt(rr([[1111, 1]]));
    gcm.udp.onData(pkt, null);
    expect(gcm.toWerift).toEqual([pkt]);

    tap.close();
    const after = client.encrypt(rr([[1111, 3]]));
    udp.onData(after, null);
    expect(toWerift.at(-1)).toBe(after);
    expect(video.reports).toEqual([]);
  });

  it('accepts only well-formed compounds of RR, SDES and REMB (RFC 3550 A.2)', () => {
    expect(onlyReports(Buffer.concat([rr([[1, 1]]), sdes()]))).toBe(true);
    expect(onlyReports(Buffer.concat([rr([[1, 1]]), nack()]))).toBe(false);
    const short = rr([[1, 1], [2, 2]]);
    short[0] = 0x83; // claims three blocks in room for two
    expect(onlyReports(short)).toBe(false);
    expect(onlyReports(rr([[1, 1]]).subarray(0, 20))).toBe(false); // length beyond the packet
    expect(onlyReports(Buffer.concat([rr([[1, 1]]), Buffer.alloc(2)]))).toBe(false); // trailing bytes
    const v1 = rr([[1, 1]]);
    v1[0] = 0x41;
    expect(onlyReports(v1)).toBe(false);
  });
});
