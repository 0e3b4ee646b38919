import { ConveneError, MAX_CALL_PARTICIPANTS, type Call, type CallOutcome, type UserRef } from '@convene/protocol';
import type { UserHub } from '../inbox/UserHub.ts';
import type { DbConversationService } from '../messaging/conversation-service.ts';
import type { MessageDelivery } from '../messaging/delivery.ts';
import type { LiveRooms, RoomObserver } from '../rooms/RoomRegistry.ts';
import type { UserRecord } from '../services.ts';
import type { DbSocialService } from '../social/social-service.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { PushService } from '../push/push-service.ts';
import type { DbCallStore } from './call-store.ts';

export interface CallManagerDeps {
  calls: DbCallStore;
  conversations: DbConversationService;
  social: DbSocialService;
  delivery: MessageDelivery;
  hub: UserHub;
  push: PushService;
  rooms: Pick<LiveRooms, 'get' | 'observe'>;
  /** Public link of a meeting, for a call turned into a meeting. */
  meetingLink: (meetingId: string) => string;
  log: Logger;
  /** How long a callee's devices ring before the call counts as missed (45 s). */
  ringMs: number;
}

/** What only this node knows about a call in progress: who is ringing, who is in the room. */
interface LiveCall {
  id: string;
  conversationId: string;
  meetingId: string;
  direct: boolean;
  callerId: string;
  /** Users whose devices are ringing now. */
  ringing: Set<string>;
  /** Users in the call's room now. */
  present: Set<string>;
  answered: boolean;
  ringTimer: NodeJS.Timeout;
  ending: boolean;
}

/** The one answer for "you may not call this person": not allowed, blocked, or no such call. */
const UNAVAILABLE = () => new ConveneError('CALL_UNAVAILABLE', 'this call cannot be placed');

/**
 * Calls from conversations: ring every device of every callee that allows the caller, stop the
 * other devices when one answers, time out into a missed call, and leave a call record in the
 * conversation when the call ends. Media runs in an ordinary room (kind 'call').
 */
export class CallManager implements RoomObserver {
  private readonly live = new Map<string, LiveCall>();
  private readonly byMeeting = new Map<string, LiveCall>();
  /** Rooms each user is in right now (any room: a user in a meeting is busy too). */
  private readonly inRooms = new Map<string, Set<string>>();
  /** `${callId}:${userId}` rung through Web Push (so the stop is pushed too). */
  private readonly pushed = new Set<string>();

  constructor(private readonly d: CallManagerDeps) {
    d.rooms.observe(this);
  }

  /** Calls a crash left open are ended (nobody can still be in them) and recorded. */
  async recover(): Promise<void> {
    const open = await this.d.calls.endAllOpen();
    for (const c of open) await this.record(c.id).catch((err: unknown) => this.d.log.error({ err }, 'call record after restart failed'));
  }

  isBusy(userId: string): boolean {
    return (this.inRooms.get(userId)?.size ?? 0) > 0;
  }

  async activeCall(conversationId: string): Promise<Call | null> {
    const row = await this.d.calls.activeIn(conversationId);
    return row ? ((await this.d.calls.view(row.id)) ?? null) : null;
  }

  async start(me: UserRecord, conversationId: string, media: 'audio' | 'video'): Promise<Call> {
    const conv = await this.d.conversations.get(me, conversationId).catch(() => {
      throw UNAVAILABLE();
    });
    const running = await this.d.calls.activeIn(conversationId);
    if (running && this.live.has(running.id)) return (await this.d.calls.view(running.id))!;
    const others = conv.members.filter((m) => m.id !== me.id);
    const allowed: string[] = [];
    for (const o of others) if (await this.d.social.mayCall(me.id, o.id)) allowed.push(o.id);
    // A direct call to someone who doesn't take our calls: one neutral error, zero rings.
    if (conv.kind === 'dm' && allowed.length === 0) throw UNAVAILABLE();
    const title = conv.kind === 'dm' ? `Call with ${me.displayName}` : (conv.title ?? 'Group call');
    const call = await this.d.calls.create({ conversationId, media, caller: me, invitees: conv.kind === 'dm' ? allowed : others.map((o) => o.id), title });
    const lc: LiveCall = {
      id: call.id,
      conversationId,
      meetingId: call.meetingId,
      direct: conv.kind === 'dm',
      callerId: me.id,
      ringing: new Set(allowed),
      present: new Set(),
      answered: false,
      ringTimer: setTimeout(() => void this.onRingTimeout(call.id), this.d.ringMs),
      ending: false,
    };
    lc.ringTimer.unref();
    this.live.set(call.id, lc);
    this.byMeeting.set(call.meetingId, lc);
    const caller: UserRef = { id: me.id, handle: me.handle, displayName: me.displayName };
    for (const u of allowed) this.ring(u, call, caller);
    this.d.log.info({ call: call.id, ringing: allowed.length }, 'call started');
    await this.broadcast(call.id);
    return call;
  }

