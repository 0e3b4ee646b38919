import { describe, expect, it } from 'vitest';
import { RtcpPayloadSpecificFeedback, ReceiverEstimatedMaxBitrate } from 'werift';
import { Consumer } from './Consumer.ts';
import { newCounters } from './counters.ts';
import { Downlink, type VideoDemand } from './Downlink.ts';
import { selectLayer, type Viewport } from './layers.ts';
import { fakeProducer, fakeTransceiver, vp8Packet } from './testing/fakes.ts';

const THREE = [
  { height: 180, bitrate: 150_000, active: true },
  { height: 360, bitrate: 500_000, active: true },
  { height: 720, bitrate: 1_500_000, active: true },
];
const BIG = { width: 1280, height: 720 };
const SMALL = { width: 640, height: 360 };

function tile(viewport: Viewport | null, current: number, rampFromBps: number | null = null): VideoDemand {
  return { layers: THREE, viewport, current, rampFromBps };
}

/** The layer each demand ends up with under the caps Downlink gives. */
function layersOf(d: Downlink, now: number, demands: VideoDemand[], audioBps = 0): number[] {
  const caps = d.allocate(now, demands, audioBps);
  return demands.map((x, i) => selectLayer(x.layers, x.viewport, caps[i]!));
}

describe('Downlink', () => {
  it('without an estimate, or with one above what the streams take, caps nobody', () => {
    const d = new Downlink();
    const demands = [tile(BIG, 2), tile(SMALL, 1)];
    expect(d.allocate(0, demands, 40_000)).toEqual([0, 0]);
    d.estimate(3_000_000);
    expect(d.allocate(0, demands, 40_000)).toEqual([0, 0]);
  });

  it('under congestion keeps the biggest tile up and lowers the others first, whatever their order', () => {
    const d = new Downlink();
    // 2.5 Mbps in use (1.5 + 2 × 0.5), the receiver says 1.8: congested (below 0.75 × 2.5 M).
    d.estimate(1_800_000);
    // 1.5 M to the big tile, then 0.3 M left: the small ones drop to 180p (0.15 M each).
    expect(layersOf(d, 0, [tile(SMALL, 1), tile(BIG, 2), tile(SMALL, 1)])).toEqual([0, 2, 0]);
    expect(layersOf(d, 0, [tile(BIG, 2), tile(SMALL, 1), tile(SMALL, 1)])).toEqual([2, 0, 0]);
    // Audio is served first: with 0.4 M of it, 1.4 M is left: 360p for the big tile and one small one, 180p for the last.
    expect(layersOf(d, 0, [tile(SMALL, 1), tile(BIG, 2), tile(SMALL, 1)], 400_000)).toEqual([1, 1, 0]);
  });

  it('shares the estimate, not the whole estimate to each: three tiles of the same size', () => {
    const d = new Downlink();
    d.estimate(1_000_000);
    // 1.5 M in use, 1 M estimated: two get 360p (2 × 0.5 M), the third what is left: 180p.
    expect(layersOf(d, 0, [tile(SMALL, 1), tile(SMALL, 1), tile(SMALL, 1)])).toEqual([1, 1, 0]);
  });

  it('gives the lowest layer when nothing fits, and nothing to a hidden tile', () => {
    const d = new Downlink();
    d.estimate(100_000);
    expect(layersOf(d, 0, [tile(BIG, 2), tile(SMALL, 1), tile({ width: 0, height: 0 }, -1)])).toEqual([0, 0, -1]);
  });

  it('holds the cap for 10 s after congestion, then lets the tiles probe upward', () => {
    const d = new Downlink();
    d.estimate(600_000);
    expect(layersOf(d, 0, [tile(BIG, 2)])).toEqual([1]);
    // Now on 360p (0.5 M): the estimate is no longer below what is in use, but the hold lasts.
    expect(layersOf(d, 9_000, [tile(BIG, 1)])).toEqual([1]);
    expect(layersOf(d, 10_001, [tile(BIG, 1)])).toEqual([2]);
  });

  it('a tile ramping after its own upgrade keeps its layer and is counted at its old rate; the others stay capped', () => {
    const d = new Downlink();
    d.estimate(1_000_000);
    // Congested (1 M < 0.75 × 2 M): the hold starts.
    expect(layersOf(d, 0, [tile(BIG, 2), tile(SMALL, 1)])).toEqual([1, 1]);
    // The big tile moved up to 720p from 360p and ramps: the estimate has not caught up (1 M),
    // yet that is no congestion against its old 0.5 M; the small tile is still held to what is left.
    const ramping = tile(BIG, 2, 500_000);
    expect(layersOf(d, 2_000, [ramping, tile(SMALL, 1)])).toEqual([2, 0]);
    // A new Downlink (new transports) forgets the hold and the estimate.
    d.reset();
    expect(d.allocate(2_000, [tile(BIG, 2), tile(SMALL, 1)], 0)).toEqual([0, 0]);
  });

  it('reaches every consumer of the subscriber from a REMB on one stream, by werift’s path or FeedbackTap’s', () => {
    const downlink = new Downlink();
    const producer = fakeProducer(THREE);
    const make = (ssrc: number, viewport: Viewport) => {
      const t = fakeTransceiver({ send: () => undefined, ssrc });
      const c = new Consumer({ id: String(ssrc), producer, subscriberId: 's', transceiver: t as never, stats: newCounters(), downlink });
      c.setViewport(viewport);
      c.start();
      return { c, t };
    };
    const a = make(1, BIG);
    const b = make(2, SMALL);
    a.c.forward(vp8Packet(1, 0, true), 2, true);
    b.c.forward(vp8Packet(2, 0, true, 1), 1, true);
    // A first layer ramps from nothing; afterwards it counts at its own rate.
    expect(a.c.demand(Date.now()).rampFromBps).toBe(0);
    const now = Date.now() + 6_001;
    expect(a.c.demand(now).rampFromBps).toBeNull();
    // werift's path: its sender's onRtcp carries the REMB to the first SSRC's stream only (a's).
    a.t.sender.onRtcp.execute(new RtcpPayloadSpecificFeedback({ feedback: new ReceiverEstimatedMaxBitrate({ bitrate: 1_000_000n, ssrcFeedbacks: [1, 2] }) }));
    const caps = downlink.allocate(now, [a.c.demand(now), b.c.demand(now)], 0);
    a.c.updateTarget(caps[0]);
    b.c.updateTarget(caps[1]);
    // 1 M for both: the big tile drops to 360p (0.5 M), the small one keeps 360p with the rest.
    expect([a.c.targetLayer, b.c.targetLayer]).toEqual([1, 1]);
    // FeedbackTap's path (RtpStreamSender.onRemb) reaches the same Downlink: room again after the hold.
    (a.c as unknown as { stream: { onRemb(b: bigint): void } }).stream.onRemb(5_000_000n);
    expect(downlink.allocate(now + 10_001, [a.c.demand(now), b.c.demand(now)], 0)).toEqual([0, 0]);
    // Moving b up from a flowing layer (360p → 720p) starts its ramp, from 360p's rate.
    b.c.setViewport(BIG);
    b.c.updateTarget(0); // uncapped, as after the hold above
    expect(b.c.targetLayer).toBe(2);
    b.c.forward(vp8Packet(3, 3000, true), 2, true);
    expect(b.c.demand(Date.now()).rampFromBps).toBe(500_000);
    expect(b.c.demand(Date.now() + 6_001).rampFromBps).toBeNull();
    // While b ramps, a congested estimate holds a but leaves b on its new layer.
    a.t.sender.onRtcp.execute(new RtcpPayloadSpecificFeedback({ feedback: new ReceiverEstimatedMaxBitrate({ bitrate: 1_000_000n, ssrcFeedbacks: [1, 2] }) }));
    const t = Date.now() + 20_000;
    const held = downlink.allocate(t, [a.c.demand(t), { ...b.c.demand(Date.now()) }], 0);
    expect(held[1]).toBe(0);
  });
});
