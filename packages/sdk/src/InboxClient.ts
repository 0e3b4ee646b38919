import type { Call, CallMedia, Conversation, Message, NotificationData, UserRef } from '@convene/protocol';
import { TypedEmitter } from './emitter.ts';
import { SignalingClient, type WebSocketFactory } from './signaling.ts';
import type { LogSink } from './types.ts';

export interface InboxOptions {
  baseUrl: string;
  /** Node: e.g. `(url) => new WebSocket(url, { headers: { authorization: 'Bearer …' } })` from `ws`. */
  createWebSocket?: WebSocketFactory;
  log?: LogSink;
  /** Reconnect after a dropped socket (default true). */
  reconnect?: boolean;
}

export type InboxEvents = {
  message: [Message];
  conversation: [Conversation];
  read: [string, number];
  /** Incoming call: `waiting` when I am already in a call (show call-waiting, not a full ring). */
  ring: [Call, UserRef, boolean];
  ringStop: [string, NotificationData<'callRingStop'>['reason']];
  call: [Call];
  /** Connected (again): refetch anything that may have been missed. */
  connected: [];
  disconnected: [];
};

const quiet: LogSink = (level, msg, data) => {
  if (level === 'error') console.error(`[convene] ${msg}`, data ?? '');
};

/**
 * One device's inbox connection: receives messages, read markers, conversation changes and
 * incoming calls in real time, and places, answers and declines calls. Media for a call runs in
 * a MeetingSession joined with the call's `meetingId`.
 */
export class InboxClient extends TypedEmitter<InboxEvents> {
  deviceId: string | null = null;
  private sig: SignalingClient;
  private closed = false;
  private retryMs = 500;

  private constructor(private readonly opts: InboxOptions) {
    super();
    this.sig = this.makeSignaling();
  }

  static async connect(opts: InboxOptions): Promise<InboxClient> {
    const c = new InboxClient(opts);
    await c.open();
    return c;
  }

  private makeSignaling(): SignalingClient {
    const log = this.opts.log ?? quiet;
    const factory: WebSocketFactory = this.opts.createWebSocket ?? ((url) => new WebSocket(url) as unknown as ReturnType<WebSocketFactory>);
    const sig = new SignalingClient(`${this.opts.baseUrl.replace(/^http/, 'ws')}/ws`, factory, log);
    sig.on('notification', (n) => {
      switch (n.method) {
        case 'message':
          return this.emit('message', n.data.message);
        case 'conversationChanged':
          return this.emit('conversation', n.data.conversation);
        case 'readMarker':
          return this.emit('read', n.data.conversationId, n.data.seq);
        case 'callRing':
          return this.emit('ring', n.data.call, n.data.caller, n.data.waiting);
        case 'callRingStop':
          return this.emit('ringStop', n.data.callId, n.data.reason);
        case 'callUpdated':
          return this.emit('call', n.data.call);
        default:
          return;
      }
    });
    sig.on('close', () => {
      this.deviceId = null;
      this.emit('disconnected');
      if (!this.closed && this.opts.reconnect !== false) this.scheduleReconnect();
    });
    return sig;
  }

  private async open(): Promise<void> {
    await this.sig.connect();
    this.deviceId = (await this.sig.request('inboxAttach', {})).deviceId;
    this.retryMs = 500;
    this.emit('connected');
  }

  private scheduleReconnect(): void {
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 15_000);
    setTimeout(() => {
      if (this.closed) return;
      this.sig = this.makeSignaling();
      this.open().catch(() => this.scheduleReconnect());
    }, wait);
  }

  get connected(): boolean {
    return this.sig.open && this.deviceId !== null;
  }

  async startCall(conversationId: string, media: CallMedia): Promise<Call> {
    return (await this.sig.request('callStart', { conversationId, media })).call;
  }
  /** Stops this user's other devices ringing. Then join `call.meetingId` with a MeetingSession. */
  async acceptCall(callId: string): Promise<Call> {
    return (await this.sig.request('callAccept', { callId })).call;
  }
  async declineCall(callId: string): Promise<void> {
    await this.sig.request('callDecline', { callId });
  }
  async cancelCall(callId: string): Promise<void> {
    await this.sig.request('callCancel', { callId });
  }
  async inviteToCall(callId: string, handle: string): Promise<void> {
    await this.sig.request('callInvite', { callId, handle });
  }
  /** Turn a call into a meeting; returns the link to share. */
  async callToMeeting(callId: string): Promise<string> {
    return (await this.sig.request('callToMeeting', { callId })).link;
  }

  close(): void {
    this.closed = true;
    this.sig.close();
  }
}
