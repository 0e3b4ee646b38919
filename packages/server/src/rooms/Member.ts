import type { Notification, Participant, Role, Source } from '@convene/protocol';
import type { UserRecord } from '../services.ts';

/** The signalling side of one connected client, as the room sees it. */
export interface ClientLink {
  send(n: Notification): void;
  close(code: number, reason: string): void;
}

/** A participant of a room (joined or waiting in the lobby). */
export class Member {
  /** lobby: waits for a host; queued: waits for a seat in a full or busy Space. */
  status: 'lobby' | 'queued' | 'joined' = 'lobby';
  role: Role;
  link: ClientLink | null;
  /** Sources with a live producer, and those paused by the participant or the host. */
  readonly published = new Set<Source>();
  readonly paused = new Set<Source>();
  readonly mutedByHost = new Set<Source>();
  handRaisedAt: number | null = null;
  /** Order in the hand queue (two hands in the same millisecond still queue in arrival order). */
  handSeq = 0;
  quality = 5;
  graceTimer: NodeJS.Timeout | null = null;
  /** Resolves once the media peer exists in the router. */
  media: Promise<void> | null = null;
  /** The router (of the room's routers, on some media worker) that holds this member's media. */
  routerId = '';
  /** May publish (see Room.stage); off stage = Space listener or seminar attendee. */
  onStage = true;
  /** Asked to speak at (ms) and in which order; null when not asking. */
  speakRequestedAt: number | null = null;
  speakSeq = 0;
  stagePosition: { x: number; y: number } | null = null;
  /** Opted out of live captions. */
  captionsOff = false;
  /** A WHIP publisher (OBS, GStreamer…): no socket; it leaves when its transport fails. */
  ingest = false;
  /** Reactions sent in the current second (rate limit). */
  reactionWindow = { start: 0, count: 0 };

  constructor(
    readonly id: string,
    readonly user: UserRecord,
    role: Role,
    link: ClientLink,
    readonly resumeToken: string,
  ) {
    this.role = role;
    this.link = link;
  }

  notify(n: Notification): void {
    this.link?.send(n);
  }

  view(): Participant {
    const sources: Source[] = [];
    for (const s of this.published) if (!this.paused.has(s)) sources.push(s);
    return {
      id: this.id,
      handle: this.user.handle,
      displayName: this.user.displayName,
      role: this.role,
      sources,
      handRaisedAt: this.handRaisedAt,
      quality: this.quality,
      onStage: this.onStage,
      speakRequestedAt: this.speakRequestedAt,
      stagePosition: this.stagePosition,
      captionsOff: this.captionsOff,
    };
  }
}
