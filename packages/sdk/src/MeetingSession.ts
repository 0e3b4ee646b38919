import {
  ConveneError,
  type CaptionHistoryLine,
  type ChatMessage,
  type Notification,
  type Participant,
  type RequestResult,
  type RoomState,
  type Source,
  type Reaction,
} from '@convene/protocol';
import { TypedEmitter } from './emitter.ts';
import { ApiClient } from './http.ts';
import { CAMERA_ENCODINGS, describeTracks, gatheringComplete, randomId, type LocalTrack } from './media.ts';
import { SerialQueue } from './queue.ts';
import { QuestionStream } from './questions.ts';
import { SignalingClient, type WebSocketFactory } from './signaling.ts';
import type { LogSink, RemoteTrack, SessionEvents, SessionState, WebRtcImpl } from './types.ts';

export interface JoinOptions {
  /** Server base URL, e.g. `location.origin` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  meetingId: string;
  code?: string;
  /** Node: session token (sent as Bearer); browsers use the session cookie. */
  token?: string;
  /** Node: `@roamhq/wrtc`; browsers: the globals. */
  webrtc?: WebRtcImpl;
  /** Node: e.g. `(url) => new WebSocket(url, { headers: { authorization: 'Bearer …' } })` from `ws`. */
  createWebSocket?: WebSocketFactory;
  log?: LogSink;
  /**
   * ICE servers for both peer connections. Default: the TURN relay credentials from
   * GET /api/turn (none when the server has no relay). Media still only goes to the SFU.
   */
  iceServers?: RTCIceServer[];
  /** 'relay' sends everything through the TURN relay (networks that block UDP to the SFU). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * Browsers: leave when the page goes away (tab closed, navigation), so the seat is free at once
   * instead of being held for the server's resume grace (30 s). Default true where `window` exists.
   */
  leaveOnPageHide?: boolean;
  /**
   * A peer connection still 'new' or 'connecting' this long after its negotiation finished is
   * recovered like a failed one (ICE restart, then a rebuild): some stacks sit in 'connecting'
   * for good when the far side's ICE gave up. Default 20 s.
   */
  connectTimeoutMs?: number;
}

const defaultLog: LogSink = (level, msg, data) => {
  if (level === 'warn' || level === 'error') console[level](`[convene] ${msg}`, data ?? '');
};
const TERMINAL: ReadonlySet<SessionState> = new Set(['left', 'removed', 'ended', 'denied']);
const RECONNECT_DEADLINE_MS = 60_000;
const CONNECT_TIMEOUT_MS = 20_000;

/**
 * A participant's session in one meeting: signalling, one sending and one receiving peer
 * connection through the SFU, remote tracks, chat, hands and host controls, and automatic
 * resume after a dropped connection.
 */
export class MeetingSession extends TypedEmitter<SessionEvents> {
  state: SessionState = 'connecting';
  self: Participant | null = null;
  readonly participants = new Map<string, Participant>();
  room: RoomState | null = null;
  private iceServers: RTCIceServer[] = [];
  /** Hosts and co-hosts: who is waiting in the lobby (kept even before the app subscribes). */
  lobbyWaiting: Participant[] = [];
  /** Hosts: people asking to speak, oldest first. */
  speakRequests: Participant[] = [];
  /** While state is 'queued': place in line for a full or busy Space. */
  queue: { position: number; reason: 'full' | 'busy' } | null = null;
  readonly remoteTracks = new Map<string, RemoteTrack>();
  /** Q&A: call `questions.load()` to fetch the list; it stays current from then on. */
  readonly questions: QuestionStream;
  private readonly sig: SignalingClient;
  private readonly rtc: WebRtcImpl;
  private readonly log: LogSink;
  private resumeToken: string | undefined;
  private sendPc: RTCPeerConnection | null = null;
  private recvPc: RTCPeerConnection | null = null;
  /** Negotiated peer connections not yet connected ('new' or 'connecting'), with the timer that recovers them if they stay so. */
  private readonly connectWatch = new Map<RTCPeerConnection, ReturnType<typeof setTimeout>>();
  private readonly sendQueue = new SerialQueue();
  private readonly recvQueue = new SerialQueue();
  private readonly local = new Map<Source, LocalTrack>();
  private subscribing: Promise<void> | null = null;
  private subscribeDirty = false;
  private readonly tileSizes = new Map<string, { width: number; height: number }>();
  private readonly dirtyTiles = new Set<string>();
  private tileTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly seenChat = new Set<string>();
  private restarting: Promise<void> | null = null;

