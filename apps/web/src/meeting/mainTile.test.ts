import { describe, expect, it } from 'vitest';
import { chooseMainTile } from './mainTile.ts';

const base = { selfId: 'me', others: ['a', 'b', 'c'], spotlightId: null, pinnedId: null, activeSpeakerId: null, lastSpeakerId: null };

describe('chooseMainTile', () => {
  it('follows the active speaker', () => {
    expect(chooseMainTile({ ...base, activeSpeakerId: 'b' })).toBe('b');
  });
  it('never shows yourself, even when you are speaking or spotlighted', () => {
    expect(chooseMainTile({ ...base, activeSpeakerId: 'me', lastSpeakerId: 'c' })).toBe('c');
    expect(chooseMainTile({ ...base, spotlightId: 'me', activeSpeakerId: 'a' })).toBe('a');
  });
  it('pin beats the active speaker; spotlight beats the pin', () => {
    expect(chooseMainTile({ ...base, pinnedId: 'c', activeSpeakerId: 'b' })).toBe('c');
    expect(chooseMainTile({ ...base, spotlightId: 'a', pinnedId: 'c', activeSpeakerId: 'b' })).toBe('a');
  });
  it('ignores people who left; falls back to the first other participant, or nobody', () => {
    expect(chooseMainTile({ ...base, pinnedId: 'gone', activeSpeakerId: 'gone' })).toBe('a');
    expect(chooseMainTile({ ...base, others: [] })).toBeNull();
  });
});
