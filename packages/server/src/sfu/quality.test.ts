import { describe, expect, it } from 'vitest';
import { qualityScore, Smoothed } from './quality.ts';

describe('qualityScore', () => {
  it('grades loss and round-trip time', () => {
    expect(qualityScore(0, 20)).toBe(5);
    expect(qualityScore(0.03, 20)).toBe(4);
    expect(qualityScore(0, 450)).toBe(3);
    expect(qualityScore(0.12, 50)).toBe(2);
    expect(qualityScore(0.5, 50)).toBe(1);
    expect(qualityScore(0, undefined)).toBe(5);
  });
  it('smooths single bad reports', () => {
    const s = new Smoothed(0.3);
    s.add(0);
    expect(s.add(0.5)).toBeCloseTo(0.15);
  });
});
