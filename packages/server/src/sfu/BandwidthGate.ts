/**
 * When a subscriber's REMB estimate (https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03)
 * counts as a cap, for its Downlink.
 *
 * A receiver-side estimate only grows to about 1.5× what it currently receives, so a subscriber
 * parked on low layers never reports enough for higher ones. The gate therefore believes REMB
 * only as evidence of congestion: when it falls below what the subscriber's streams take now
 * (× margin) the cap holds for `holdMs`; afterwards the consumers may probe upward again. (A
 * consumer that just moved up is not counted at its new rate while the estimate ramps: Consumer,
 * Downlink.)
 */
export interface BandwidthGateOptions {
  holdMs: number;
  margin: number;
}

export class BandwidthGate {
  private capUntil = 0;
  private readonly o: BandwidthGateOptions;

  constructor(o: Partial<BandwidthGateOptions> = {}) {
    this.o = { holdMs: 10_000, margin: 0.75, ...o };
  }

  /** Bits/s to share out; 0 = no cap. `inUse`: what the subscriber's streams take now. */
  cap(now: number, remb: number, inUse: number): number {
    if (remb <= 0) return 0;
    if (inUse > 0 && remb < inUse * this.o.margin) this.capUntil = now + this.o.holdMs;
    return now < this.capUntil ? remb : 0;
  }
}
