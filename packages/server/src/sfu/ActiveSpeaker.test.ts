import { describe, expect, it } from 'vitest';
import { ActiveSpeakerDetector } from './ActiveSpeaker.ts';

/** Feed 50 packets/s (20 ms Opus) per speaker for `ms`, ticking every 20 ms; collect changes. */
function run(d: ActiveSpeakerDetector, start: number, ms: number, levels: Record<string, number>): { t: number; changes: (string | null)[] } {
  const changes: (string | null)[] = [];
  let t = start;
  for (; t < start + ms; t += 20) {
    for (const [id, level] of Object.entries(levels)) d.addLevel(id, level);
    const c = d.tick(t);
    if (c !== undefined) changes.push(c);
  }
  return { t, changes };
}

const LOUD = 30;
const QUIET = 120;

describe('ActiveSpeakerDetector', () => {
  it('picks a sustained speaker after ~600 ms of speech, not before', () => {
    const d = new ActiveSpeakerDetector();
    let r = run(d, 0, 400, { a: LOUD, b: QUIET });
    expect(r.changes).toEqual([]);
    r = run(d, r.t, 600, { a: LOUD, b: QUIET });
    expect(r.changes).toEqual(['a']);
    expect(d.speaker).toBe('a');
  });

  it('a cough (300 ms burst) does not steal the floor', () => {
    const d = new ActiveSpeakerDetector();
    let r = run(d, 0, 2000, { a: LOUD, b: QUIET });
    r = run(d, r.t, 300, { a: LOUD, b: LOUD });
    r = run(d, r.t, 2000, { a: LOUD, b: QUIET });
    expect(d.speaker).toBe('a');
    expect(r.changes).toEqual([]);
  });

  it('does not flicker while two people talk over each other', () => {
    const d = new ActiveSpeakerDetector();
    let r = run(d, 0, 2000, { a: LOUD, b: QUIET });
    const all: (string | null)[] = [];
    for (let i = 0; i < 20; i++) {
      r = run(d, r.t, 200, { a: LOUD, b: LOUD });
      all.push(...r.changes);
      r = run(d, r.t, 100, { a: QUIET, b: LOUD });
      all.push(...r.changes);
    }
    expect(all.length).toBeLessThanOrEqual(1);
  });

  it('hands over when the other person really talks and the first stops', () => {
    const d = new ActiveSpeakerDetector();
    let r = run(d, 0, 2000, { a: LOUD, b: QUIET });
    r = run(d, r.t, 2000, { a: QUIET, b: LOUD });
    expect(r.changes).toEqual(['b']);
  });

  it('keeps the last speaker through silence; clears when they leave', () => {
    const d = new ActiveSpeakerDetector();
    run(d, 0, 2000, { a: LOUD, b: QUIET });
    run(d, 2000, 3000, { a: QUIET, b: QUIET });
    expect(d.speaker).toBe('a');
    expect(d.remove('a')).toBeNull();
    expect(d.remove('b')).toBeUndefined();
  });

  it('handles large clock jumps without looping forever', () => {
    const d = new ActiveSpeakerDetector();
    d.tick(0);
    d.addLevel('a', LOUD);
    expect(() => d.tick(60_000)).not.toThrow();
  });
});
