import { randomBytes, randomUUID } from 'node:crypto';
import { ConveneError, type CaptionHistoryLine, type Notification, type Participant, type RoomState, type Source } from '@convene/protocol';
import type { MeetingRecord, UserRecord } from '../services.ts';
import type { SfuPool } from '../sfu/SfuPool.ts';
import type { WorkerEvent } from '../sfu/worker/messages.ts';
import type { Logger } from '../telemetry/logger.ts';
import { Admission, type AdmissionOptions } from './Admission.ts';
import type { CaptionEngine } from '../captions/engine.ts';
import { RoomCaptions } from '../captions/RoomCaptions.ts';
import type { TranscriptStore } from '../captions/transcript.ts';
import type { RoomBlocks } from './room-blocks.ts';
import { Stage } from './Stage.ts';
import { QuestionBoard } from './QuestionBoard.ts';
import type { DbQuestionService } from '../questions/question-service.ts';
import { Member, type ClientLink } from './Member.ts';

export type JoinOutcome =
  | { status: 'joined'; member: Member; resumed: boolean }
  | { status: 'lobby'; member: Member }
  | { status: 'queued'; member: Member; position: number; reason: 'full' | 'busy' };

export interface RoomOptions {
  /** Members per router before the room spreads onto another media worker (0 = never). */
  spreadAt: number;
  /** How long a dropped client keeps its seat before it counts as left. */
  resumeGraceMs: number;
  /** Window for coalescing join/leave notifications (a join storm becomes one message). */
  batchMs: number;
  /** Space listeners: WebRTC seats and admissions per second (see Admission). */
  admission?: AdmissionOptions;
  /** Speech recognition for live captions (none = captions unavailable). */
  captionEngine?: CaptionEngine;
  /** Recording (none = not available on this server). */
  recorder?: RoomRecorder;
  /** Where final caption lines are stored (none = transcripts are not kept). */
  transcripts?: TranscriptStore;
  /** Durable blocks (none = blocks last as long as the room). */
  blocks?: RoomBlocks;
  /** Durable Q&A (none = the room has no question stream). */
  questionStore?: DbQuestionService;
}

/** Records a room (recording/RecordingService.ts). */
export interface RoomRecorder {
  /** Resolves once the recording runs (its row committed); `onFailed` if it dies later. */
  start(room: Room, by: UserRecord, onFailed: () => void): Promise<{ startedAt: number }>;
  /** Resolves once the file is final. */
  stop(roomId: string): Promise<void>;
}

type RoomEventsHook = {
  onEmpty: (room: Room) => void;
  onEnded: (room: Room) => void;
  /** A member got in (past the lobby) or left; calls track who was in them. */
  onMemberJoined?: (room: Room, userId: string) => void;
  onMemberLeft?: (room: Room, userId: string) => void;
};

/**
 * Live state of one meeting: members, lobby, roles, hands, spotlight, and its media router.
 * Pure signalling domain: media calls go to the SfuPool, messages go out through ClientLinks.
 */
export class Room {
  readonly members = new Map<string, Member>();
  locked = false;
  allowSelfUnmute = true;
  spotlightId: string | null = null;
  activeSpeakerId: string | null = null;
  closed = false;
  /** Users removed by a host: they may come back only through the lobby. */
  private readonly removedUsers = new Set<string>();
  /** Users blocked from this room (Spaces): they may not come back at all. */
  readonly blockedUsers = new Set<string>();
  /** Who may publish: Space speakers and listeners, seminar panelists and attendees. */
  readonly stage = new Stage(this);
  readonly admission: Admission;
  /** The moderated question stream (null without a question store). */
  readonly questions: QuestionBoard | null;
  /** Live captions, while on. */
  captions: RoomCaptions | null = null;
  /** WHEP viewers (media peers without a member): part of the audience and its seat count. */
  readonly viewers = new Set<string>();
  /** Told when a viewer's transport changes (WhepService drops failed ones). */
  onViewerTransport: ((peerId: string, state: string) => void) | null = null;
  /** Being recorded since (ms); everyone sees it in the room state. */
  recording: { startedAt: number } | null = null;
  private recordingChange: Promise<void> = Promise.resolve();
  private pendingJoined = new Set<Member>();
  private pendingLeft: Participant[] = [];
  private batchTimer: NodeJS.Timeout | null = null;
  private handCounter = 0;
  /** The room's routers: the primary (id = meeting id) first, then replicas on other workers. */
  readonly routers: string[];
  private spreading: Promise<string> | null = null;

