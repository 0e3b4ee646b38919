import type { MeetingService, MeetingRecord } from '../services.ts';
import type { SfuPool } from '../sfu/SfuPool.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { Room, type RoomOptions } from './Room.ts';

/**
 * Where live rooms are found. In-memory on a single node; a Redis-backed registry (rooms placed
 * across nodes) implements the same interface later.
 */
export interface LiveRooms {
  get(meetingId: string): Room | undefined;
  getOrCreate(meeting: MeetingRecord): Promise<Room>;
  /** Joined participants across live rooms on this node. */
  participantCount(): number;
  /** Told when members join and leave any room, and when a room closes (calls use this). */
  observe(o: RoomObserver): void;
  close(): Promise<void>;
}

export interface RoomObserver {
  memberJoined(meetingId: string, userId: string): void;
  memberLeft(meetingId: string, userId: string): void;
  roomClosed(meetingId: string): void;
}

export class InMemoryRooms implements LiveRooms {
  private observers: RoomObserver[] = [];
  private readonly rooms = new Map<string, Room>();
  private readonly creating = new Map<string, Promise<Room>>();

  constructor(
    private readonly pool: SfuPool,
    private readonly meetings: MeetingService,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly opts: RoomOptions,
  ) {
    // Router ids are the meeting id, or `${meetingId}~n` for a room's extra routers.
    pool.on('event', (e) => this.rooms.get(roomOf(e.routerId))?.onMediaEvent(e));
    // A crashed media worker took these rooms' media with it: drop the rooms and close their
    // sockets with 1012 so clients rejoin at once (a fresh router on a live worker).
    pool.on('routerslost', (ids) => {
      for (const id of new Set(ids.map(roomOf))) {
        const room = this.rooms.get(id);
        if (!room) continue;
        log.error({ room: id }, 'media worker lost; moving room');
        for (const m of room.members.values()) m.link?.close(1012, 'media restart');
        void this.drop(room);
      }
    });
  }

  observe(o: RoomObserver): void {
    this.observers.push(o);
  }

  /** Live-caption load: rooms captioning and audio seconds their engines dropped. */
  captionStats(): { rooms: number; droppedSeconds: number } {
    let rooms = 0;
    let dropped = 0;
    for (const r of this.rooms.values()) {
      if (!r.captions) continue;
      rooms++;
      dropped += r.captions.droppedSamples / 16_000;
    }
    return { rooms, droppedSeconds: dropped };
  }

  participantCount(): number {
    let n = 0;
    for (const r of this.rooms.values()) n += r.joined().length;
    return n;
  }

  get(meetingId: string): Room | undefined {
    return this.rooms.get(meetingId);
  }

  getOrCreate(meeting: MeetingRecord): Promise<Room> {
    const live = this.rooms.get(meeting.id);
    if (live && !live.closed) return Promise.resolve(live);
    let p = this.creating.get(meeting.id);
    if (!p) {
      p = this.create(meeting).finally(() => this.creating.delete(meeting.id));
      this.creating.set(meeting.id, p);
    }
    return p;
  }

  private async create(meeting: MeetingRecord): Promise<Room> {
    await this.pool.createRouter(meeting.id);
    const log = this.log.child({ room: meeting.id });
    const room = new Room(meeting, this.pool, log, this.opts, {
      onEmpty: (r) => void this.drop(r),
      onEnded: (r) => {
        void this.meetings.markEnded(r.id).catch((err: unknown) => log.error({ err }, 'markEnded failed'));
        void this.drop(r);
      },
      onMemberJoined: (r, userId) => {
        for (const o of this.observers) o.memberJoined(r.id, userId);
      },
      onMemberLeft: (r, userId) => {
        for (const o of this.observers) o.memberLeft(r.id, userId);
      },
    });
    if (meeting.kind === 'space') await room.loadBlocks();
    this.rooms.set(meeting.id, room);
    this.metrics.rooms.set(this.rooms.size);
    log.info('room opened');
    return room;
  }

  private async drop(room: Room): Promise<void> {
    if (this.rooms.get(room.id) !== room) return; // dropped already (ended, then emptied)
    this.rooms.delete(room.id);
    // Members still inside (the room ended under them) leave with it.
    for (const m of room.members.values()) if (m.status === 'joined') for (const o of this.observers) o.memberLeft(room.id, m.user.id);
    this.metrics.rooms.set(this.rooms.size);
    await room.close();
    this.log.info({ room: room.id }, 'room closed');
    for (const o of this.observers) o.roomClosed(room.id);
  }

  async close(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((r) => r.close()));
    this.rooms.clear();
  }
}

function roomOf(routerId: string): string {
  const i = routerId.indexOf('~');
  return i < 0 ? routerId : routerId.slice(0, i);
}
