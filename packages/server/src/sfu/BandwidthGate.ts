/**
 * The bitrate cap for one consumer, from the subscriber's REMB estimate
 * (https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03).
 *
 * A receiver-side estimate only grows to about 1.5× what it currently receives, so a subscriber
 * parked on a low layer never reports enough for a higher one. The gate therefore believes REMB
 * only as evidence of congestion: when it falls below the current layer's rate (× margin) the cap
 * holds for `holdMs`; afterwards the consumer may probe upward again, and after an upgrade the
 * estimator gets `rampMs` to catch up before a low REMB counts.
 */
export interface BandwidthGateOptions {
  rampMs: number;
  holdMs: number;
  margin: number;
}

export class BandwidthGate {
  private capUntil = 0;
  private rampUntil = 0;
  private readonly o: BandwidthGateOptions;

  constructor(o: Partial<BandwidthGateOptions> = {}) {
    this.o = { rampMs: 6000, holdMs: 10_000, margin: 0.75, ...o };
  }

  /** Bits/s to pass to layer selection; 0 = no cap. */
  cap(now: number, remb: number, currentLayerBitrate: number): number {
    if (remb <= 0) return 0;
    if (now < this.rampUntil) return 0;
    if (currentLayerBitrate > 0 && remb < currentLayerBitrate * this.o.margin) this.capUntil = now + this.o.holdMs;
    return now < this.capUntil ? remb : 0;
  }

  /** The consumer moved to a higher layer: let the estimate ramp. */
  upgraded(now: number): void {
    this.rampUntil = now + this.o.rampMs;
  }
}
