import { ConveneError, createMeetingBodySchema, meetingIdSchema, type CreateMeetingBody, type Meeting } from '@convene/protocol';
import { sql } from 'kysely';
import type { MeetingRecord, MeetingService, UserRecord } from '../services.ts';
import type { Db } from '../store/database.ts';
import type { MeetingRow } from '../store/schema.ts';
import { systemClock, type Clock } from '../support/clock.ts';
import { randomId } from '../support/ids.ts';
import { RateLimiter } from '../support/rate-limiter.ts';
import { parseOrBadRequest } from '../support/validation.ts';
import { codesMatch } from './code.ts';
import { formatIcs } from './ics.ts';

export interface MeetingServiceOptions {
  /** Base URL for links, without a trailing slash. */
  publicUrl: string;
  /** Wrong codes allowed per minute, counted per meeting and, separately, per client key. */
  codeAttemptsPerMinute: number;
  now?: Clock;
}

/** Unknown meeting and wrong code must be indistinguishable: one message for both. */
export const UNAVAILABLE = 'meeting not found, or the code is wrong';
const LIST_LIMIT = 200;

export class DbMeetingService implements MeetingService {
  readonly #db: Db;
  readonly #publicUrl: string;
  readonly #now: Clock;
  readonly #codeFailures: RateLimiter;

  constructor(db: Db, opts: MeetingServiceOptions) {
    this.#db = db;
    this.#publicUrl = opts.publicUrl.replace(/\/$/, '');
    this.#now = opts.now ?? systemClock;
    this.#codeFailures = new RateLimiter({ limit: opts.codeAttemptsPerMinute, windowMs: 60_000, now: this.#now });
  }

  async create(host: UserRecord, body: CreateMeetingBody): Promise<MeetingRecord> {
    const b = parseOrBadRequest(createMeetingBodySchema, body);
    if (!isTimeZone(b.timeZone)) throw new ConveneError('BAD_REQUEST', `timeZone: unknown time zone "${b.timeZone}"`);
    const row = await this.#db
      .insertInto('meetings')
      .values({
        id: randomId(),
        title: b.title,
        host_id: host.id,
        starts_at: b.startsAt === undefined ? new Date(this.#now()) : new Date(b.startsAt),
        duration_minutes: b.durationMinutes,
        time_zone: b.timeZone,
        code: b.code ?? null,
        lobby: b.lobby,
        ended_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async listForHost(userId: string): Promise<MeetingRecord[]> {
    const rows = await this.#db
      .selectFrom('meetings')
      .selectAll()
      .where('host_id', '=', userId)
      .where('ended_at', 'is', null)
      // Not over yet: scheduled end still ahead (live meetings included).
      .where(sql<boolean>`starts_at + make_interval(mins => duration_minutes) > ${new Date(this.#now())}`)
      .orderBy('starts_at', 'asc')
      .orderBy('id')
      .limit(LIST_LIMIT)
      .execute();
    return rows.map(toRecord);
  }

  async get(id: string): Promise<MeetingRecord | null> {
    if (!meetingIdSchema.safeParse(id).success) return null;
    const row = await this.#db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async authorizeJoin(input: { meetingId: string; user: UserRecord; code: string | undefined; clientKey: string }): Promise<MeetingRecord> {
    const meeting = await this.get(input.meetingId);
    if (meeting?.kind === 'call') {
      // A call's room admits the people invited to the call, nobody else (same answer as unknown).
      const invited = await this.#db
        .selectFrom('call_members')
        .innerJoin('calls', 'calls.id', 'call_members.call_id')
        .select('call_members.user_id')
        .where('calls.meeting_id', '=', meeting.id)
        .where('call_members.user_id', '=', input.user.id)
        .executeTakeFirst();
      if (!invited) throw new ConveneError('MEETING_UNAVAILABLE', UNAVAILABLE);
      return admitted(meeting);
    }
    if (meeting && (meeting.hostId === input.user.id || meeting.code === null)) return admitted(meeting);

    // From here the meeting is unknown or needs a code: both paths must look identical.
    const keys = [`meeting:${input.meetingId}`, `client:${input.clientKey}`];
    const wait = Math.max(...keys.map((k) => this.#codeFailures.retryAfterMs(k)));
    if (wait > 0) throw new ConveneError('RATE_LIMITED', 'too many wrong codes; try again later', { retryAfterMs: wait });
    const guess = input.code ?? '';
    const match = codesMatch(meeting?.code ?? UNAVAILABLE, guess) && meeting !== null && input.code !== undefined;
    if (!match) {
      // A missing code is not a guess (clients try without one first), so it does not count.
      if (input.code !== undefined) for (const k of keys) this.#codeFailures.hit(k);
      throw new ConveneError('MEETING_UNAVAILABLE', UNAVAILABLE);
    }
    return admitted(meeting);
  }

  async markEnded(id: string): Promise<void> {
    await this.#db
      .updateTable('meetings')
      .set({ ended_at: new Date(this.#now()) })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .execute();
  }

  async toView(meeting: MeetingRecord, viewer: UserRecord | null): Promise<Meeting> {
    const host = await this.#db
      .selectFrom('users')
      .select(['handle', 'display_name'])
      .where('id', '=', meeting.hostId)
      .executeTakeFirst();
    const isHost = viewer?.id === meeting.hostId;
    return {
      id: meeting.id,
      title: meeting.title,
      startsAt: meeting.startsAt.toISOString(),
      durationMinutes: meeting.durationMinutes,
      timeZone: meeting.timeZone,
      hasCode: meeting.code !== null,
      lobby: meeting.lobby,
      host: { handle: host?.handle ?? '', displayName: host?.display_name ?? '' },
      ...(isHost && meeting.code !== null ? { code: meeting.code } : {}),
      endedAt: meeting.endedAt?.toISOString() ?? null,
      link: this.link(meeting.id),
    };
  }

  async ics(meeting: MeetingRecord): Promise<string> {
    const link = this.link(meeting.id);
    // The code is deliberately left out: invites get forwarded; the host shares the code separately.
    const description = meeting.code === null ? `Join: ${link}` : `Join: ${link}\nAsk the host for the meeting code.`;
    return formatIcs({
      uid: `${meeting.id}@${new URL(this.#publicUrl).hostname}`,
      stamp: new Date(this.#now()),
      start: meeting.startsAt,
      end: new Date(meeting.startsAt.getTime() + meeting.durationMinutes * 60_000),
      summary: meeting.title,
      url: link,
      description,
    });
  }

  link(id: string): string {
    return `${this.#publicUrl}/m/${id}`;
  }
}

function admitted(meeting: MeetingRecord): MeetingRecord {
  if (meeting.endedAt !== null) throw new ConveneError('MEETING_ENDED', 'this meeting has ended');
  return meeting;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function toRecord(row: MeetingRow): MeetingRecord {
  return {
    id: row.id,
    title: row.title,
    hostId: row.host_id,
    startsAt: row.starts_at,
    durationMinutes: row.duration_minutes,
    timeZone: row.time_zone,
    code: row.code,
    lobby: row.lobby,
    kind: row.kind === 'call' ? 'call' : row.kind === 'space' ? 'space' : 'meeting',
    topic: row.topic,
    endedAt: row.ended_at,
  };
}
