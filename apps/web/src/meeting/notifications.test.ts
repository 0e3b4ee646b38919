import { describe, expect, it, vi } from 'vitest';
import { JoinLeaveBatcher, summarize } from './notifications.ts';

describe('join/leave notifications', () => {
  it('summarizes one, two and many names', () => {
    expect(summarize('joined', ['Ann'])).toBe('Ann joined');
    expect(summarize('left', ['Ann', 'Bo'])).toBe('Ann and Bo left');
    expect(summarize('joined', ['Ann', 'Bo', 'Cy'])).toBe('Ann, Bo and 1 other joined');
    expect(summarize('joined', Array.from({ length: 30 }, (_, i) => `P${i}`))).toBe('P0, P1 and 28 others joined');
  });
  it('a join storm inside the window becomes one toast', () => {
    vi.useFakeTimers();
    const toasts: string[] = [];
    const b = new JoinLeaveBatcher((s) => toasts.push(s), 1500);
    for (let i = 0; i < 30; i++) b.add('joined', [`P${i}`]);
    expect(toasts).toEqual([]);
    vi.advanceTimersByTime(1500);
    expect(toasts).toEqual(['P0, P1 and 28 others joined']);
    b.add('left', ['P3']);
    vi.advanceTimersByTime(1500);
    expect(toasts[1]).toBe('P3 left');
    vi.useRealTimers();
  });
});