  static async join(opts: JoinOptions): Promise<MeetingSession> {
    const s = new MeetingSession(opts);
    await s.start();
    return s;
  }

  private constructor(private readonly opts: JoinOptions) {
    super();
    this.log = opts.log ?? defaultLog;
    this.rtc = opts.webrtc ?? { RTCPeerConnection: globalThis.RTCPeerConnection };
    const wsUrl = `${opts.baseUrl.replace(/^http/, 'ws')}/ws`;
    const factory: WebSocketFactory = opts.createWebSocket ?? ((url) => new WebSocket(url) as unknown as ReturnType<WebSocketFactory>);
    this.sig = new SignalingClient(wsUrl, factory, this.log);
    this.questions = new QuestionStream(this.sig);
    this.sig.on('notification', (n) => this.onNotification(n));
    this.sig.on('close', (code) => this.onSocketClose(code));
  }

  get connectionQuality(): number {
    return this.self?.quality ?? 0;
  }

  get isHost(): boolean {
    return this.self?.role === 'host' || this.self?.role === 'cohost';
  }

  private setState(s: SessionState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  private readonly onPageHide = (): void => {
    if (TERMINAL.has(this.state) || !this.sig.open) return;
    // Fire and forget: the frame is queued on the socket before the page is gone.
    this.sig.request('leave', {}).catch(() => undefined);
  };

  private async start(): Promise<void> {
    const w = (globalThis as { window?: { addEventListener(t: string, f: () => void): void } }).window;
    if (w && this.opts.leaveOnPageHide !== false) w.addEventListener('pagehide', this.onPageHide);
    this.iceServers =
      this.opts.iceServers ??
      (await new ApiClient(this.opts.baseUrl, this.opts.token)
        .turn()
        .then((t) => t.iceServers)
        .catch(() => []));
    await this.sig.connect();
    await this.handleJoin(await this.sig.request('join', this.joinData()));
  }

  private joinData() {
    return {
      meetingId: this.opts.meetingId,
      ...(this.opts.code ? { code: this.opts.code } : {}),
      ...(this.resumeToken ? { resumeToken: this.resumeToken } : {}),
    };
  }

  private async handleJoin(r: RequestResult<'join'>): Promise<void> {
    this.resumeToken = r.resumeToken;
    if (r.status === 'lobby') {
      this.setState('lobby');
      return;
    }
    if (r.status === 'queued') {
      // A full or busy Space: wait in line; `admitted` arrives when a seat is ours.
      this.queue = { position: r.position, reason: r.reason };
      this.setState('queued');
      this.emit('queue', r.position, r.reason);
      return;
    }
    this.queue = null;
    this.self = r.self;
    this.room = r.room;
    const before = new Map(this.participants);
    this.participants.clear();
    for (const p of r.participants) this.participants.set(p.id, p);
    const joined = r.participants.filter((p) => !before.has(p.id));
    const left = [...before.values()].filter((p) => !this.participants.has(p.id));
    this.setState('joined');
    if (left.length) this.emit('participantsLeft', left);
    if (joined.length) this.emit('participantsJoined', joined);
    this.emit('room', r.room);
    const mediaHealthy = r.resumed && [this.sendPc, this.recvPc].every((pc) => !pc || pc.connectionState === 'connected');
    if (mediaHealthy) this.requestSubscribe();
    else if (this.sendPc || this.recvPc || this.local.size > 0) await this.restartMedia(r.resumed);
    else this.requestSubscribe();
  }

  // ---------- notifications ----------

  private onNotification(n: Notification): void {
    switch (n.method) {
      case 'participantsJoined': {
        const fresh = n.data.participants.filter((p) => p.id !== this.self?.id);
        for (const p of fresh) this.participants.set(p.id, p);
        if (fresh.length) this.emit('participantsJoined', fresh);
        return;
      }
      case 'participantsLeft': {
        const gone: Participant[] = [];
        for (const id of n.data.participantIds) {
          const p = this.participants.get(id);
          if (p) gone.push(p);
          this.participants.delete(id);
        }
        if (gone.length) this.emit('participantsLeft', gone);
        return;
      }
      case 'participantUpdated': {
        const p = n.data.participant;
        if (p.id === this.self?.id) this.self = p;
        else if (this.participants.has(p.id)) this.participants.set(p.id, p);
        else {
          // A Space listener who came on stage (or one a host can see): new to us.
          this.participants.set(p.id, p);
          this.emit('participantsJoined', [p]);
          return;
        }
        this.emit('participantUpdated', p);
        return;
      }
      case 'renegotiate':
        this.requestSubscribe();
        return;
      case 'activeSpeaker':
        if (this.room) this.room = { ...this.room, activeSpeakerId: n.data.participantId };
        this.emit('activeSpeaker', n.data.participantId);
        return;
      case 'roomUpdated':
        this.room = n.data.room;
        this.emit('room', n.data.room);
        return;
      case 'chatMessage':
        if (this.seenChat.has(n.data.message.id)) return;
        this.seenChat.add(n.data.message.id);
        this.emit('chat', n.data.message);
        return;
      case 'lobbyChanged':
        this.lobbyWaiting = n.data.waiting;
        this.emit('lobby', n.data.waiting);
        return;
      case 'admitted':
        void this.sig.request('join', this.joinData()).then(
          (r) => this.handleJoin(r),
          (err: unknown) => this.log('error', 'join after admission failed', { err: String(err) }),
        );
        return;
      case 'denied':
        this.finish('denied');
        return;
      case 'mutedByHost': {
        const l = this.local.get(n.data.source);
        if (l) {
          l.muted = true;
          l.track.enabled = false;
        }
        this.emit('mutedByHost', n.data.source);
        return;
      }
      case 'removed':
        this.finish('removed');
        return;
      case 'meetingEnded':
        this.finish('ended');
        return;
      case 'queued':
        this.queue = n.data;
        this.emit('queue', n.data.position, n.data.reason);
        return;
      case 'speakRequests':
        this.speakRequests = n.data.requests;
        this.emit('speakRequests', n.data.requests);
        return;
      case 'stageChanged':
        if (this.self) this.self = { ...this.self, onStage: n.data.onStage };
        // Off stage: the SFU closed our producers; stop sending and free the devices' tracks.
        if (!n.data.onStage) void this.unpublishAll();
        this.emit('stage', n.data.onStage);
        return;
      case 'reactions':
        this.emit('reactions', n.data.counts);
        return;
      case 'caption':
        this.emit('caption', n.data);
        return;
      case 'questions':
        this.questions.apply(n.data.questions);
        return;
      // Inbox notifications go to InboxClient connections, never to a meeting's connection.
      case 'message':
      case 'conversationChanged':
      case 'readMarker':
      case 'callRing':
      case 'callRingStop':
      case 'callUpdated':
        return;
      default: {
        const never: never = n;
        this.log('warn', 'unknown notification', { n: never });
      }
    }
  }

  private onSocketClose(code: number): void {
    if (TERMINAL.has(this.state)) return;
    if (code === 4003 || code === 4010) return; // removed/denied/ended: the notification says which
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    this.setState('reconnecting');
    const deadline = Date.now() + RECONNECT_DEADLINE_MS;
    for (let delay = 250; Date.now() < deadline && !TERMINAL.has(this.state); delay = Math.min(delay * 2, 4000)) {
      try {
        await this.sig.connect();
        await this.handleJoin(await this.sig.request('join', this.joinData()));
        return;
      } catch (err) {
        if (err instanceof ConveneError && ['MEETING_ENDED', 'MEETING_UNAVAILABLE'].includes(err.code)) break;
        this.log('info', 'reconnect attempt failed', { err: String(err) });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    if (!TERMINAL.has(this.state) && this.state !== 'joined' && this.state !== 'lobby' && this.state !== 'queued') this.finish('left');
  }

  private finish(state: SessionState): void {
    const w = (globalThis as { window?: { removeEventListener(t: string, f: () => void): void } }).window;
    w?.removeEventListener('pagehide', this.onPageHide);
    this.setState(state);
    this.closeMedia();
    this.sig.close();
  }

  // ---------- publishing ----------

  publishMicrophone(track: MediaStreamTrack): Promise<void> {
    return this.publish('microphone', track, undefined);
  }
  /** Camera with three simulcast layers; `height` defaults to the track's settings. */
  publishCamera(track: MediaStreamTrack, opts: { height?: number; simulcast?: boolean } = {}): Promise<void> {
    return this.publish('camera', track, opts.simulcast === false ? undefined : CAMERA_ENCODINGS, opts.height);
  }
  publishScreen(track: MediaStreamTrack): Promise<void> {
    return this.publish('screen', track, undefined);
  }

  private publish(source: Source, track: MediaStreamTrack, encodings: RTCRtpEncodingParameters[] | undefined, height?: number): Promise<void> {
    return this.sendQueue.push(async () => {
      // Space listeners and seminar attendees receive only (the server enforces it too).
      if (this.self && !this.self.onStage) throw new ConveneError('FORBIDDEN', 'only people on stage may publish; ask to speak first');
      const existing = this.local.get(source);
      if (existing) {
        await existing.transceiver.sender.replaceTrack(track);
        existing.track = track;
        return;
      }
      const pc = this.ensureSendPc();
      const transceiver = pc.addTransceiver(track, {
        direction: 'sendonly',
        ...(encodings ? { sendEncodings: encodings.map((e) => ({ ...e })) } : {}),
      });
      const h = height ?? track.getSettings?.().height;
      this.local.set(source, { source, track, transceiver, height: h, muted: false });
      try {
        await this.negotiateSend();
      } catch (err) {
        // Refused: leave the connection as it was, so the next publish starts clean.
        this.local.delete(source);
        transceiver.stop();
        await this.rollbackSend();
        throw err;
      }
    });
  }

  /** Undo a local offer the server did not answer. */
  private async rollbackSend(): Promise<void> {
    const pc = this.sendPc;
    if (pc?.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
  }

  /** Moved off stage: the SFU already closed our producers; drop every local track in one go. */
  private unpublishAll(): Promise<void> {
    return this.sendQueue.push(async () => {
      if (this.local.size === 0) return;
      // 'inactive' rather than stopped: the m-lines stay in the BUNDLE group, so the connection
      // stays valid with nothing to send, and publishing again later just adds tracks.
      for (const l of this.local.values()) {
        await l.transceiver.sender.replaceTrack(null);
        l.transceiver.direction = 'inactive';
      }
      this.local.clear();
      await this.negotiateSend().catch(async (err: unknown) => {
        this.log('warn', 'renegotiation after leaving the stage failed', { err: String(err) });
        await this.rollbackSend();
      });
    });
  }

  unpublish(source: Source): Promise<void> {
    return this.sendQueue.push(async () => {
      const l = this.local.get(source);
      if (!l) return;
      this.local.delete(source);
      await l.transceiver.sender.replaceTrack(null);
      l.transceiver.stop();
      await this.negotiateSend();
    });
  }

  /** Device switch without renegotiation. */
  async replaceTrack(source: Source, track: MediaStreamTrack): Promise<void> {
    const l = this.local.get(source);
    if (!l) throw new ConveneError('BAD_REQUEST', `${source} is not published`);
    track.enabled = !l.muted;
    await l.transceiver.sender.replaceTrack(track);
    l.track = track;
  }

  /** Mic/camera off and on. The server stops forwarding while muted. */
  async setMuted(source: Source, muted: boolean): Promise<void> {
    const l = this.local.get(source);
    await this.sig.request('setSourcePaused', { source, paused: muted });
    if (l) {
      l.muted = muted;
      l.track.enabled = !muted;
    }
  }

  isMuted(source: Source): boolean {
    return this.local.get(source)?.muted ?? true;
  }

  private ensureSendPc(): RTCPeerConnection {
    if (this.sendPc) return this.sendPc;
    const pc = new this.rtc.RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.opts.iceTransportPolicy ?? 'all', bundlePolicy: 'max-bundle' });
    pc.addEventListener('connectionstatechange', () => this.onPcState('send', pc));
    this.sendPc = pc;
    return pc;
  }

  private async negotiateSend(iceRestart = false): Promise<void> {
    const pc = this.sendPc;
    if (!pc) return;
    const offer = await pc.createOffer({ iceRestart });
    await pc.setLocalDescription(offer);
    await gatheringComplete(pc);
    const { sdp } = await this.sig.request('publish', { sdp: pc.localDescription!.sdp, tracks: describeTracks(this.local.values()) });
    await pc.setRemoteDescription({ type: 'answer', sdp });
    this.watchConnect('send', pc);
  }

  // ---------- subscribing ----------

  /** Coalesces bursts of `renegotiate`: at most one subscribe in flight plus one queued. */
  private requestSubscribe(): void {
    if (this.subscribing) {
      this.subscribeDirty = true;
      return;
    }
    this.subscribing = (async () => {
      do {
        this.subscribeDirty = false;
        try {
          await this.recvQueue.push(() => this.subscribeOnce());
        } catch (err) {
          this.log('warn', 'subscribe failed', { err: String(err) });
        }
      } while (this.subscribeDirty && this.state === 'joined');
      this.subscribing = null;
    })();
  }

  /** Resolves when the current subscribe round (if any) has finished. */
  async settled(): Promise<void> {
    while (this.subscribing) await this.subscribing;
  }

  private async subscribeOnce(iceRestart = false): Promise<void> {
    if (this.state !== 'joined') return;
    const { sdp, consumers } = await this.sig.request('subscribe', iceRestart ? { iceRestart } : {});
    if (!sdp) return; // nothing published by anyone else yet
    const pc = this.ensureRecvPc();
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await gatheringComplete(pc);
    await this.sig.request('subscribeAnswer', { sdp: pc.localDescription!.sdp });
    this.watchConnect('recv', pc);
    const next = new Map<string, RemoteTrack>();
    const transceivers = pc.getTransceivers();
    for (const c of consumers) {
      const t = transceivers.find((x) => x.mid === c.mid);
      if (t) next.set(c.consumerId, { ...c, track: t.receiver.track });
    }
    for (const [id, rt] of this.remoteTracks) {
      if (!next.has(id)) {
        this.remoteTracks.delete(id);
        this.tileSizes.delete(id);
        this.emit('trackRemoved', rt);
      }
    }
    for (const [id, rt] of next) {
      if (!this.remoteTracks.has(id)) {
        this.remoteTracks.set(id, rt);
        this.emit('trackAdded', rt);
      }
    }
  }

  private ensureRecvPc(): RTCPeerConnection {
    if (this.recvPc) return this.recvPc;
    // 'balanced': once every forwarded track is gone the server's offer holds only rejected
    // m-lines and no BUNDLE group, which 'max-bundle' would refuse.
    const pc = new this.rtc.RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.opts.iceTransportPolicy ?? 'all', bundlePolicy: 'balanced' });
    pc.addEventListener('connectionstatechange', () => this.onPcState('recv', pc));
    this.recvPc = pc;
    return pc;
  }