  constructor(
    readonly meeting: MeetingRecord,
    private readonly pool: SfuPool,
    private readonly log: Logger,
    private readonly opts: RoomOptions,
    private readonly hooks: RoomEventsHook,
  ) {
    this.routers = [meeting.id];
    this.admission = new Admission(this, opts.admission ?? { capacity: 500, perSecond: 50 });
    this.questions = opts.questionStore ? new QuestionBoard(this, opts.questionStore) : null;
  }

  get id(): string {
    return this.meeting.id;
  }

  get lobbyEnabled(): boolean {
    return this.meeting.lobby;
  }

  joined(): Member[] {
    return [...this.members.values()].filter((m) => m.status === 'joined');
  }

  state(): RoomState {
    const handQueue = this.joined()
      .filter((m) => m.handRaisedAt !== null)
      .sort((a, b) => a.handSeq - b.handSeq)
      .map((m) => m.id);
    return {
      kind: this.meeting.kind,
      mode: this.stage.mode,
      audienceCount: this.stage.audienceCount(),
      captions: this.captions ? { language: this.captions.language } : null,
      recording: this.recording,
      locked: this.locked,
      lobby: this.lobbyEnabled,
      allowSelfUnmute: this.allowSelfUnmute,
      spotlightId: this.spotlightId,
      activeSpeakerId: this.activeSpeakerId,
      handQueue,
    };
  }

  /** Join, or resume the seat of `resumeToken` (same user) after a dropped connection. */
  async join(user: UserRecord, link: ClientLink, resumeToken: string | undefined): Promise<JoinOutcome> {
    if (this.closed) throw new ConveneError('MEETING_ENDED', 'the meeting has ended');
    if (resumeToken) {
      const m = [...this.members.values()].find((x) => x.resumeToken === resumeToken && x.user.id === user.id);
      if (m) return this.resume(m, link);
    }
    const isHost = user.id === this.meeting.hostId;
    if (this.blockedUsers.has(user.id)) throw new ConveneError('FORBIDDEN', 'you cannot join this Space');
    if (this.locked && !isHost) throw new ConveneError('MEETING_LOCKED', 'the meeting is locked');
    const m = new Member(randomUUID(), user, isHost ? 'host' : 'participant', link, randomBytes(24).toString('base64url'));
    this.members.set(m.id, m);
    if (this.meeting.kind === 'space' && !isHost && !this.admission.tryAdmit(m)) {
      return { status: 'queued', member: m, position: this.admission.position(m), reason: this.admission.reason() };
    }
    const mustWait = !isHost && (this.lobbyEnabled || this.removedUsers.has(user.id));
    if (mustWait) {
      this.broadcastLobby();
      return { status: 'lobby', member: m };
    }
    await this.admitMember(m);
    if (m.role !== 'participant') {
      this.broadcastLobby(); // a host arriving sees who is already waiting
      if (this.stage.speakRequests().length > 0) this.stage.broadcastRequests();
    }
    return { status: 'joined', member: m, resumed: false };
  }

  private async resume(m: Member, link: ClientLink): Promise<JoinOutcome> {
    if (m.graceTimer) clearTimeout(m.graceTimer);
    m.graceTimer = null;
    const old = m.link;
    m.link = link;
    if (old && old !== link) old.close(4000, 'resumed elsewhere');
    if (m.status === 'lobby') return { status: 'lobby', member: m };
    if (m.status === 'queued') return { status: 'queued', member: m, position: this.admission.position(m), reason: this.admission.reason() };
    await m.media;
    return { status: 'joined', member: m, resumed: true };
  }

  /**
   * The router for a new member: the least-filled one; when every router has `spreadAt` members
   * and a worker has no router of this room yet, a new router there, piped to all the others —
   * so one big room uses every core (mediasoup's pipeToRouter pattern).
   */
  private async homeFor(): Promise<string> {
    const count = (id: string) => this.joined().filter((x) => x.routerId === id).length;
    const least = this.routers.reduce((a, b) => (count(b) < count(a) ? b : a));
    const spread = this.opts.spreadAt;
    if (spread <= 0 || count(least) < spread || this.routers.length >= this.pool.workerCount) return least;
    this.spreading ??= (async () => {
      const id = `${this.id}~${this.routers.length}`;
      await this.pool.createRouter(id, this.routers);
      for (const other of this.routers) await this.pool.connectPipe(other, id);
      this.routers.push(id);
      this.log.info({ router: id, worker: this.pool.workerOf(id) }, 'room spread to another media worker');
      return id;
    })().finally(() => {
      this.spreading = null;
    });
    return this.spreading;
  }

