/**
 * Connection quality 0–5 from what a subscriber reports back in RTCP receiver reports
 * (https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2: fraction lost, round-trip time from
 * LSR/DLSR). 5 is a clean call; 1 is barely usable; 0 means the transport failed.
 */
export function qualityScore(fractionLost: number, rttMs: number | undefined): number {
  const rtt = rttMs ?? 0;
  if (fractionLost >= 0.2 || rtt >= 1000) return 1;
  if (fractionLost >= 0.1 || rtt >= 600) return 2;
  if (fractionLost >= 0.05 || rtt >= 400) return 3;
  if (fractionLost >= 0.02 || rtt >= 250) return 4;
  return 5;
}

/** Exponential moving average so one bad report does not flip the indicator. */
export class Smoothed {
  private v: number | undefined;
  constructor(private readonly alpha = 0.3) {}
  add(x: number): number {
    this.v = this.v === undefined ? x : this.v + this.alpha * (x - this.v);
    return this.v;
  }
  get value(): number | undefined {
    return this.v;
  }
}
