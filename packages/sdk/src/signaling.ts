import {
  ConveneError,
  requestSchemas,
  serverFrameSchema,
  type Method,
  type Notification,
  type RequestData,
  type RequestResult,
} from '@convene/protocol';
import { TypedEmitter } from './emitter.ts';
import type { LogSink } from './types.ts';

/** The subset of the WebSocket API the SDK uses (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

type SignalingEvents = {
  notification: [Notification];
  /** The socket closed; `code` as given by the server (4003 removed/denied, 4010 ended). */
  close: [number, string];
};

const REQUEST_TIMEOUT_MS = 15_000;

/** Request/response over one WebSocket, with ids and per-request timeouts. */
export class SignalingClient extends TypedEmitter<SignalingEvents> {
  private ws: WebSocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly url: string,
    private readonly factory: WebSocketFactory,
    private readonly log: LogSink,
  ) {
    super();
  }

  get open(): boolean {
    return this.ws !== null && this.ws.readyState === 1;
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = this.factory(this.url);
      this.ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        resolve();
      };
      ws.onerror = () => {
        if (!opened) reject(new ConveneError('INTERNAL', 'signalling connection failed'));
      };
      ws.onclose = (ev) => {
        if (this.ws !== ws) return;
        this.ws = null;
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new ConveneError('INTERNAL', 'signalling connection closed'));
          this.pending.delete(id);
        }
        if (!opened) reject(new ConveneError('INTERNAL', `signalling connection refused (${ev.code})`));
        this.emit('close', ev.code, ev.reason);
      };
      ws.onmessage = (ev) => this.onMessage(String(ev.data));
    });
  }

  private onMessage(text: string): void {
    let frame;
    try {
      frame = serverFrameSchema.parse(JSON.parse(text));
    } catch (err) {
      this.log('warn', 'bad frame from server', { err: String(err) });
      return;
    }
    if (frame.kind === 'notification') {
      const { kind: _k, ...n } = frame;
      this.emit('notification', n as Notification);
      return;
    }
    if (frame.id === null) {
      if (!frame.ok) this.log('warn', 'server rejected a frame', { error: frame.error });
      return;
    }
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    clearTimeout(p.timer);
    if (frame.ok) p.resolve(frame.data);
    else p.reject(new ConveneError(frame.error.code, frame.error.message, frame.error.retryAfterMs === undefined ? undefined : { retryAfterMs: frame.error.retryAfterMs }));
  }

  async request<M extends Method>(method: M, data: RequestData<M>): Promise<RequestResult<M>> {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) throw new ConveneError('INTERNAL', 'not connected');
    const id = this.nextId++;
    const raw = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ConveneError('INTERNAL', `${method} timed out`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ kind: 'request', id, method, data }));
    });
    return requestSchemas[method].result.parse(raw) as RequestResult<M>;
  }

  /** Send raw text (tests of the server's input validation). */
  sendRaw(text: string): void {
    this.ws?.send(text);
  }

  close(): void {
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'bye');
  }
}
