import { describe, expect, it } from 'vitest';
import { RetransmissionBuffer } from './RetransmissionBuffer.ts';

describe('RetransmissionBuffer', () => {
  it('returns what was stored under a sequence number', () => {
    const b = new RetransmissionBuffer(8);
    b.store(100, Buffer.from('a'), 0);
    b.store(101, Buffer.from('b'), 0);
    expect(b.get(100, 10)?.toString()).toBe('a');
    expect(b.get(101, 10)?.toString()).toBe('b');
    expect(b.get(102, 10)).toBeUndefined();
  });
  it('forgets packets overwritten by newer ones in the same slot', () => {
    const b = new RetransmissionBuffer(8);
    b.store(1, Buffer.from('old'), 0);
    b.store(9, Buffer.from('new'), 0);
    expect(b.get(1, 0)).toBeUndefined();
    expect(b.get(9, 0)?.toString()).toBe('new');
  });
  it('works across the 16-bit wrap', () => {
    const b = new RetransmissionBuffer(16);
    for (const s of [65534, 65535, 0, 1]) b.store(s, Buffer.from(String(s)), 0);
    expect([65534, 65535, 0, 1].map((s) => b.get(s, 0)?.toString())).toEqual(['65534', '65535', '0', '1']);
  });
  it('does not resend packets older than the max age', () => {
    const b = new RetransmissionBuffer(8, 1000);
    b.store(5, Buffer.from('x'), 0);
    expect(b.get(5, 999)).toBeDefined();
    expect(b.get(5, 1001)).toBeUndefined();
  });
});
