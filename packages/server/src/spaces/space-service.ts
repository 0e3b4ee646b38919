import { ConveneError, createSpaceBodySchema, meetingIdSchema, type CreateSpaceBody, type Space } from '@convene/protocol';
import type { LiveRooms } from '../rooms/RoomRegistry.ts';
import type { UserRecord } from '../services.ts';
import type { Db } from '../store/database.ts';
import { systemClock, type Clock } from '../support/clock.ts';
import { randomId } from '../support/ids.ts';
import { parseOrBadRequest } from '../support/validation.ts';

const LIST_LIMIT = 100;

interface SpaceRow {
  id: string;
  title: string;
  topic: string | null;
  starts_at: Date;
  ended_at: Date | null;
  handle: string;
  display_name: string;
}

/**
 * Spaces are public rooms (a `meetings` row of kind 'space'): anyone signed in can list them and
 * join from the link. Live counts come from the room on this node.
 */
export class SpaceService {
  constructor(
    private readonly db: Db,
    private readonly rooms: Pick<LiveRooms, 'get'>,
    private readonly publicUrl: string,
    private readonly now: Clock = systemClock,
    /** Broadcast status of a Space (HlsBroadcasts.status); absent = no broadcast tier. */
    private readonly hlsStatus?: (id: string) => NonNullable<Space['hls']>['status'],
  ) {}

  async create(host: UserRecord, body: CreateSpaceBody): Promise<Space> {
    const b = parseOrBadRequest(createSpaceBodySchema, body);
    const id = randomId();
    await this.db
      .insertInto('meetings')
      .values({
        id,
        title: b.title,
        topic: b.topic ?? null,
        host_id: host.id,
        starts_at: b.startsAt ? new Date(b.startsAt) : new Date(this.now()),
        duration_minutes: 120,
        time_zone: 'UTC',
        code: null,
        lobby: false,
        kind: 'space',
        ended_at: null,
      })
      .execute();
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Space | null> {
    if (!meetingIdSchema.safeParse(id).success) return null;
    const row = await this.query().where('meetings.id', '=', id).executeTakeFirst();
    return row ? this.view(row) : null;
  }

  async require(id: string): Promise<Space> {
    const s = await this.get(id);
    if (!s) throw new ConveneError('NOT_FOUND', 'no such Space');
    return s;
  }

  /** Live Spaces (someone inside), busiest first, and upcoming ones, soonest first. */
  async list(): Promise<{ live: Space[]; upcoming: Space[] }> {
    const rows = await this.query().where('meetings.ended_at', 'is', null).orderBy('meetings.starts_at', 'desc').limit(LIST_LIMIT * 2).execute();
    const all = rows.map((r) => this.view(r));
    const now = this.now();
    return {
      live: all.filter((s) => s.live).sort((a, b) => b.listenerCount + b.speakerCount - (a.listenerCount + a.speakerCount)).slice(0, LIST_LIMIT),
      upcoming: all
        .filter((s) => !s.live && Date.parse(s.startsAt) > now - 5 * 60_000)
        .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))
        .slice(0, LIST_LIMIT),
    };
  }

  private query() {
    return this.db
      .selectFrom('meetings')
      .innerJoin('users', 'users.id', 'meetings.host_id')
      .select(['meetings.id', 'meetings.title', 'meetings.topic', 'meetings.starts_at', 'meetings.ended_at', 'users.handle', 'users.display_name'])
      .where('meetings.kind', '=', 'space');
  }

  private view(r: SpaceRow): Space {
    const room = this.rooms.get(r.id);
    const joined = room && !room.closed ? room.joined() : [];
    const speakers = joined.filter((m) => m.onStage).length;
    return {
      id: r.id,
      title: r.title,
      topic: r.topic,
      host: { handle: r.handle, displayName: r.display_name },
      startsAt: r.starts_at.toISOString(),
      endedAt: r.ended_at?.toISOString() ?? null,
      live: joined.length > 0 && r.ended_at === null,
      speakerCount: speakers,
      listenerCount: joined.length - speakers,
      link: `${this.publicUrl}/s/${r.id}`,
      ...(this.hlsStatus ? { hls: this.hlsView(r.id) } : {}),
    };
  }

  private hlsView(id: string): NonNullable<Space['hls']> {
    const status = this.hlsStatus!(id);
    // Relative to the server's origin: right behind any proxy or CDN host, whatever PUBLIC_URL says.
    return { status, playlistUrl: status === 'live' ? `/hls/${id}/index.m3u8` : null };
  }
}