  /**
   * Negotiated (or started connecting) but not connected: if it is still 'new' or 'connecting'
   * after connectTimeoutMs, recover it like a failed connection.
   */
  private watchConnect(which: 'send' | 'recv', pc: RTCPeerConnection): void {
    if (this.connectWatch.has(pc) || pc.connectionState === 'connected') return;
    const timer = setTimeout(() => {
      this.connectWatch.delete(pc);
      if (pc.connectionState !== 'connecting' && pc.connectionState !== 'new') return;
      this.log('warn', 'peer connection stuck connecting: restarting media', { which, state: pc.connectionState });
      if (this.state === 'joined' && this.sig.open && (pc === this.sendPc || pc === this.recvPc)) void this.restartMedia(true);
    }, this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    this.connectWatch.set(pc, timer);
  }

  private onPcState(which: 'send' | 'recv', pc: RTCPeerConnection): void {
    this.emit('media', which, pc.connectionState);
    const state = pc.connectionState;
    if (state === 'connecting') this.watchConnect(which, pc);
    else if (state !== 'new') {
      clearTimeout(this.connectWatch.get(pc));
      this.connectWatch.delete(pc);
    }
    if (state === 'failed' && this.state === 'joined' && this.sig.open) void this.restartMedia(true);
  }

  /**
   * ICE restart on both connections (https://www.rfc-editor.org/rfc/rfc8445#section-9): new
   * credentials, fresh connectivity checks, same tracks. Resolves true once both are connected
   * again within `timeoutMs`.
   */
  async restartIce(timeoutMs = 5000): Promise<boolean> {
    const tasks: Promise<void>[] = [];
    if (this.sendPc) tasks.push(this.sendQueue.push(() => this.negotiateSend(true)));
    if (this.recvPc) tasks.push(this.recvQueue.push(() => this.subscribeOnce(true)));
    await Promise.all(tasks);
    const deadline = Date.now() + timeoutMs;
    const healthy = () => [this.sendPc, this.recvPc].every((pc) => !pc || pc.connectionState === 'connected');
    while (!healthy()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  }

  /**
   * Recover media after a network change: first an ICE restart on the existing connections; if
   * that does not reconnect (or our seat was lost), rebuild both peer connections: the server
   * drops our transports, we republish every local track and subscribe again.
   */
  private restartMedia(serverHasSeat: boolean, tryIceRestart = true): Promise<void> {
    this.restarting ??= (async () => {
      try {
        if (tryIceRestart && serverHasSeat && (this.sendPc || this.recvPc)) {
          const ok = await this.restartIce().catch(() => false);
          if (ok) {
            this.requestSubscribe();
            return;
          }
        }
        this.closeMedia();
        if (serverHasSeat) await this.sig.request('resetMedia', {});
        const tracks = [...this.local.values()];
        this.local.clear();
        for (const l of tracks) {
          await this.publish(l.source, l.track, l.source === 'camera' ? CAMERA_ENCODINGS : undefined, l.height);
          if (l.muted) await this.setMuted(l.source, true);
        }
        this.requestSubscribe();
      } finally {
        this.restarting = null;
      }
    })();
    return this.restarting;
  }

  private closeMedia(): void {
    for (const t of this.connectWatch.values()) clearTimeout(t);
    this.connectWatch.clear();
    this.sendPc?.close();
    this.recvPc?.close();
    this.sendPc = null;
    this.recvPc = null;
    for (const rt of this.remoteTracks.values()) this.emit('trackRemoved', rt);
    this.remoteTracks.clear();
  }

  /** Rebuild both peer connections from scratch (the fallback when an ICE restart is not enough). */
  reconnectMedia(): Promise<void> {
    return this.restartMedia(true, false);
  }

  /** Tell the SFU how big a remote video is drawn (0×0 = hidden); batched. */
  setTileSize(consumerId: string, width: number, height: number): void {
    const w = Math.round(width);
    const h = Math.round(height);
    const prev = this.tileSizes.get(consumerId);
    if (prev && prev.width === w && prev.height === h) return;
    this.tileSizes.set(consumerId, { width: w, height: h });
    this.dirtyTiles.add(consumerId);
    this.tileTimer ??= setTimeout(() => {
      this.tileTimer = null;
      const tiles = [...this.dirtyTiles].flatMap((id) => {
        const s = this.tileSizes.get(id);
        return s && this.remoteTracks.has(id) ? [{ consumerId: id, ...s }] : [];
      });
      this.dirtyTiles.clear();
      if (tiles.length && this.sig.open) void this.sig.request('setViewport', { tiles }).catch(() => undefined);
    }, 150);
  }

  // ---------- chat, hands, host controls ----------

  /** Idempotent: retried with the same client id, so a retry never duplicates. */
  async sendChat(text: string): Promise<ChatMessage> {
    const clientMsgId = randomId();
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const { message } = await this.sig.request('chatSend', { clientMsgId, text });
        this.seenChat.add(message.id);
        return message;
      } catch (err) {
        lastErr = err;
        if (err instanceof ConveneError && err.code !== 'INTERNAL') throw err;
        await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
      }
    }
    throw lastErr;
  }

