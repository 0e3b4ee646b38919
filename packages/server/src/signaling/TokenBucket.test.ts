import { expect, it } from 'vitest';
import { TokenBucket } from './TokenBucket.ts';

it('allows a burst, then refills at the set rate', () => {
  let now = 0;
  const b = new TokenBucket(3, 2, () => now);
  expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  now = 499;
  expect(b.take()).toBe(false);
  now = 500;
  expect(b.take()).toBe(true);
  now = 100_000;
  expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
});