  private async admitMember(m: Member): Promise<void> {
    m.status = 'joined';
    m.onStage = this.stage.initialOnStage(m);
    if (m.onStage) this.reseat(m);
    else this.stage.audienceChanged();
    m.routerId = await this.homeFor();
    m.media = this.pool.call('createPeer', { routerId: m.routerId, peerId: m.id });
    await m.media;
    this.pendingJoined.add(m);
    this.scheduleBatch();
    this.hooks.onMemberJoined?.(this, m.user.id);
  }

  /** The client's socket closed: keep the seat for a grace period so it can resume. */
  detach(m: Member, link: ClientLink): void {
    if (m.link !== link || !this.members.has(m.id)) return;
    m.link = null;
    m.graceTimer = setTimeout(() => void this.leave(m), this.opts.resumeGraceMs);
    m.graceTimer.unref();
  }

  async leave(m: Member): Promise<void> {
    if (!this.members.delete(m.id)) return;
    if (m.graceTimer) clearTimeout(m.graceTimer);
    if (m.status === 'lobby' || m.status === 'queued') {
      if (m.status === 'lobby') this.broadcastLobby();
      else this.admission.remove(m);
      if (this.members.size === 0) this.hooks.onEmpty(this);
      return;
    }
    if (this.spotlightId === m.id) {
      this.spotlightId = null;
      this.broadcastRoom();
    }
    if (this.pendingJoined.delete(m)) {
      // Joined and left inside one batch window: nobody needs to hear about it.
    } else {
      this.pendingLeft.push(m.view());
      this.scheduleBatch();
    }
    if (m.routerId) await this.pool.call('closePeer', { routerId: m.routerId, peerId: m.id }).catch(() => undefined);
    if (m.handRaisedAt !== null) this.broadcastRoom();
    if (m.speakRequestedAt !== null) this.stage.broadcastRequests();
    if (m.onStage) this.reseat();
    else {
      this.stage.audienceChanged();
      this.admission.seatFreed();
    }
    this.captions?.drop(m.id);
    this.hooks.onMemberLeft?.(this, m.user.id);
    if (this.members.size === 0) this.hooks.onEmpty(this);
  }

  // ---- notifications ----

  broadcast(n: Notification, except?: Member): void {
    for (const m of this.members.values()) if (m.status === 'joined' && m !== except) m.notify(n);
  }

  broadcastRoom(): void {
    this.broadcast({ method: 'roomUpdated', data: { room: this.state() } });
  }

  broadcastParticipant(m: Member): void {
    const n = { method: 'participantUpdated', data: { participant: m.view() } } as const;
    for (const x of this.joined()) if (this.stage.visibleTo(x, m)) x.notify(n);
  }

  broadcastLobby(): void {
    const waiting = [...this.members.values()].filter((x) => x.status === 'lobby').map((x) => x.view());
    for (const m of this.joined()) if (m.role !== 'participant') m.notify({ method: 'lobbyChanged', data: { waiting } });
  }

  private scheduleBatch(): void {
    if (this.batchTimer) return;
    this.batchTimer = setTimeout(() => this.flushBatch(), this.opts.batchMs);
    this.batchTimer.unref();
  }

  private flushBatch(): void {
    this.batchTimer = null;
    const joined = [...this.pendingJoined];
    this.pendingJoined.clear();
    const left = this.pendingLeft;
    this.pendingLeft = [];
    if (joined.length > 0) {
      for (const m of this.joined()) {
        // In a Space, listeners are announced to hosts only (everyone else gets the count).
        const others = joined.filter((x) => x !== m && x.status === 'joined' && this.stage.visibleTo(m, x)).map((x) => x.view());
        if (others.length > 0) m.notify({ method: 'participantsJoined', data: { participants: others } });
      }
    }
    if (left.length > 0) {
      for (const m of this.joined()) {
        const gone = left.filter((p) => this.meeting.kind !== 'space' || p.onStage || m.role !== 'participant').map((p) => p.id);
        if (gone.length > 0) m.notify({ method: 'participantsLeft', data: { participantIds: gone } });
      }
    }
  }

  /** Re-seat the stage; members whose seat moved are re-announced (except `fresh`, announced by the batch). */
  reseat(fresh?: Member): void {
    const before = new Map(this.joined().map((x) => [x, x.stagePosition]));
    this.stage.placeSpeakers();
    for (const [x, pos] of before) {
      if (x === fresh || !x.onStage) continue;
      if (pos?.x !== x.stagePosition?.x) this.broadcastParticipant(x);
    }
  }

