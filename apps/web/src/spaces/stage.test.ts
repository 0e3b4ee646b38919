import { describe, expect, it } from 'vitest';
import type { Participant } from '@convene/protocol';
import { chooseSpaceVideo, floatersFor, pushRecentSpeaker, stageOrder } from './stage.ts';

const p = (id: string, over: Partial<Participant> = {}): Participant => ({
  id,
  handle: id,
  displayName: id,
  role: 'participant',
  sources: [],
  handRaisedAt: null,
  quality: 5,
  onStage: true,
  speakRequestedAt: null,
  stagePosition: null,
  captionsOff: false,
  ...over,
});

describe('Space big video', () => {
  it('follows the active speaker who has video, never self', () => {
    expect(chooseSpaceVideo({ selfId: 'me', withVideo: ['a', 'b'], activeSpeakerId: 'b', recentSpeakers: [] })).toBe('b');
    expect(chooseSpaceVideo({ selfId: 'me', withVideo: ['me', 'a'], activeSpeakerId: 'me', recentSpeakers: ['me'] })).toBe('a');
    expect(chooseSpaceVideo({ selfId: 'me', withVideo: ['me'], activeSpeakerId: 'me', recentSpeakers: [] })).toBeNull();
  });
  it('falls back to the last speaker with video when the active one has none', () => {
    expect(chooseSpaceVideo({ selfId: 'me', withVideo: ['a', 'b'], activeSpeakerId: 'c', recentSpeakers: ['c', 'b', 'a'] })).toBe('b');
    expect(chooseSpaceVideo({ selfId: 'me', withVideo: ['a', 'b'], activeSpeakerId: null, recentSpeakers: [] })).toBe('a');
    expect(chooseSpaceVideo({ selfId: 'me', withVideo: [], activeSpeakerId: 'a', recentSpeakers: ['a'] })).toBeNull();
  });
  it('keeps recent speakers unique and most recent first', () => {
    expect(pushRecentSpeaker(['a', 'b'], 'b')).toEqual(['b', 'a']);
    expect(pushRecentSpeaker(['a'], null)).toEqual(['a']);
    expect(pushRecentSpeaker(['a', 'b', 'c'], 'd', 3)).toEqual(['d', 'a', 'b']);
  });
});

describe('stage order and reactions', () => {
  it('puts the host first, then co-hosts, then speakers by seat; listeners are left out', () => {
    const list = [
      p('s2', { stagePosition: { x: 1, y: 0 } }),
      p('l', { onStage: false }),
      p('co', { role: 'cohost', stagePosition: { x: 0.5, y: 0 } }),
      p('s1', { stagePosition: { x: -0.5, y: 0 } }),
      p('h', { role: 'host', stagePosition: { x: -1, y: 0 } }),
    ];
    expect(stageOrder(list).map((x) => x.id)).toEqual(['h', 'co', 's1', 's2']);
  });
  it('turns a burst into a bounded number of floaters with unique keys', () => {
    const f = floatersFor({ '👏': 10, '🔥': 5 }, 100, 12, () => 0.5);
    expect(f).toHaveLength(12);
    expect(new Set(f.map((x) => x.key)).size).toBe(12);
    expect(f.filter((x) => x.emoji === '🔥')).toHaveLength(2);
    expect(f[0]).toEqual({ key: 100, emoji: '👏', x: 50 });
  });
});
