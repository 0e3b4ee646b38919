import { describe, expect, it } from 'vitest';
import { renderPlaylist, type PlaylistSegment } from './llhlsPlaylist.ts';

const parts = (run: string, msn: number, n: number) => Array.from({ length: n }, (_, i) => ({ name: `${run}-${msn}.${i}.m4s`, duration: 0.32 }));
const seg = (run: string, msn: number, opts: { open?: number; discontinuity?: boolean } = {}): PlaylistSegment => ({
  msn,
  run,
  name: opts.open === undefined ? `${run}-${msn}.m4s` : null,
  duration: 0.96,
  parts: parts(run, msn, opts.open ?? 3),
  discontinuity: opts.discontinuity ?? false,
});
const base = { targetDuration: 1, partTarget: 0.34133, partHoldBack: 1.024, discontinuitySequence: 0, partSegments: 1 };

describe('renderPlaylist (LL-HLS media playlist)', () => {
  it('lists full segments, parts of the last ones and of the open segment, then the preload hint', () => {
    const text = renderPlaylist({ ...base, segments: [seg('a', 10), seg('a', 11), seg('a', 12, { open: 2 })], preloadHint: 'a-12.2.m4s' });
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-TARGETDURATION:1',
        '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.024',
        '#EXT-X-PART-INF:PART-TARGET=0.34133',
        '#EXT-X-MEDIA-SEQUENCE:10',
        '#EXT-X-DISCONTINUITY-SEQUENCE:0',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MAP:URI="a-init.mp4"',
        '#EXTINF:0.96000,',
        'a-10.m4s',
        '#EXT-X-PART:DURATION=0.32000,URI="a-11.0.m4s",INDEPENDENT=YES',
        '#EXT-X-PART:DURATION=0.32000,URI="a-11.1.m4s",INDEPENDENT=YES',
        '#EXT-X-PART:DURATION=0.32000,URI="a-11.2.m4s",INDEPENDENT=YES',
        '#EXTINF:0.96000,',
        'a-11.m4s',
        '#EXT-X-PART:DURATION=0.32000,URI="a-12.0.m4s",INDEPENDENT=YES',
        '#EXT-X-PART:DURATION=0.32000,URI="a-12.1.m4s",INDEPENDENT=YES',
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="a-12.2.m4s"',
        '',
      ].join('\n'),
    );
  });

  it('a restarted run: discontinuity and its own EXT-X-MAP before its first segment; no tag on the first segment', () => {
    const text = renderPlaylist({ ...base, discontinuitySequence: 1, segments: [seg('a', 10, { discontinuity: true }), seg('b', 11, { discontinuity: true }), seg('b', 12)], preloadHint: null });
    const lines = text.split('\n');
    expect(lines.filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(1);
    expect(lines.indexOf('#EXT-X-DISCONTINUITY')).toBe(lines.indexOf('a-10.m4s') + 1);
    expect(lines.indexOf('#EXT-X-MAP:URI="b-init.mp4"')).toBe(lines.indexOf('#EXT-X-DISCONTINUITY') + 1);
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(text).not.toContain('PRELOAD-HINT');
  });
});