  async closeProducersOf(m: Member): Promise<void> {
    await this.pool.call('closeProducers', { routerId: m.routerId, peerId: m.id });
  }

  /** Raise or lower a hand; returns false when nothing changed. */
  setHand(m: Member, raised: boolean): boolean {
    if (raised === (m.handRaisedAt !== null)) return false;
    m.handRaisedAt = raised ? Date.now() : null;
    m.handSeq = raised ? ++this.handCounter : 0;
    this.broadcastParticipant(m);
    this.broadcastRoom();
    return true;
  }

  // ---- host controls (permission checks happen in the signalling layer) ----

  /** Final caption lines since captions went on in this room (none while they are off). */
  captionHistory(): readonly CaptionHistoryLine[] {
    return this.captions?.history() ?? [];
  }

  /** Turn live captions on (in `language`) or off; the SFU's caption tap follows. */
  async setCaptions(enabled: boolean, language: string): Promise<void> {
    const engine = this.opts.captionEngine;
    if (enabled) {
      if (!engine?.available()) throw new ConveneError('FORBIDDEN', 'live captions are not available on this server');
      if (!engine.languages.includes(language)) throw new ConveneError('BAD_REQUEST', `captions support ${engine.languages.join(', ')}`);
      if (this.captions?.language === language) return;
      await this.captions?.close();
      this.captions = new RoomCaptions(
        {
          id: this.id,
          captionable: (pid) => {
            const m = this.members.get(pid);
            return m && m.status === 'joined' && !m.captionsOff ? { name: m.user.displayName, userId: m.user.id } : null;
          },
          broadcast: (n) => this.broadcast(n),
          final: (line) => void this.opts.transcripts?.append(this.id, line),
        },
        engine,
        language,
      );
      await this.pool.call('startCaptionTap', { routerId: this.id });
    } else {
      if (!this.captions) return;
      const c = this.captions;
      this.captions = null;
      await this.pool.call('stopCaptionTap', { routerId: this.id }).catch(() => undefined);
      await c.close();
    }
    this.broadcastRoom();
  }

  /** Start or stop recording (one change at a time); everyone is told through roomUpdated. */
  setRecording(by: Member, on: boolean): Promise<void> {
    const next = this.recordingChange.then(async () => {
      const recorder = this.opts.recorder;
      if (!recorder) throw new ConveneError('FORBIDDEN', 'recording is not available on this server');
      if (on === (this.recording !== null) || this.closed) return;
      if (on) {
        const { startedAt } = await recorder.start(this, by.user, () => {
          this.recording = null;
          this.broadcastRoom();
        });
        this.recording = { startedAt };
      } else {
        this.recording = null;
        await recorder.stop(this.id);
      }
      this.broadcastRoom();
    });
    this.recordingChange = next.catch(() => undefined);
    return next;
  }

  setCaptionsOptOut(m: Member, optOut: boolean): void {
    if (m.captionsOff === optOut) return;
    m.captionsOff = optOut;
    if (optOut) this.captions?.drop(m.id);
    this.broadcastParticipant(m);
  }

  /** The admission queue let this listener in. */
  async admitQueued(m: Member): Promise<void> {
    if (m.status !== 'queued' || !this.members.has(m.id)) return;
    await this.admitMember(m);
    m.notify({ method: 'admitted', data: {} });
  }

  async admit(target: Member): Promise<void> {
    if (target.status !== 'lobby') return;
    this.removedUsers.delete(target.user.id);
    await this.admitMember(target);
    target.notify({ method: 'admitted', data: {} });
    this.broadcastLobby();
  }

  deny(target: Member): void {
    if (target.status !== 'lobby') return;
    this.members.delete(target.id);
    target.notify({ method: 'denied', data: {} });
    target.link?.close(4003, 'denied');
    this.broadcastLobby();
  }

  /** Remove and keep out for good (Spaces): stored before anyone is told. */
  async block(target: Member, by: Member): Promise<void> {
    await this.opts.blocks?.add(this.id, target.user.id, by.user.id);
    this.blockedUsers.add(target.user.id);
    await this.remove(target);
  }

  /** Blocks stored by earlier rooms of this meeting. */
  async loadBlocks(): Promise<void> {
    for (const id of (await this.opts.blocks?.list(this.id)) ?? []) this.blockedUsers.add(id);
  }

