import { afterEach, describe, expect, it, vi } from 'vitest';
import { LlHlsStore } from './LlHlsStore.ts';

const opts = { partsPerSegment: 3, partTarget: 0.34, targetDuration: 1, windowSegments: 3, partSegments: 1, retainSegments: 4, firstMsn: 100, tag: 't', blockTimeoutMs: 3000 };
const part = (n: number) => Buffer.from(`part${n};`);
function feed(s: LlHlsStore, from: number, n: number) {
  for (let i = from; i < from + n; i++) s.addPart(part(i), 0.32);
}
const text = (s: LlHlsStore) => s.playlist()!.body.toString();

describe('LlHlsStore', () => {
  afterEach(() => void vi.useRealTimers());

  it('no playlist before the first full segment; parts then form segments whose bytes are their parts concatenated', () => {
    const s = new LlHlsStore(opts);
    s.startRun('r1', Buffer.from('init'));
    feed(s, 0, 2);
    expect(s.playlist()).toBeNull();
    feed(s, 2, 2);
    expect(s.hasSegment).toBe(true);
    expect(s.file('r1-100.m4s')!.toString()).toBe('part0;part1;part2;');
    expect(s.file('r1-101.0.m4s')!.toString()).toBe('part3;');
    expect(s.file('r1-init.mp4')!.toString()).toBe('init');
    expect(text(s)).toContain('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="r1-101.1.m4s"');
    expect(s.playlist()).toBe(s.playlist()); // rendered once per change
  });

  it('blocking reload: one shared wait per (msn, part), settled when the part arrives; 400 too far ahead', async () => {
    const s = new LlHlsStore(opts);
    s.startRun('r1', Buffer.from('init'));
    feed(s, 0, 4); // segment 100 complete, part 101.0
    expect(s.satisfied(101, 0)).toBe(true);
    expect(s.satisfied(101, 1)).toBe(false);
    expect(s.satisfied(101, undefined)).toBe(false);
    const a = s.wait(101, 1);
    expect(s.wait(101, 1)).toBe(a);
    let done = false;
    void a.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    feed(s, 4, 1);
    expect(await a).toBe(true);
    expect(text(s)).toContain('URI="r1-101.1.m4s"');
    expect(s.check(103, 0)).toBe('ok');
    expect(s.check(104, 0)).toBe('bad-request'); // more than two segments ahead
    expect(s.check(101, 11)).toBe('bad-request'); // beyond the Advance Part Limit (3 / 0.34 parts)
  });

  it('a wait times out after blockTimeoutMs (false); close() releases every waiter', async () => {
    vi.useFakeTimers();
    const s = new LlHlsStore(opts);
    s.startRun('r1', Buffer.from('init'));
    feed(s, 0, 3);
    const late = s.wait(101, 0);
    vi.advanceTimersByTime(3001);
    expect(await late).toBe(false);
    const pending = s.wait(101, 1);
    s.close();
    expect(await pending).toBe(false);
    expect(s.playlist()).toBeNull();
  });

  it('the preload-hinted part is waited for and served; a part of another run is not', async () => {
    const s = new LlHlsStore(opts);
    s.startRun('r1', Buffer.from('init'));
    feed(s, 0, 3);
    const hinted = s.awaitPart('r1-101.0.m4s');
    feed(s, 3, 1);
    expect((await hinted)!.toString()).toBe('part3;');
    expect(await s.awaitPart('zz-101.1.m4s')).toBeNull();
    expect(await s.awaitPart('r1-101.9.m4s')).toBeNull();
  });

  it('ffmpeg restart: the open segment closes short, the new run starts a discontinuity with its own map; old data ages out', () => {
    const s = new LlHlsStore(opts);
    s.startRun('r1', Buffer.from('i1'));
    feed(s, 0, 5);
    s.endRun();
    expect(text(s)).not.toContain('PRELOAD-HINT');
    s.startRun('r2', Buffer.from('i2'));
    feed(s, 10, 3);
    const t = text(s);
    expect(t).toMatch(/#EXTINF:0\.64000,\nr1-101\.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="r2-init\.mp4"\n/);
    expect(t).toContain('r2-102.m4s');
    feed(s, 20, 9); // 3 more segments: the window (3) holds only r2 now, and memory (4) drops r1's first segment
    const u = text(s);
    expect(u).not.toContain('r1-');
    expect(u).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(s.file('r1-100.m4s')).toBeNull();
  });
});
