import type { Role } from '@convene/protocol';

/** What each role may do to others. Self actions (own mic, own hand, leave, chat) need no grant. */
export type HostAction =
  | 'admit'
  | 'deny'
  | 'lock'
  | 'mute'
  | 'setAllowSelfUnmute'
  | 'remove'
  | 'spotlight'
  | 'lowerHand'
  | 'setRole'
  | 'endMeeting'
  | 'stage'
  | 'seminar'
  | 'block'
  | 'captions'
  | 'moderateQuestions'
  | 'record';

const COHOST: ReadonlySet<HostAction> = new Set([
  'admit',
  'deny',
  'lock',
  'mute',
  'setAllowSelfUnmute',
  'remove',
  'spotlight',
  'lowerHand',
  'stage',
  'seminar',
  'block',
  'captions',
  'moderateQuestions',
  'record',
]);

export function can(role: Role, action: HostAction): boolean {
  switch (role) {
    case 'host':
      return true;
    case 'cohost':
      return COHOST.has(action);
    case 'participant':
      return false;
  }
}

/** A co-host may act on participants, never on the host or another co-host's role. */
export function canTarget(actor: Role, target: Role, action: HostAction): boolean {
  if (!can(actor, action)) return false;
  if (target === 'host') return action === 'spotlight';
  if (actor === 'cohost' && target === 'cohost' && (action === 'remove' || action === 'setRole' || action === 'block' || action === 'stage')) return false;
  return true;
}

/** Self-unmute of mic/camera: always for hosts, else only when the host allows it. */
export function canSelfUnmute(role: Role, allowSelfUnmute: boolean, mutedByHost: boolean): boolean {
  return role !== 'participant' || allowSelfUnmute || !mutedByHost;
}
