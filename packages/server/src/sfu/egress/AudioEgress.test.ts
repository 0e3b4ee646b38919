import { describe, expect, it } from 'vitest';
import type { RtpPacket } from 'werift';
import { newCounters } from '../counters.ts';
import { MediaSource } from '../MediaSource.ts';
import { AudioEgress, EGRESS_PT, OPUS_SILENCE } from './AudioEgress.ts';

class TestSource extends MediaSource {
  private seq = 1000;
  private ts = 5000;
  constructor(id: string) {
    super({ id, peerId: `peer-${id}`, kind: 'audio', source: 'microphone', height: undefined, onAudioLevel: () => undefined, stats: newCounters() });
  }
  requestKeyFrame(): void {}
  /** One 20 ms packet; level 10 = speech, 127 = silence. */
  push(level: number): void {
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + 960) >>> 0;
    const rtp = { header: { sequenceNumber: this.seq, timestamp: this.ts, marker: false, ssrc: 42, extensions: [] }, payload: Buffer.from([0x78, 1, 2, 3]) } as unknown as RtpPacket;
    this.deliver(this.layer(0, false), rtp, false, level);
  }
}

interface Sent {
  port: number;
  seq: number;
  ts: number;
  ssrc: number;
  pt: number;
  silence: boolean;
}

function harness(ports = [5000, 5002]) {
  let now = 1_000_000;
  const sent: Sent[] = [];
  const egress = new AudioEgress({
    host: '127.0.0.1',
    ports,
    manualClock: true,
    now: () => now,
    send: (b, port) =>
      sent.push({ port, seq: b.readUInt16BE(2), ts: b.readUInt32BE(4), ssrc: b.readUInt32BE(8), pt: b[1]! & 0x7f, silence: b.subarray(12).equals(OPUS_SILENCE) }),
  });
  const step = (ms: number, each?: () => void) => {
    for (let t = 0; t < ms; t += 10) {
      now += 10;
      if (each && t % 20 === 0) each();
      egress.tick();
    }
  };
  return { egress, sent, step, onPort: (p: number) => sent.filter((s) => s.port === p) };
}

/** Consecutive packets of one stream: sequence +1, one SSRC, timestamps never go back. */
function expectContinuous(stream: Sent[]): void {
  for (let i = 1; i < stream.length; i++) {
    const a = stream[i - 1]!;
    const b = stream[i]!;
    expect(b.seq).toBe((a.seq + 1) & 0xffff);
    expect(b.ssrc).toBe(a.ssrc);
    const dt = (b.ts - a.ts) >>> 0;
    expect(dt).toBeGreaterThan(0);
    expect(dt).toBeLessThan(48_000);
  }
}

describe('AudioEgress', () => {
  it('fills empty slots with a 20 ms Opus silence frame every 20 ms', () => {
    const h = harness();
    h.step(1000);
    for (const port of [5000, 5002]) {
      const s = h.onPort(port);
      expect(s.length).toBeGreaterThanOrEqual(49);
      expect(s.length).toBeLessThanOrEqual(51);
      expect(s.every((x) => x.silence && x.pt === EGRESS_PT)).toBe(true);
      expectContinuous(s);
      expect(((s.at(-1)!.ts - s[0]!.ts) >>> 0) / (s.length - 1)).toBe(960);
    }
    expect(h.onPort(5000)[0]!.ssrc).not.toBe(h.onPort(5002)[0]!.ssrc);
  });

  it('carries a source in a slot, keeps the stream continuous across gaps and source changes', () => {
    const h = harness([5000]);
    const a = new TestSource('a');
    const b = new TestSource('b');
    h.egress.add(a);
    h.egress.add(b);
    h.step(200);
    h.step(500, () => a.push(10)); // a talks (slot taken)
    h.step(500, () => b.push(10)); // b talks, a still holds the slot (quiet < 1 s)
    expect(h.egress.state()[0]!.source).toBe('a');
    h.step(300); // gap: silence
    h.step(1200, () => b.push(10)); // a quiet > 1 s: b takes over
    expect(h.egress.state()[0]!.source).toBe('b');
    a.close();
    const s = h.onPort(5000);
    expectContinuous(s);
    expect(s.filter((x) => !x.silence).length).toBeGreaterThan(60);
    // Wall clock and RTP clock agree: 2.7 s ≈ 2.7 × 48000 ticks (± one frame per switch).
    const span = ((s.at(-1)!.ts - s[0]!.ts) >>> 0) / 48;
    expect(Math.abs(span - 2700)).toBeLessThan(100);
  });

  it('gives a freed slot to a waiting source and forgets closed ones', () => {
    const h = harness([5000]);
    const a = new TestSource('a');
    const b = new TestSource('b');
    h.egress.add(a);
    h.egress.add(b);
    h.step(100, () => {
      a.push(10);
      b.push(10);
    });
    expect(h.egress.state()[0]!.source).toBe('a');
    a.close();
    expect(h.egress.state()[0]!.source).toBe('b');
    b.close();
    expect(h.egress.state()[0]!.source).toBeNull();
  });

  it('ignores video and stops tapping when closed', () => {
    const h = harness([5000]);
    const a = new TestSource('a');
    h.egress.add(a);
    expect(a.taps.size).toBe(1);
    h.egress.close();
    expect(a.taps.size).toBe(0);
    const n = h.sent.length;
    h.step(100, () => a.push(10));
    expect(h.sent.length).toBe(n);
  });
});
