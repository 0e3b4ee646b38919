import { describe, expect, it } from 'vitest';
import { Mutex } from './mutex.ts';

describe('Mutex', () => {
  it('grants the lock in FIFO order, one holder at a time', async () => {
    const mutex = new Mutex();
    const order: string[] = [];
    const task = async (name: string, ms: number) => {
      const release = await mutex.acquire();
      order.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`${name}-`);
      release();
      release(); // idempotent
    };
    await Promise.all([task('a', 5), task('b', 0), task('c', 1)]);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  });
});
