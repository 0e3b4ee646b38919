import { ConveneError, type Method, type ParsedRequestData, type RequestResult } from '@convene/protocol';
import type { Member } from '../rooms/Member.ts';
import { can, canTarget, type HostAction } from '../rooms/permissions.ts';
import type { Room } from '../rooms/Room.ts';
import type { SignalingContext, SignalingSession } from './session.ts';

export type Handler<M extends Method> = (s: SignalingSession, data: ParsedRequestData<M>, ctx: SignalingContext) => Promise<RequestResult<M>>;
export type Handlers = { [M in Method]: Handler<M> };

export const ok = {} as Record<string, never>;

export function joined(s: SignalingSession): { room: Room; me: Member } {
  if (!s.room || !s.member || s.member.status !== 'joined' || !s.room.members.has(s.member.id)) {
    throw new ConveneError('NOT_JOINED', 'join the meeting first');
  }
  return { room: s.room, me: s.member };
}

/** A participant a host action applies to, after the permission checks. */
export function target(room: Room, me: Member, id: string, action: HostAction): Member {
  if (!can(me.role, action)) throw new ConveneError('FORBIDDEN', `only hosts may ${action}`);
  const t = room.members.get(id);
  if (!t) throw new ConveneError('NOT_FOUND', 'no such participant');
  if (!canTarget(me.role, t.role, action)) throw new ConveneError('FORBIDDEN', `cannot ${action} this participant`);
  return t;
}