  async chatHistory(beforeSeq?: number): Promise<ChatMessage[]> {
    const { messages } = await this.sig.request('chatHistory', beforeSeq === undefined ? {} : { beforeSeq });
    for (const m of messages) this.seenChat.add(m.id);
    return messages;
  }

  /** Listener / attendee: ask to speak (hosts see the queue), or withdraw. */
  async requestToSpeak(requested: boolean): Promise<void> {
    await this.sig.request('requestToSpeak', { requested });
  }
  /** Hosts: bring someone on stage (approve) or back to the audience. */
  async setOnStage(participantId: string, onStage: boolean): Promise<void> {
    await this.sig.request('setOnStage', { participantId, onStage });
  }
  async declineToSpeak(participantId: string): Promise<void> {
    await this.sig.request('declineToSpeak', { participantId });
  }
  /** Hosts of a meeting: seminar mode with these panelists, or back to a meeting. */
  async setSeminar(seminar: boolean, panelists: string[] = []): Promise<void> {
    await this.sig.request('setSeminar', { seminar, panelists });
  }
  /** Hosts: remove someone and keep them out of this Space. */
  async blockFromRoom(participantId: string): Promise<void> {
    await this.sig.request('blockFromRoom', { participantId });
  }
  async react(emoji: Reaction): Promise<void> {
    await this.sig.request('react', { emoji });
  }
  /** Hosts (anyone in a call): live captions on in `language`, or off. */
  async setCaptions(enabled: boolean, language = 'en-US'): Promise<void> {
    await this.sig.request('setCaptions', { enabled, language });
  }
  /** Hosts and co-hosts: start or stop recording (everyone sees `room.recording`). */
  async setRecording(recording: boolean): Promise<void> {
    await this.sig.request('setRecording', { recording });
  }
  /** Final caption lines said since captions went on (the latest 200), oldest first: for a late joiner's transcript. */
  async captionHistory(): Promise<CaptionHistoryLine[]> {
    return (await this.sig.request('captionHistory', {})).lines;
  }
  /** Opt out of being captioned (or back in). */
  async setCaptionsOptOut(optOut: boolean): Promise<void> {
    await this.sig.request('setCaptionsOptOut', { optOut });
  }
  /** On stage: may publish (everyone in a meeting; Space speakers; seminar panelists). */
  get onStage(): boolean {
    return this.self?.onStage ?? false;
  }

