import { describe, expect, it } from 'vitest';
import { BandwidthGate } from './BandwidthGate.ts';

describe('BandwidthGate', () => {
  it('no REMB, or REMB above the current rate: no cap (probe upward)', () => {
    const g = new BandwidthGate();
    expect(g.cap(0, 0, 150_000)).toBe(0);
    expect(g.cap(0, 230_000, 150_000)).toBe(0);
  });
  it('REMB below the current rate caps for the hold time, then lets go', () => {
    const g = new BandwidthGate({ holdMs: 10_000 });
    expect(g.cap(0, 300_000, 1_500_000)).toBe(300_000);
    expect(g.cap(5_000, 900_000, 500_000)).toBe(900_000);
    expect(g.cap(10_001, 900_000, 500_000)).toBe(0);
  });
});
