import { describe, expect, it } from 'vitest';
import { SentHistory } from './SentHistory.ts';

const text = (h: SentHistory, seq: number, now: number): string | undefined => {
  const i = h.find(seq, now);
  return i < 0 ? undefined : h.payload(i).toString();
};

describe('SentHistory', () => {
  it('returns what was stored under a sequence number: payload, timestamp, marker', () => {
    const h = new SentHistory(8);
    h.store(100, 90_000, false, Buffer.from('a'), 0);
    h.store(101, 93_000, true, Buffer.from('b'), 0);
    expect(text(h, 100, 10)).toBe('a');
    const i = h.find(101, 10);
    expect([h.payload(i).toString(), h.timestamp(i), h.marker(i)]).toEqual(['b', 93_000, true]);
    expect(h.marker(h.find(100, 10))).toBe(false);
    expect(h.find(102, 10)).toBe(-1);
  });
  it('keeps 32-bit timestamps exactly', () => {
    const h = new SentHistory(8);
    h.store(7, 0xfffffff0, false, Buffer.from('x'), 0);
    expect(h.timestamp(h.find(7, 0))).toBe(0xfffffff0);
  });
  it('forgets packets overwritten by newer ones in the same slot, and their resend time', () => {
    const h = new SentHistory(8);
    h.store(1, 0, false, Buffer.from('old'), 0);
    h.markResent(h.find(1, 0), 5);
    expect(h.lastResent(h.find(1, 0))).toBe(5);
    h.store(9, 0, false, Buffer.from('new'), 0);
    expect(h.find(1, 0)).toBe(-1);
    expect(text(h, 9, 0)).toBe('new');
    expect(h.lastResent(h.find(9, 0))).toBe(0);
  });
  it('works across the 16-bit wrap', () => {
    const h = new SentHistory(16);
    for (const s of [65534, 65535, 0, 1]) h.store(s, 0, false, Buffer.from(String(s)), 0);
    expect([65534, 65535, 0, 1].map((s) => text(h, s, 0))).toEqual(['65534', '65535', '0', '1']);
  });
  it('does not resend packets older than the max age; clear() forgets everything', () => {
    const h = new SentHistory(8, 1000);
    h.store(5, 0, false, Buffer.from('x'), 0);
    expect(h.find(5, 999)).toBeGreaterThanOrEqual(0);
    expect(h.find(5, 1001)).toBe(-1);
    h.clear();
    expect(h.find(5, 0)).toBe(-1);
  });
});