  private liveFor(callId: string): LiveCall {
    const lc = this.live.get(callId);
    if (!lc || lc.ending) throw UNAVAILABLE();
    return lc;
  }

  async accept(me: UserRecord, deviceId: string | null, callId: string): Promise<Call> {
    const lc = this.liveFor(callId);
    if (!(await this.d.calls.isInvited(callId, me.id))) throw UNAVAILABLE();
    if (lc.ringing.delete(me.id) || deviceId) {
      this.stopRing(me.id, callId, 'answered', deviceId ?? undefined);
    }
    if (me.id !== lc.callerId && !lc.answered) {
      lc.answered = true;
      await this.d.calls.markAnswered(callId);
      // A 1:1 call rings one person: once answered, nothing is left to time out.
      if (lc.direct) clearTimeout(lc.ringTimer);
    }
    if (lc.present.size >= MAX_CALL_PARTICIPANTS) throw new ConveneError('FORBIDDEN', `a call has at most ${MAX_CALL_PARTICIPANTS} participants`);
    await this.broadcast(callId);
    return (await this.d.calls.view(callId))!;
  }

  async decline(me: UserRecord, callId: string): Promise<void> {
    const lc = this.live.get(callId);
    if (!lc || !lc.ringing.delete(me.id)) return;
    this.stopRing(me.id, callId, 'declined');
    if (lc.direct && !lc.answered) await this.finish(lc, 'declined');
  }

  async cancel(me: UserRecord, callId: string): Promise<void> {
    const lc = this.live.get(callId);
    if (!lc || lc.callerId !== me.id) throw UNAVAILABLE();
    if (lc.answered) return;
    await this.finish(lc, 'cancelled');
  }

  async invite(me: UserRecord, callId: string, handle: string): Promise<void> {
    const lc = this.liveFor(callId);
    if (!(await this.d.calls.isInvited(callId, me.id))) throw UNAVAILABLE();
    const target = await this.d.social.userByHandle(handle);
    if (!target || target.id === me.id || !(await this.d.social.mayCall(me.id, target.id))) throw UNAVAILABLE();
    await this.d.calls.invite(callId, target.id);
    // The call is no longer 1:1: one person leaving no longer ends it.
    lc.direct = false;
    lc.ringing.add(target.id);
    const call = (await this.d.calls.view(callId))!;
    this.ring(target.id, call, { id: me.id, handle: me.handle, displayName: me.displayName });
    setTimeout(() => {
      if (lc.ringing.delete(target.id)) this.stopRing(target.id, callId, 'timeout');
    }, this.d.ringMs).unref();
  }

  async toMeeting(me: UserRecord, callId: string): Promise<string> {
    const lc = this.liveFor(callId);
    if (!(await this.d.calls.isInvited(callId, me.id))) throw UNAVAILABLE();
    await this.d.calls.toMeeting(callId);
    lc.direct = false;
    await this.broadcast(callId);
    return this.d.meetingLink(lc.meetingId);
  }

  /**
   * Ring every device of `userId`; with no device online, a Web Push (when configured) reaches the
   * browser's service worker instead.
   */
  private ring(userId: string, call: Call, caller: UserRef): void {
    this.d.hub.send(userId, { method: 'callRing', data: { call, caller, waiting: this.isBusy(userId) } });
    if (this.d.hub.deviceCount(userId) === 0) {
      this.pushed.add(`${call.id}:${userId}`);
      this.d.push.notify(userId, { type: 'call', callId: call.id, conversationId: call.conversationId, media: call.media, caller }, Math.ceil(this.d.ringMs / 1000));
    }
  }

  private stopRing(userId: string, callId: string, reason: 'answered' | 'declined' | 'cancelled' | 'timeout' | 'ended', exceptDevice?: string): void {
    this.d.hub.send(userId, { method: 'callRingStop', data: { callId, reason } }, exceptDevice);
    // A pushed notification is withdrawn the same way (the service worker closes it).
    if (this.pushed.delete(`${callId}:${userId}`)) this.d.push.notify(userId, { type: 'callEnded', callId }, 60);
  }

  // ---- room observer ----

