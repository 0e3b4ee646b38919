import { MeetingSession, type SessionState } from '@convene/sdk';
import type { Call, CallMedia, UserRef } from '@convene/protocol';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';
import type { InboxStore } from '../inbox/InboxStore.ts';
import { conversationTitle, formatDuration } from '../messages/messageList.ts';
import { Ringtone } from './ringtone.ts';
import { closeRingNotification, showRingNotification } from './systemNotifications.ts';

export interface IncomingRing {
  call: Call;
  caller: UserRef;
  /** The server says I am already in a call or meeting: a quiet banner, not a full ring. */
  waiting: boolean;
}

export type CallPhase = 'starting' | 'ringing' | 'connecting' | 'active' | 'ended';

export interface CurrentCall {
  /** Stable per call attempt (a UI key): the call id is unknown while it starts. */
  key: number;
  conversationId: string;
  media: CallMedia;
  direction: 'outgoing' | 'incoming';
  /** Known once the server created (or we accepted) it. */
  call: Call | null;
  /** Who the call is with: the other person of a DM, or the group's title. */
  title: string;
  session: MeetingSession | null;
  phase: CallPhase;
  /** Shown briefly after the call ended ("No answer.", "Call ended · 3:12"). */
  endText: string;
}

declare global {
  interface Window {
    /** Test hook for end-to-end tests: this tab's inbox and calls. */
    __conveneInbox?: { store: InboxStore; calls: CallController };
  }
}

const ENDED_SCREEN_MS = 2500;
const TERMINAL: ReadonlySet<SessionState> = new Set(['left', 'removed', 'ended', 'denied']);

/**
 * This tab's calls: incoming rings (with sound and, in the background, a system notification),
 * the one call I am in (its MeetingSession), and the transitions between them. Media runs in an
 * ordinary meeting room: the caller joins right after starting the call, a callee after accepting.
 */
export class CallController {
  rings: IncomingRing[] = [];
  current: CurrentCall | null = null;
  error = '';
  readonly ringtone = new Ringtone();
  private readonly listeners = new Set<() => void>();
  private readonly offs: (() => void)[] = [];
  private endTimer: ReturnType<typeof setTimeout> | null = null;
  private keys = 0;

  constructor(
    private readonly store: InboxStore,
    private readonly me: UserRef,
  ) {
    this.ringtone.onBlockedChange = () => queueMicrotask(() => this.notify());
  }

  /** Listen to the store's InboxClient (call again after it connects). */
  bind(): void {
    const client = this.store.client;
    if (!client || this.offs.length) return;
    this.offs.push(
      client.on('ring', (call, caller, waiting) => this.onRing(call, caller, waiting)),
      client.on('ringStop', (callId) => this.dropRing(callId)),
      client.on('call', (call) => this.onCall(call)),
    );
  }

  // ---------- actions ----------

  async start(conversationId: string, media: CallMedia): Promise<void> {
    const client = this.store.client;
    if (!client) return this.fail(t('offline'));
    if (this.current && this.current.phase !== 'ended') return this.fail(t('callInProgress'));
    this.clearEnded();
    const conv = this.store.conversations.get(conversationId);
    const cur: CurrentCall = {
      key: ++this.keys,
      conversationId,
      media,
      direction: 'outgoing',
      call: null,
      title: conv ? conversationTitle(conv, this.me.id) : '',
      session: null,
      phase: 'starting',
      endText: '',
    };
    this.current = cur;
    this.error = '';
    this.changed();
    try {
      const call = await client.startCall(conversationId, media);
      if (this.current !== cur) return;
      cur.call = call;
      // Someone else already started one here: this is joining it, not ringing anyone.
      cur.phase = call.state === 'ringing' && call.startedBy.id === this.me.id ? 'ringing' : 'connecting';
      if (call.startedBy.id !== this.me.id) await client.acceptCall(call.id);
      this.changed();
      await this.joinRoom(cur);
    } catch (err) {
      if (this.current === cur) {
        this.current = null;
        this.fail(errorText(err));
      }
    }
  }

  /** Answer a ring (ending the call I am in first, for call waiting), or join a call in progress. */
  async accept(call: Call): Promise<void> {
    const client = this.store.client;
    if (!client) return this.fail(t('offline'));
    this.rings = this.rings.filter((r) => r.call.id !== call.id);
    void closeRingNotification(call.id);
    if (this.current && this.current.phase !== 'ended') await this.hangUp();
    this.clearEnded();
    const conv = this.store.conversations.get(call.conversationId);
    const cur: CurrentCall = {
      key: ++this.keys,
      conversationId: call.conversationId,
      media: call.media,
      direction: 'incoming',
      call,
      title: conv ? conversationTitle(conv, this.me.id) : call.startedBy.displayName,
      session: null,
      phase: 'connecting',
      endText: '',
    };
    this.current = cur;
    this.error = '';
    this.changed();
    try {
      cur.call = await client.acceptCall(call.id);
      if (this.current !== cur) return;
      await this.joinRoom(cur);
    } catch (err) {
      if (this.current === cur) {
        this.current = null;
        this.fail(errorText(err));
      }
    }
  }

  async decline(callId: string): Promise<void> {
    this.dropRing(callId);
    await this.store.client?.declineCall(callId).catch(() => undefined);
  }

