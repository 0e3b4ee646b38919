import { describe, expect, it } from 'vitest';
import { RtpPacket } from 'werift';
import { Consumer } from './Consumer.ts';
import { newCounters } from './counters.ts';
import { fakeProducer, fakeTransceiver, vp8Packet } from './testing/fakes.ts';

const THREE = [
  { height: 180, bitrate: 150_000, active: true },
  { height: 360, bitrate: 500_000, active: true },
  { height: 720, bitrate: 1_500_000, active: true },
];

function setup(layers = THREE, rtx?: { pt: number; ssrc: number }) {
  const wire: Buffer[] = [];
  const t = fakeTransceiver({ send: (b) => wire.push(b), ...(rtx ? { rtx } : {}) });
  const producer = fakeProducer(layers);
  const stats = newCounters();
  const c = new Consumer({ id: 'c1', producer, subscriberId: 's1', transceiver: t as never, stats });
  const seen = () => wire.map((b) => RtpPacket.deSerialize(t.receiver.decrypt(b)));
  return { wire, t, producer, stats, c, seen };
}

describe('Consumer', () => {
  it('forwards nothing until a key frame, then rewrites to its own SSRC and continuous numbering', () => {
    const { c, seen } = setup();
    c.start();
    expect(c.forward(vp8Packet(10, 1000, false, 7), 2, false)).toBe(false); // delta before any key frame
    expect(c.forward(vp8Packet(11, 4000, true, 7), 2, true)).toBe(true);
    c.forward(vp8Packet(12, 7000, false, 7), 2, false);
    const out = seen();
    expect(out.map((p) => p.header.ssrc)).toEqual([1234, 1234]);
    expect(out[1]!.header.sequenceNumber - out[0]!.header.sequenceNumber).toBe(1);
    expect(out[1]!.header.timestamp - out[0]!.header.timestamp).toBe(3000);
  });

  it('switches layers only at a key frame of the target layer, asking the publisher for one', () => {
    const { c, producer, seen } = setup();
    c.start();
    c.forward(vp8Packet(1, 0, true, 1), 2, true); // top layer flowing
    c.setViewport({ width: 320, height: 180 }); // tile shrinks → wants layer 0
    expect(c.targetLayer).toBe(0);
    expect(producer.pli).toContain(0);
    expect(c.forward(vp8Packet(500, 90_000, false, 3), 0, false)).toBe(false); // low-layer delta: not yet
    expect(c.forward(vp8Packet(2, 3000, false, 1), 2, false)).toBe(true); // old layer continues meanwhile
    expect(c.forward(vp8Packet(501, 93_000, true, 3), 0, true)).toBe(true); // key frame: switch
    expect(c.forward(vp8Packet(3, 6000, false, 1), 2, false)).toBe(false); // old layer dropped
    expect(c.currentLayer).toBe(0);
    const seqs = seen().map((p) => p.header.sequenceNumber);
    expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2]); // no gap across the switch
  });

  it('a hidden tile stops video; showing it again waits for a key frame', () => {
    const { c, wire } = setup();
    c.start();
    c.forward(vp8Packet(1, 0, true), 0, true);
    c.setViewport({ width: 0, height: 0 });
    expect(c.forward(vp8Packet(2, 3000, false), 0, false)).toBe(false);
    c.setViewport({ width: 320, height: 180 });
    expect(c.forward(vp8Packet(3, 6000, false), 0, false)).toBe(false);
    expect(c.forward(vp8Packet(4, 9000, true), 0, true)).toBe(true);
    expect(wire.length).toBe(2);
  });

  it('answers a NACK from its own history (same seq, timestamp and payload), counting retransmissions', () => {
    const { c, t, wire, stats } = setup();
    c.start();
    for (let i = 0; i < 5; i++) c.forward(vp8Packet(100 + i, i * 3000, i === 0), 2, i === 0);
    const lost = RtpPacket.deSerialize(t.receiver.decrypt(wire[2]!));
    t.sender.onGenericNack.execute({ lost: [lost.header.sequenceNumber, 9999] }); // 9999 was never sent
    expect(wire.length).toBe(6);
    const again = RtpPacket.deSerialize(t.receiver.decrypt(wire[5]!));
    expect(again.header.ssrc).toBe(lost.header.ssrc);
    expect(again.header.sequenceNumber).toBe(lost.header.sequenceNumber);
    expect(again.header.timestamp).toBe(lost.header.timestamp);
    expect(again.payload.equals(lost.payload)).toBe(true);
    expect(stats.retransmitted).toBe(1);
    // Asked again within an RTT (no RTT known yet: 100 ms): the resend is still on its way.
    t.sender.onGenericNack.execute({ lost: [lost.header.sequenceNumber] });
    expect(wire.length).toBe(6);
    expect(stats.retransmitted).toBe(1);
  });

  it('retransmits on the RTX stream when negotiated (RFC 4588: own SSRC, OSN prefix)', () => {
    const { c, t, wire } = setup(THREE, { pt: 97, ssrc: 5678 });
    c.start();
    for (let i = 0; i < 3; i++) c.forward(vp8Packet(100 + i, i * 3000, i === 0), 2, i === 0);
    const lost = RtpPacket.deSerialize(t.receiver.decrypt(wire[1]!));
    t.sender.onGenericNack.execute({ lost: [lost.header.sequenceNumber] });
    const rtx = RtpPacket.deSerialize(t.receiver.decrypt(wire[3]!));
    expect(rtx.header.ssrc).toBe(5678);
    expect(rtx.header.payloadType).toBe(97);
    expect(rtx.header.timestamp).toBe(lost.header.timestamp);
    expect(rtx.payload.readUInt16BE(0)).toBe(lost.header.sequenceNumber);
    expect(rtx.payload.subarray(2).equals(lost.payload)).toBe(true);
  });

  it('relays a subscriber PLI to the publisher for the layer it receives', () => {
    const { c, t, producer } = setup();
    c.start();
    c.forward(vp8Packet(1, 0, true), 2, true);
    producer.pli.length = 0;
    t.sender.onPictureLossIndication.execute();
    expect(producer.pli).toEqual([2]);
  });

  it('replays the cached low-layer GOP at start so the first frame decodes at once', () => {
    const { c, producer, seen } = setup();
    producer.gop = [vp8Packet(50, 0, true, 9), vp8Packet(51, 3000, false, 9), vp8Packet(52, 6000, false, 9)];
    c.start();
    expect(seen().length).toBe(3);
    expect(c.currentLayer).toBe(0);
    expect(c.forward(vp8Packet(53, 9000, false, 9), 0, false)).toBe(true); // live continues on layer 0
    expect(producer.pli).toContain(2); // and asks for the layer it really wants
  });
});
