import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RtpPacket } from 'werift';
import type { MediaSource } from '../MediaSource.ts';
import { FILLER_PAYLOAD } from './fillerFrame.ts';
import { MainVideoSelector } from './MainVideoSelector.ts';

/** Just enough of a MediaSource: one active layer, key-frame requests counted. */
function source(peerId: string, kind: 'camera' | 'screen') {
  const e = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const s = Object.assign(e, {
    id: `${peerId}-${kind}`,
    peerId,
    kind: 'video',
    source: kind,
    codec: 'vp8',
    paused: false,
    closed: false,
    taps: new Set(),
    layers: [{ rank: 0, active: true, packets: 1 }],
    keyRequests: 0,
    requestKeyFrame() {
      s.keyRequests++;
    },
  });
  return s as unknown as MediaSource & { keyRequests: number; paused: boolean };
}

/** Each source numbers its own packets. */
const seqs = new Map<string, number>();
const pkt = (payload: string) => {
  const src = payload.split('-')[0]!;
  const seq = (seqs.get(src) ?? 100) + 1;
  seqs.set(src, seq);
  return { header: { sequenceNumber: seq, timestamp: seq * 3000, marker: true }, payload: Buffer.from(payload) } as unknown as RtpPacket;
};

describe('MainVideoSelector', () => {
  it('follows the active speaker on key frames, prefers a screen share, fills gaps with a still key frame, one continuous sequence', () => {
    let now = 0;
    const out: { seq: number; key: boolean; payload: Buffer }[] = [];
    const sel = new MainVideoSelector((rtp, s, _ts, key) => out.push({ seq: s, key, payload: rtp.payload }), () => now, true);
    expect(out).toHaveLength(1); // a filler at once: the encoder downstream starts immediately
    expect(out[0]!.payload.equals(FILLER_PAYLOAD)).toBe(true);

    const a = source('a', 'camera');
    const b = source('b', 'camera');
    sel.add(a);
    sel.add(b);
    expect(a.keyRequests).toBe(1); // first camera is shown until someone speaks
    sel.setSpeaker('b');
    expect(b.keyRequests).toBe(1);
    sel.packet(b, 0, pkt('b-delta'), false);
    expect(out).toHaveLength(1); // not before b's key frame
    sel.packet(b, 0, pkt('b-key'), true);
    sel.packet(a, 0, pkt('a-key'), true);
    sel.packet(b, 0, pkt('b-1'), false);
    expect(out.slice(1).map((o) => o.payload.toString())).toEqual(['b-key', 'b-1']);

    const screen = source('a', 'screen');
    sel.add(screen);
    sel.packet(b, 0, pkt('b-2'), false); // still b until the share's key frame
    sel.packet(screen, 0, pkt('s-key'), true);
    sel.packet(b, 0, pkt('b-3'), false);
    expect(out.slice(3).map((o) => o.payload.toString())).toEqual(['b-2', 's-key']);

    // Everyone stops video: filler again on the next tick.
    sel.remove(screen);
    a.paused = true;
    b.paused = true;
    now += 1000;
    sel.tick();
    sel.fillerTick();
    expect(out.at(-1)!.payload.equals(FILLER_PAYLOAD)).toBe(true);
    // One sequence throughout, whatever the source.
    for (let i = 1; i < out.length; i++) expect(out[i]!.seq).toBe((out[i - 1]!.seq + 1) & 0xffff);
  });
});