  /** Hang up (or cancel while it still rings). A 1:1 call ends for both. */
  async hangUp(): Promise<void> {
    const cur = this.current;
    if (!cur || cur.phase === 'ended') return;
    const callId = cur.call?.id;
    if (callId && cur.direction === 'outgoing' && cur.phase === 'ringing') await this.store.client?.cancelCall(callId).catch(() => undefined);
    await cur.session?.leave();
    this.finish(cur, cur.phase === 'active' ? this.durationText(cur.call) : t('callEnded'));
  }

  /** Ring one more person into this call (a 1:1 call becomes a group call). */
  async invite(handle: string): Promise<void> {
    const callId = this.current?.call?.id;
    const client = this.store.client;
    if (!callId || !client) throw new Error(t('errNotConnected'));
    await client.inviteToCall(callId, handle.trim().replace(/^@/, ''));
  }

  /** Turn this call into a meeting anyone with the link can join; nobody reconnects. */
  async toMeeting(): Promise<string> {
    const callId = this.current?.call?.id;
    const client = this.store.client;
    if (!callId || !client) throw new Error(t('errNotConnected'));
    return client.callToMeeting(callId);
  }

  dismissError(): void {
    this.error = '';
    this.changed();
  }

  // ---------- events ----------

  private onRing(call: Call, caller: UserRef, waiting: boolean): void {
    if (this.current?.call?.id === call.id) return;
    this.rings = [...this.rings.filter((r) => r.call.id !== call.id), { call, caller, waiting }];
    void showRingNotification(call, caller).catch(() => undefined);
    this.changed();
  }

  private dropRing(callId: string): void {
    void closeRingNotification(callId).catch(() => undefined);
    const before = this.rings.length;
    this.rings = this.rings.filter((r) => r.call.id !== callId);
    if (this.rings.length !== before) this.changed();
  }

  private onCall(call: Call): void {
    if (call.state === 'ended') this.dropRing(call.id);
    const cur = this.current;
    if (!cur || cur.call?.id !== call.id || cur.phase === 'ended') return;
    cur.call = call;
    if (call.state === 'active' && cur.phase === 'ringing' && call.answeredAt) cur.phase = cur.session ? 'active' : 'connecting';
    if (call.state === 'ended') {
      void cur.session?.leave();
      this.finish(cur, this.outcomeText(call, cur));
      return;
    }
    this.changed();
  }

  private async joinRoom(cur: CurrentCall): Promise<void> {
    const call = cur.call!;
    const session = await MeetingSession.join({ baseUrl: location.origin, meetingId: call.meetingId });
    if (this.current !== cur || cur.phase === 'ended') {
      await session.leave();
      return;
    }
    cur.session = session;
    window.__convene = { session };
    if (cur.phase === 'connecting' || (cur.phase === 'ringing' && cur.call?.answeredAt)) cur.phase = 'active';
    session.on('state', (s) => {
      if (TERMINAL.has(s) && this.current === cur && cur.phase !== 'ended') this.finish(cur, s === 'ended' ? this.durationText(cur.call) : t('callEnded'));
      else this.changed();
    });
    // The other side may already be here (callee) or arrive later (caller).
    session.on('participantsJoined', () => {
      if (cur.phase === 'ringing') {
        cur.phase = 'active';
        this.changed();
      }
    });
    this.changed();
  }

  private finish(cur: CurrentCall, text: string): void {
    if (cur.phase === 'ended') return;
    cur.phase = 'ended';
    cur.endText = text;
    this.changed();
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = setTimeout(() => {
      if (this.current === cur) {
        this.current = null;
        this.changed();
      }
    }, ENDED_SCREEN_MS);
  }

  private clearEnded(): void {
    if (this.current?.phase === 'ended') this.current = null;
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = null;
  }

  private outcomeText(call: Call, cur: CurrentCall): string {
    switch (call.outcome) {
      case 'declined':
        return t('callDeclinedByThem', { name: cur.title });
      case 'missed':
        return t('callNoAnswer');
      case 'cancelled':
        return t('callCancelledText');
      case 'completed':
      case null:
        return this.durationText(call);
    }
  }

  private durationText(call: Call | null): string {
    if (!call?.answeredAt) return t('callEnded');
    const end = call.endedAt ? Date.parse(call.endedAt) : Date.now();
    return t('callEndedAfter', { duration: formatDuration((end - Date.parse(call.answeredAt)) / 1000) });
  }

  private fail(text: string): void {
    this.error = text;
    this.changed();
  }

  // ---------- sound and subscribers ----------

  private updateSound(): void {
    const cur = this.current && this.current.phase !== 'ended' ? this.current : null;
    if (cur?.direction === 'outgoing' && cur.phase === 'ringing') this.ringtone.play('ringback');
    else if (this.rings.length > 0 && !cur && this.rings.some((r) => !r.waiting)) this.ringtone.play('ring');
    else if (this.rings.length > 0) this.ringtone.play('waiting');
    else this.ringtone.stop();
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    this.updateSound();
    this.notify();
  }

  private notify(): void {
    for (const fn of [...this.listeners]) fn();
  }

  close(): void {
    for (const off of this.offs) off();
    this.offs.length = 0;
    void this.current?.session?.leave();
    this.ringtone.dispose();
    if (this.endTimer) clearTimeout(this.endTimer);
    this.listeners.clear();
  }
}
