import { describe, expect, it } from 'vitest';
import { RtcpRrPacket, RtcpTransportLayerFeedback, GenericNack } from 'werift';
import { genericNack, receiverReport } from './RtpIngress.ts';
import { MAX_NACK_GAP, ReceiveStream } from './ReceiveStream.ts';

describe('ReceiveStream', () => {
  it('finds gaps across the sequence wrap, NACKs them with retries, and forgets recovered ones', () => {
    const s = new ReceiveStream(1, 90000, true);
    s.add(65533, 0, 0);
    s.add(65534, 0, 1);
    expect(s.add(2, 0, 2)).toBe(3); // 65535, 0, 1 missing
    const due: number[] = [];
    s.due(10, due);
    expect(due).toEqual([65535, 0, 1]);
    expect(s.recover(0)).toBe(true);
    expect(s.recover(0)).toBe(false); // a second copy (or an RTX probe) is not a repair
    const again: number[] = [];
    s.due(20, again);
    expect(again).toEqual([]); // too soon to repeat
    s.due(200, again);
    expect(again).toEqual([65535, 1]);
    expect(s.report()).toMatchObject({ ssrc: 1, highestSequence: 0x10002, packetsLost: 2 });
  });

  it('gives up on huge gaps (key frame instead) and stops NACKing after a second', () => {
    const s = new ReceiveStream(1, 90000, true);
    s.add(100, 0, 0);
    expect(s.add(100 + MAX_NACK_GAP + 5, 0, 1)).toBe(-1);
    expect(s.hasMissing).toBe(false);
    s.add(1000, 0, 2);
    s.add(1002, 0, 2);
    const due: number[] = [];
    s.due(2000, due);
    expect(due).toEqual([]);
    expect(s.hasMissing).toBe(false);
  });

  it('does not NACK audio', () => {
    const s = new ReceiveStream(1, 48000, false);
    s.add(1, 0, 0);
    expect(s.add(5, 0, 1)).toBe(0);
  });
});

describe('RTCP the ingress writes', () => {
  it('a Generic NACK werift parses back to the same sequence numbers', () => {
    const seqs = [65535, 0, 1, 5, 17, 30];
    const parsed = RtcpTransportLayerFeedback.deSerialize(genericNack(7, 9, seqs).subarray(4), { type: 205, count: 1, length: 0, padding: false, version: 2 } as never);
    const nack = parsed.feedback as GenericNack;
    expect(nack.mediaSourceSsrc).toBe(9);
    // werift adds BLP offsets without wrapping them.
    expect(nack.lost.map((x) => x & 0xffff)).toEqual(seqs);
  });
  it('a receiver report werift parses back', () => {
    const buf = receiverReport(7, [{ ssrc: 9, fractionLost: 12, packetsLost: 300, highestSequence: 70000, jitter: 44, lsr: 0x12345678, dlsr: 65536 }]);
    const rr = RtcpRrPacket.deSerialize(buf.subarray(4), 1);
    expect(rr.ssrc).toBe(7);
    expect(rr.reports[0]).toMatchObject({ ssrc: 9, fractionLost: 12, packetsLost: 300, highestSequence: 70000, jitter: 44, lsr: 0x12345678, dlsr: 65536 });
  });
});
