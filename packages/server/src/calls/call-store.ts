import type { Call, CallMedia, CallOutcome, UserRef } from '@convene/protocol';
import type { Db } from '../store/database.ts';
import type { CallsTable } from '../store/schema.ts';
import { systemClock, type Clock } from '../support/clock.ts';
import { randomId } from '../support/ids.ts';

type CallRow = { [K in keyof CallsTable]: CallsTable[K] };

/**
 * Durable call state: one `calls` row per call, one `call_members` row per invited person, and
 * the meeting row (kind 'call') whose live room carries the media. Only invited members may join
 * a call's room (see DbMeetingService.authorizeJoin) until the call becomes a meeting.
 */
export class DbCallStore {
  readonly #db: Db;
  readonly #now: Clock;

  constructor(db: Db, opts: { now?: Clock } = {}) {
    this.#db = db;
    this.#now = opts.now ?? systemClock;
  }

  async create(input: { conversationId: string; media: CallMedia; caller: UserRef; invitees: readonly string[]; title: string }): Promise<Call> {
    const now = new Date(this.#now());
    const id = randomId();
    const meetingId = randomId();
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('meetings')
        .values({
          id: meetingId,
          title: input.title,
          host_id: input.caller.id,
          starts_at: now,
          duration_minutes: 60,
          time_zone: 'UTC',
          code: null,
          lobby: false,
          kind: 'call',
          ended_at: null,
        })
        .execute();
      await trx
        .insertInto('calls')
        .values({ id, conversation_id: input.conversationId, meeting_id: meetingId, media: input.media, started_by: input.caller.id, state: 'ringing', outcome: null, started_at: now, answered_at: null, ended_at: null })
        .execute();
      const members = [...new Set([input.caller.id, ...input.invitees])];
      await trx.insertInto('call_members').values(members.map((u) => ({ call_id: id, user_id: u, invited_at: now, joined_at: null }))).execute();
    });
    return (await this.view(id))!;
  }

  async row(callId: string): Promise<CallRow | undefined> {
    return this.#db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
  }

  async byMeeting(meetingId: string): Promise<CallRow | undefined> {
    return this.#db.selectFrom('calls').selectAll().where('meeting_id', '=', meetingId).executeTakeFirst();
  }

  /** The call still going on in a conversation, if any. */
  async activeIn(conversationId: string): Promise<CallRow | undefined> {
    return this.#db.selectFrom('calls').selectAll().where('conversation_id', '=', conversationId).where('state', '<>', 'ended').orderBy('started_at', 'desc').executeTakeFirst();
  }

  async isInvited(callId: string, userId: string): Promise<boolean> {
    const r = await this.#db.selectFrom('call_members').select('user_id').where('call_id', '=', callId).where('user_id', '=', userId).executeTakeFirst();
    return r !== undefined;
  }

  /** Did this user join the call held in this meeting room (answered, not just invited)? */
  async wasMember(meetingId: string, userId: string): Promise<boolean> {
    const r = await this.#db
      .selectFrom('call_members')
      .innerJoin('calls', 'calls.id', 'call_members.call_id')
      .select('call_members.user_id')
      .where('calls.meeting_id', '=', meetingId)
      .where('call_members.user_id', '=', userId)
      .where('call_members.joined_at', 'is not', null)
      .executeTakeFirst();
    return r !== undefined;
  }

  async invitedIds(callId: string): Promise<string[]> {
    const rows = await this.#db.selectFrom('call_members').select('user_id').where('call_id', '=', callId).execute();
    return rows.map((r) => r.user_id);
  }

  async invite(callId: string, userId: string): Promise<void> {
    await this.#db
      .insertInto('call_members')
      .values({ call_id: callId, user_id: userId, invited_at: new Date(this.#now()), joined_at: null })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async markJoined(callId: string, userId: string): Promise<void> {
    await this.#db.updateTable('call_members').set({ joined_at: new Date(this.#now()) }).where('call_id', '=', callId).where('user_id', '=', userId).where('joined_at', 'is', null).execute();
  }

  /** ringing → active, once. Returns false if the call was not ringing. */
  async markAnswered(callId: string): Promise<boolean> {
    const r = await this.#db.updateTable('calls').set({ state: 'active', answered_at: new Date(this.#now()) }).where('id', '=', callId).where('state', '=', 'ringing').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** → ended, once; the meeting ends with it. Returns false if it had already ended. */
  async end(callId: string, outcome: CallOutcome): Promise<boolean> {
    const now = new Date(this.#now());
    return this.#db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('calls').set({ state: 'ended', outcome, ended_at: now }).where('id', '=', callId).where('state', '<>', 'ended').returning('meeting_id').executeTakeFirst();
      if (!r) return false;
      await trx.updateTable('meetings').set({ ended_at: now }).where('id', '=', r.meeting_id).where('ended_at', 'is', null).where('kind', '=', 'call').execute();
      return true;
    });
  }

  /** Calls left open by a crash or restart: nobody can be in them any more. */
  async endAllOpen(): Promise<CallRow[]> {
    const open = await this.#db.selectFrom('calls').selectAll().where('state', '<>', 'ended').execute();
    for (const c of open) await this.end(c.id, c.answered_at ? 'completed' : 'missed');
    return open;
  }

  /** Open the call's room to anyone with the meeting link. */
  async toMeeting(callId: string): Promise<string | undefined> {
    const r = await this.#db.selectFrom('calls').select('meeting_id').where('id', '=', callId).executeTakeFirst();
    if (!r) return undefined;
    await this.#db.updateTable('meetings').set({ kind: 'meeting' }).where('id', '=', r.meeting_id).execute();
    return r.meeting_id;
  }

  async view(callId: string): Promise<Call | undefined> {
    const c = await this.#db
      .selectFrom('calls')
      .innerJoin('users', 'users.id', 'calls.started_by')
      .innerJoin('meetings', 'meetings.id', 'calls.meeting_id')
      .selectAll('calls')
      .select(['users.handle', 'users.display_name', 'meetings.kind as meeting_kind'])
      .where('calls.id', '=', callId)
      .executeTakeFirst();
    if (!c) return undefined;
    const joined = await this.#db
      .selectFrom('call_members')
      .innerJoin('users', 'users.id', 'call_members.user_id')
      .select(['users.id', 'users.handle', 'users.display_name'])
      .where('call_members.call_id', '=', callId)
      .where('call_members.joined_at', 'is not', null)
      .orderBy('call_members.joined_at')
      .execute();
    return {
      id: c.id,
      conversationId: c.conversation_id,
      meetingId: c.meeting_id,
      media: c.media,
      state: c.state,
      outcome: c.outcome,
      startedBy: { id: c.started_by, handle: c.handle, displayName: c.display_name },
      startedAt: c.started_at.toISOString(),
      answeredAt: c.answered_at?.toISOString() ?? null,
      endedAt: c.ended_at?.toISOString() ?? null,
      participants: joined.map((u) => ({ id: u.id, handle: u.handle, displayName: u.display_name })),
      isMeeting: c.meeting_kind === 'meeting',
    };
  }
}