  async raiseHand(raised: boolean): Promise<void> {
    await this.sig.request('raiseHand', { raised });
  }
  async lowerHandOf(participantId: string): Promise<void> {
    await this.sig.request('raiseHand', { raised: false, participantId });
  }
  async admit(participantId: string): Promise<void> {
    await this.sig.request('admit', { participantId });
  }
  async deny(participantId: string): Promise<void> {
    await this.sig.request('deny', { participantId });
  }
  async lock(locked: boolean): Promise<void> {
    await this.sig.request('lock', { locked });
  }
  async mute(participantId: string, source: Source): Promise<void> {
    await this.sig.request('muteParticipant', { participantId, source });
  }
  async setAllowSelfUnmute(allow: boolean): Promise<void> {
    await this.sig.request('setAllowSelfUnmute', { allow });
  }
  async remove(participantId: string): Promise<void> {
    await this.sig.request('removeParticipant', { participantId });
  }
  async setRole(participantId: string, role: 'cohost' | 'participant'): Promise<void> {
    await this.sig.request('setRole', { participantId, role });
  }
  async spotlight(participantId: string | null): Promise<void> {
    await this.sig.request('spotlight', { participantId });
  }
  async endForAll(): Promise<void> {
    await this.sig.request('endMeeting', {});
  }

  async leave(): Promise<void> {
    if (TERMINAL.has(this.state)) return;
    try {
      if (this.sig.open) await this.sig.request('leave', {});
    } catch {
      // Leaving anyway.
    }
    this.finish('left');
  }

  /** Test hook: drop the signalling socket as a network failure would. */
  simulateSocketDrop(): void {
    (this.sig as unknown as { ws: { close(): void } | null }).ws?.close();
  }

  /** Test hook: the raw signalling client. */
  get signaling(): SignalingClient {
    return this.sig;
  }

  /** The peer connections, for getStats() in apps and tests. */
  get peerConnections(): { send: RTCPeerConnection | null; recv: RTCPeerConnection | null } {
    return { send: this.sendPc, recv: this.recvPc };
  }
}
