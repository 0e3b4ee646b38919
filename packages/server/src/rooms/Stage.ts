import { ConveneError, type Participant } from '@convene/protocol';
import type { Member } from './Member.ts';
import type { Room } from './Room.ts';

export const MAX_SPEAKERS = 20;
export const MAX_COHOSTS = 2;
const REACTIONS_PER_SECOND = 5;
const REACTION_BURST_MS = 500;
const AUDIENCE_UPDATE_MS = 1000;

/**
 * Who may publish in a room, and the audience around them.
 *
 * - Meeting: everyone is on stage. Seminar mode: only hosts, co-hosts and the chosen panelists;
 *   everyone else becomes an attendee (their producers are closed, they keep receiving, keep chat).
 * - Space: hosts, co-hosts and speakers (at most 20) are on stage; listeners join receive-only,
 *   may ask to speak, and are known individually only to hosts and co-hosts — everyone else sees
 *   a count — so a big audience costs each member nothing.
 *
 * Going on or off stage never reconnects anyone: it only opens or closes the right to publish.
 */
export class Stage {
  mode: 'meeting' | 'seminar' = 'meeting';
  private requestCounter = 0;
  private readonly reactions = new Map<string, number>();
  private reactionTimer: NodeJS.Timeout | null = null;
  private audienceTimer: NodeJS.Timeout | null = null;
  private lastAudience = -1;

  constructor(private readonly room: Room) {}

  private get space(): boolean {
    return this.room.meeting.kind === 'space';
  }

  /** On stage when admitted: hosts always; participants unless this is a Space or a seminar. */
  initialOnStage(m: Member): boolean {
    return m.role !== 'participant' || (!this.space && this.mode === 'meeting');
  }

  audienceCount(): number {
    let n = this.room.viewers.size;
    for (const m of this.room.members.values()) if (m.status === 'joined' && !m.onStage) n++;
    return n;
  }

  /** In a Space, listeners are visible to hosts and co-hosts (and themselves) only. */
  visibleTo(viewer: Member, m: Member): boolean {
    return !this.space || m.onStage || viewer === m || viewer.role !== 'participant';
  }

  speakRequests(): Member[] {
    return this.room
      .joined()
      .filter((m) => m.speakRequestedAt !== null)
      .sort((a, b) => a.speakSeq - b.speakSeq);
  }

  private moderators(): Member[] {
    return this.room.joined().filter((m) => m.role !== 'participant');
  }

  broadcastRequests(): void {
    const requests: Participant[] = this.speakRequests().map((m) => m.view());
    for (const h of this.moderators()) h.notify({ method: 'speakRequests', data: { requests } });
  }

  requestToSpeak(m: Member, requested: boolean): void {
    if (m.onStage && requested) throw new ConveneError('BAD_REQUEST', 'you are already on stage');
    if (requested === (m.speakRequestedAt !== null)) return;
    m.speakRequestedAt = requested ? Date.now() : null;
    m.speakSeq = requested ? ++this.requestCounter : 0;
    m.notify({ method: 'participantUpdated', data: { participant: m.view() } });
    this.broadcastRequests();
  }

  decline(m: Member): void {
    if (m.speakRequestedAt === null) return;
    m.speakRequestedAt = null;
    m.speakSeq = 0;
    m.notify({ method: 'participantUpdated', data: { participant: m.view() } });
    this.broadcastRequests();
  }

  async setOnStage(m: Member, on: boolean): Promise<void> {
    if (m.onStage === on) return;
    if (on && this.space && this.speakers() >= MAX_SPEAKERS) throw new ConveneError('FORBIDDEN', `a Space has at most ${MAX_SPEAKERS} speakers`);
    if (!on && m.role !== 'participant') throw new ConveneError('FORBIDDEN', 'hosts and co-hosts stay on stage');
    const hadRequest = m.speakRequestedAt !== null;
    m.onStage = on;
    m.speakRequestedAt = null;
    m.speakSeq = 0;
    if (!on) {
      // Off stage: stop their media at the SFU (their client is told to stop too).
      if (m.routerId) await this.room.closeProducersOf(m);
      m.mutedByHost.clear();
    }
    // Re-seat; only speakers whose seat moved are re-announced (not the whole stage to everyone).
    this.room.reseat(m);
    m.notify({ method: 'stageChanged', data: { onStage: on } });
    // Everyone learns about a speaker; a listener going back is announced too (then forgotten).
    for (const x of this.room.joined()) x.notify({ method: 'participantUpdated', data: { participant: m.view() } });
    if (hadRequest) this.broadcastRequests();
    this.audienceChanged();
  }

  /** Meetings only: panelists (and hosts) keep the stage, everyone else becomes an attendee. */
  async setSeminar(on: boolean, panelistIds: readonly string[]): Promise<void> {
    if (this.space) throw new ConveneError('BAD_REQUEST', 'a Space has speakers and listeners already');
    this.mode = on ? 'seminar' : 'meeting';
    const panel = new Set(panelistIds);
    for (const m of this.room.joined()) {
      if (m.role !== 'participant') continue;
      await this.setOnStage(m, !on || panel.has(m.id));
    }
    this.room.broadcastRoom();
  }

  private speakers(): number {
    return this.room.joined().filter((m) => m.onStage).length;
  }

  /** Seats: on-stage members left to right in join order, x in [-1, 1], one row. */
  placeSpeakers(): void {
    const on = this.room.joined().filter((m) => m.onStage);
    on.forEach((m, i) => {
      m.stagePosition = { x: on.length === 1 ? 0 : Math.round((-1 + (2 * i) / (on.length - 1)) * 1000) / 1000, y: 0 };
    });
    for (const m of this.room.members.values()) if (!m.onStage) m.stagePosition = null;
  }

  /** A reaction counts if the sender is under 5 a second; all are summed and sent twice a second. */
  react(m: Member, emoji: string): void {
    const now = Date.now();
    if (now - m.reactionWindow.start >= 1000) m.reactionWindow = { start: now, count: 0 };
    if (++m.reactionWindow.count > REACTIONS_PER_SECOND) throw new ConveneError('RATE_LIMITED', 'too many reactions', { retryAfterMs: 1000 - (now - m.reactionWindow.start) });
    this.reactions.set(emoji, (this.reactions.get(emoji) ?? 0) + 1);
    this.reactionTimer ??= setTimeout(() => {
      this.reactionTimer = null;
      const counts = Object.fromEntries(this.reactions);
      this.reactions.clear();
      this.room.broadcast({ method: 'reactions', data: { counts } });
    }, REACTION_BURST_MS);
    this.reactionTimer.unref();
  }

  /** The audience count reaches everyone at most once a second (a join storm is one update). */
  audienceChanged(): void {
    if (this.audienceTimer) return;
    this.audienceTimer = setTimeout(() => {
      this.audienceTimer = null;
      const n = this.audienceCount();
      if (n === this.lastAudience) return;
      this.lastAudience = n;
      this.room.broadcastRoom();
    }, AUDIENCE_UPDATE_MS);
    this.audienceTimer.unref();
  }

  close(): void {
    if (this.reactionTimer) clearTimeout(this.reactionTimer);
    if (this.audienceTimer) clearTimeout(this.audienceTimer);
  }
}
