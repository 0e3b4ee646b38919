import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

function setup(limit = 3, windowMs = 60_000) {
  let now = 1_000_000;
  const limiter = new RateLimiter({ limit, windowMs, now: () => now });
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter', () => {
  it('allows up to `limit` attempts, then reports the wait until the oldest leaves the window', () => {
    const { limiter, advance } = setup(3);
    expect(limiter.retryAfterMs('a')).toBe(0);
    limiter.hit('a');
    advance(10_000);
    limiter.hit('a');
    advance(10_000);
    expect(limiter.retryAfterMs('a')).toBe(0);
    limiter.hit('a');
    expect(limiter.retryAfterMs('a')).toBe(40_000);
    advance(39_999);
    expect(limiter.retryAfterMs('a')).toBe(1);
    advance(1);
    expect(limiter.retryAfterMs('a')).toBe(0);
  });

  it('slides: after the first attempt expires only one more is allowed', () => {
    const { limiter, advance } = setup(2, 1000);
    limiter.hit('k');
    advance(600);
    limiter.hit('k');
    advance(400);
    expect(limiter.retryAfterMs('k')).toBe(0);
    limiter.hit('k');
    expect(limiter.retryAfterMs('k')).toBe(600);
  });

  it('keeps keys independent and can reset one', () => {
    const { limiter } = setup(1);
    limiter.hit('a');
    expect(limiter.retryAfterMs('a')).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('b')).toBe(0);
    limiter.reset('a');
    expect(limiter.retryAfterMs('a')).toBe(0);
  });

  it('forgets expired keys and bounds the number of tracked keys', () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 1, windowMs: 100, now: () => now, maxKeys: 3 });
    for (const k of ['a', 'b', 'c', 'd']) limiter.hit(k);
    expect(limiter.size).toBe(3);
    expect(limiter.retryAfterMs('a')).toBe(0); // evicted as least recently hit
    expect(limiter.retryAfterMs('d')).toBe(100);
    now = 200;
    expect(limiter.retryAfterMs('d')).toBe(0);
    expect(limiter.size).toBe(2);
  });

  it('rejects nonsense options', () => {
    expect(() => new RateLimiter({ limit: 0, windowMs: 1 })).toThrow(RangeError);
  });
});
