import { describe, expect, it } from 'vitest';
import { can, canSelfUnmute, canTarget } from './permissions.ts';

describe('permissions', () => {
  it('host can do everything, participant nothing', () => {
    for (const a of ['admit', 'lock', 'mute', 'remove', 'setRole', 'endMeeting', 'spotlight'] as const) {
      expect(can('host', a)).toBe(true);
      expect(can('participant', a)).toBe(false);
    }
  });
  it('co-host moderates but cannot end the meeting or change roles', () => {
    expect(can('cohost', 'admit')).toBe(true);
    expect(can('cohost', 'mute')).toBe(true);
    expect(can('cohost', 'endMeeting')).toBe(false);
    expect(can('cohost', 'setRole')).toBe(false);
  });
  it('nobody acts on the host; co-hosts cannot remove each other', () => {
    expect(canTarget('cohost', 'host', 'mute')).toBe(false);
    expect(canTarget('cohost', 'host', 'spotlight')).toBe(true); // the host can be put in the spotlight
    expect(canTarget('host', 'host', 'remove')).toBe(false);
    expect(canTarget('cohost', 'cohost', 'remove')).toBe(false);
    expect(canTarget('cohost', 'cohost', 'mute')).toBe(true);
    expect(canTarget('host', 'cohost', 'remove')).toBe(true);
  });
  it('self-unmute after a host mute follows the room setting', () => {
    expect(canSelfUnmute('participant', false, true)).toBe(false);
    expect(canSelfUnmute('participant', true, true)).toBe(true);
    expect(canSelfUnmute('participant', false, false)).toBe(true);
    expect(canSelfUnmute('cohost', false, true)).toBe(true);
  });
});
