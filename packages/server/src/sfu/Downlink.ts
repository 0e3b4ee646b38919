import { BandwidthGate } from './BandwidthGate.ts';
import { selectLayer, type LayerInfo, type Viewport } from './layers.ts';

/** What one video consumer asks of its subscriber's downlink. */
export interface VideoDemand {
  layers: readonly LayerInfo[];
  viewport: Viewport | null;
  /** The layer being forwarded now (-1: none). */
  current: number;
  /**
   * While the consumer ramps after moving up a layer: the bitrate of the layer it left (0 after
   * its first layer). Its new layer is then neither capped nor counted as congestion: the
   * receiver's estimate has had no time to grow to it. Null otherwise.
   */
  rampFromBps: number | null;
}

/**
 * One subscriber's downlink (its receive transport) shared out over the video it receives.
 *
 * The receiver's estimate is one figure for everything it receives on the transport: a REMB
 * names all the SSRCs it applies to (https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03#section-2),
 * and werift, like our FeedbackTap, hands it to the first SSRC's stream only. So the estimate is
 * kept here, per subscriber, and split. While it shows congestion (BandwidthGate: below what the
 * subscriber's streams take now, audio included), audio is served first, then the video tiles
 * from the biggest down (the speaker or pinned tile before thumbnails), each getting the best
 * layer that fits what is left; a tile that fits nothing still gets its lowest layer, so the
 * total can then exceed the estimate by those lowest layers. A tile still ramping after an
 * upgrade keeps its new layer. Without congestion nobody is capped: layers follow tile size.
 */
export class Downlink {
  private remb = 0;
  private gate = new BandwidthGate();

  /** The subscriber's latest estimate, bits/s (a REMB on any of its streams). */
  estimate(bps: number): void {
    this.remb = bps;
  }

  /** New transports: forget the old estimate and any hold it started. */
  reset(): void {
    this.remb = 0;
    this.gate = new BandwidthGate();
  }

  /** Per demand, the bitrate to pass to its layer selection (0: no cap). `audioBps`: what audio takes first. */
  allocate(now: number, demands: readonly VideoDemand[], audioBps: number): number[] {
    let inUse = audioBps;
    for (const d of demands) inUse += d.rampFromBps ?? d.layers[d.current]?.bitrate ?? 0;
    const caps = demands.map(() => 0);
    const budget = this.gate.cap(now, this.remb, inUse);
    if (budget <= 0) return caps;
    const order = demands.map((_, i) => i).sort((a, b) => area(demands[b]!) - area(demands[a]!));
    let left = budget - audioBps;
    for (const i of order) {
      const d = demands[i]!;
      if (d.rampFromBps !== null) {
        left -= d.layers[d.current]?.bitrate ?? 0;
        continue;
      }
      // selectLayer reads 0 as "no cap": what is left is at least 1 bit/s, i.e. the lowest layer.
      const cap = Math.max(1, left);
      caps[i] = cap;
      const layer = selectLayer(d.layers, d.viewport, cap);
      if (layer >= 0) left -= d.layers[layer]!.bitrate;
    }
    return caps;
  }
}

/** A tile's pixels; a consumer whose client has not said its size wants the top layer: first. */
function area(d: VideoDemand): number {
  return d.viewport ? d.viewport.width * d.viewport.height : Number.MAX_SAFE_INTEGER;
}