  async remove(target: Member): Promise<void> {
    this.removedUsers.add(target.user.id);
    target.notify({ method: 'removed', data: {} });
    target.link?.close(4003, 'removed');
    await this.leave(target);
  }

  async end(): Promise<void> {
    for (const m of this.members.values()) m.notify({ method: 'meetingEnded', data: {} }); // lobby too
    for (const m of this.members.values()) m.link?.close(4010, 'meeting ended');
    this.hooks.onEnded(this);
  }

  // ---- media ----

  async setSourcePaused(m: Member, source: Source, paused: boolean): Promise<void> {
    if (paused) m.paused.add(source);
    else m.paused.delete(source);
    if (!paused) m.mutedByHost.delete(source);
    await this.pool.call('setSourcePaused', { routerId: m.routerId, peerId: m.id, source, paused });
    this.broadcastParticipant(m);
  }

  /** After a publish: each source is paused exactly when the client says it is muted. */
  async syncPaused(m: Member, tracks: readonly { source: Source; paused?: boolean | undefined }[]): Promise<void> {
    let changed = false;
    for (const t of tracks) {
      const paused = t.paused === true || m.mutedByHost.has(t.source);
      if (paused !== m.paused.has(t.source)) changed = true;
      if (paused) m.paused.add(t.source);
      else m.paused.delete(t.source);
      // New producers start unpaused in the worker: apply the pause to them.
      if (paused) await this.pool.call('setSourcePaused', { routerId: m.routerId, peerId: m.id, source: t.source, paused: true });
    }
    for (const s of [...m.paused]) {
      if (!tracks.some((t) => t.source === s)) {
        m.paused.delete(s);
        changed = true;
      }
    }
    if (changed) this.broadcastParticipant(m);
  }

  onMediaEvent(e: WorkerEvent): void {
    switch (e.event) {
      case 'produceradded':
      case 'producerclosed': {
        const m = this.members.get(e.peerId);
        if (m) {
          if (e.event === 'produceradded') m.published.add(e.source);
          else m.published.delete(e.source);
          this.broadcastParticipant(m);
        }
        this.renegotiate(e.routerId, m);
        return;
      }
      case 'remoteproducer':
        this.renegotiate(e.routerId);
        return;
      case 'activespeaker':
        // Every router hears all the room's audio through its pipes; the primary decides.
        if (e.routerId !== this.id) return;
        this.activeSpeakerId = e.peerId;
        this.broadcast({ method: 'activeSpeaker', data: { participantId: e.peerId } });
        return;
      case 'transportstate': {
        // Transport changes set a coarse score; RTCP-based scores refine it on the next tick.
        const q = e.state === 'connected' ? 5 : e.state === 'disconnected' ? 1 : e.state === 'failed' ? 0 : undefined;
        if (q !== undefined) this.setQuality(e.peerId, q);
        if (this.viewers.has(e.peerId)) this.onViewerTransport?.(e.peerId, e.state);
        // A WHIP publisher that vanished without DELETE: nobody will resume it.
        const m = this.members.get(e.peerId);
        if (m?.ingest && (e.state === 'failed' || e.state === 'closed')) void this.leave(m);
        return;
      }
      case 'quality':
        this.setQuality(e.peerId, e.score);
        return;
      case 'audiopacket':
        this.captions?.packet(e.peerId, e.payload);
        return;
      default: {
        const never: never = e;
        this.log.warn({ e: never }, 'unknown media event');
      }
    }
  }

  /** Members whose media lives on `routerId` fetch a new offer (except `except`). */
  private renegotiate(routerId: string, except?: Member): void {
    for (const m of this.members.values()) {
      if (m.status === 'joined' && m !== except && m.routerId === routerId) m.notify({ method: 'renegotiate', data: {} });
    }
  }

  private setQuality(peerId: string, q: number): void {
    const m = this.members.get(peerId);
    if (!m || m.quality === q) return;
    m.quality = q;
    this.broadcastParticipant(m);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.stage.close();
    this.admission.close();
    this.questions?.close();
    if (this.recording) {
      this.recording = null;
      void this.opts.recorder?.stop(this.id).catch((err: unknown) => this.log.error({ err }, 'recording stop failed'));
    }
    void this.captions?.close();
    this.captions = null;
    for (const m of this.members.values()) if (m.graceTimer) clearTimeout(m.graceTimer);
    this.members.clear();
    await Promise.all(this.routers.map((id) => this.pool.closeRouter(id).catch(() => undefined)));
  }
}