  memberJoined(meetingId: string, userId: string): void {
    let rooms = this.inRooms.get(userId);
    if (!rooms) this.inRooms.set(userId, (rooms = new Set()));
    rooms.add(meetingId);
    const lc = this.byMeeting.get(meetingId);
    if (!lc) return;
    lc.present.add(userId);
    // Someone other than the caller walked in (accepted, or joined from the chat's banner).
    const answering = userId !== lc.callerId && !lc.answered;
    if (answering) {
      lc.answered = true;
      if (lc.direct) clearTimeout(lc.ringTimer);
    }
    void (answering ? this.d.calls.markAnswered(lc.id) : Promise.resolve(true))
      .then(() => this.d.calls.markJoined(lc.id, userId))
      .then(() => this.broadcast(lc.id))
      .catch((err: unknown) => this.d.log.warn({ err }, 'call join bookkeeping failed'));
  }

  memberLeft(meetingId: string, userId: string): void {
    const rooms = this.inRooms.get(userId);
    rooms?.delete(meetingId);
    if (rooms?.size === 0) this.inRooms.delete(userId);
    const lc = this.byMeeting.get(meetingId);
    if (!lc) return;
    lc.present.delete(userId);
    // Hanging up a 1:1 call ends it for both; a caller leaving before an answer cancels it.
    if (lc.direct && lc.answered) void this.finish(lc, 'completed');
    else if (!lc.answered && userId === lc.callerId) void this.finish(lc, 'cancelled');
    else if (lc.present.size === 0 && lc.answered) void this.finish(lc, 'completed');
  }

  roomClosed(meetingId: string): void {
    for (const [userId, rooms] of this.inRooms) {
      rooms.delete(meetingId);
      if (rooms.size === 0) this.inRooms.delete(userId);
    }
    const lc = this.byMeeting.get(meetingId);
    if (lc) void this.finish(lc, lc.answered ? 'completed' : 'cancelled');
  }

  // ---- internals ----

  private async onRingTimeout(callId: string): Promise<void> {
    const lc = this.live.get(callId);
    if (!lc) return;
    for (const u of lc.ringing) this.stopRing(u, callId, 'timeout');
    lc.ringing.clear();
    if (!lc.answered) await this.finish(lc, 'missed');
  }

  /** End once: stop rings, end the room, write the record, tell everyone. */
  private async finish(lc: LiveCall, outcome: CallOutcome): Promise<void> {
    if (lc.ending) return;
    lc.ending = true;
    clearTimeout(lc.ringTimer);
    const reason = outcome === 'missed' ? 'timeout' : outcome === 'declined' ? 'declined' : outcome === 'cancelled' ? 'cancelled' : 'ended';
    for (const u of lc.ringing) this.stopRing(u, lc.id, reason);
    lc.ringing.clear();
    try {
      await this.d.calls.end(lc.id, outcome);
      await this.d.rooms.get(lc.meetingId)?.end();
      await this.record(lc.id);
      await this.broadcast(lc.id);
    } catch (err) {
      this.d.log.error({ err, call: lc.id }, 'ending call failed');
    } finally {
      this.live.delete(lc.id);
      this.byMeeting.delete(lc.meetingId);
    }
    this.d.log.info({ call: lc.id, outcome }, 'call ended');
  }

  /** The call record message in the conversation (written once, delivered like any message). */
  private async record(callId: string): Promise<void> {
    const call = await this.d.calls.view(callId);
    if (!call || call.state !== 'ended' || !call.outcome) return;
    const duration = call.answeredAt && call.endedAt ? Math.max(0, Math.round((Date.parse(call.endedAt) - Date.parse(call.answeredAt)) / 1000)) : 0;
    const media = call.media === 'video' ? 'Video' : 'Audio';
    const text =
      call.outcome === 'completed'
        ? `${media} call · ${formatDuration(duration)}`
        : call.outcome === 'declined'
          ? `${media} call declined`
          : `Missed ${call.media} call`;
    const message = await this.d.conversations.callRecordMessage(
      call.conversationId,
      { callId, media: call.media, outcome: call.outcome, durationSeconds: duration, participants: call.participants },
      text,
    );
    await this.d.delivery.deliver(message);
  }

  /** Every member of the call's conversation (and every invitee) learns the call's state. */
  private async broadcast(callId: string): Promise<void> {
    const call = await this.d.calls.view(callId);
    if (!call) return;
    const to = new Set([...(await this.d.conversations.memberIds(call.conversationId)), ...(await this.d.calls.invitedIds(callId))]);
    this.d.hub.sendMany(to, { method: 'callUpdated', data: { call } });
  }
}

export function formatDuration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}
