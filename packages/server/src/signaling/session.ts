import type { WebSocket } from 'ws';
import {
  ConveneError,
  METHODS,
  requestEnvelopeSchema,
  requestSchemas,
  type Method,
  type Notification,
  type ServerFrame,
} from '@convene/protocol';
import type { CallManager } from '../calls/CallManager.ts';
import type { UserHub } from '../inbox/UserHub.ts';
import type { Member, ClientLink } from '../rooms/Member.ts';
import type { Room } from '../rooms/Room.ts';
import type { LiveRooms } from '../rooms/RoomRegistry.ts';
import type { Services, UserRecord } from '../services.ts';
import type { SfuPool } from '../sfu/SfuPool.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { handlers } from './handlers.ts';
import { TokenBucket } from './TokenBucket.ts';

export interface SignalingContext {
  services: Services;
  calls: CallManager;
  hub: UserHub;
  rooms: LiveRooms;
  pool: SfuPool;
  metrics: Metrics;
  log: Logger;
}

const METHOD_SET = new Set<string>(METHODS);
const MAX_QUEUED = 200;

/** One signalling WebSocket: validates every frame, dispatches, answers with stable error codes. */
export class SignalingSession {
  room: Room | null = null;
  member: Member | null = null;
  /** Set once this connection is one of the user's devices (inboxAttach). */
  deviceId: string | null = null;
  readonly link: ClientLink;
  private readonly bucket = new TokenBucket(100, 50);
  /** Requests of one connection run one at a time, in arrival order (like LiveKit's signal loop). */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly log: Logger;

  constructor(
    private readonly socket: WebSocket,
    readonly user: UserRecord,
    readonly clientKey: string,
    private readonly ctx: SignalingContext,
  ) {
    this.log = ctx.log.child({ user: user.handle });
    this.link = {
      send: (n: Notification) => this.sendFrame({ kind: 'notification', ...n }),
      close: (code, reason) => socket.close(code, reason),
    };
    socket.on('message', (raw, isBinary) => {
      // A client that floods faster than we answer is cut off rather than queued without bound.
      if (++this.queued > MAX_QUEUED) {
        this.log.warn('signalling queue overflow, closing');
        socket.close(1008, 'too many requests');
        return;
      }
      this.queue = this.queue.then(() => this.onFrame(raw as Buffer, isBinary)).finally(() => {
        this.queued--;
      });
    });
    socket.on('close', () => this.onClose());
    socket.on('error', (err) => this.log.warn({ err }, 'socket error'));
  }

  private sendFrame(f: ServerFrame): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(f));
  }

  private reject(id: number | null, err: ConveneError): void {
    this.ctx.metrics.badFrames.inc({ code: err.code });
    this.sendFrame({ kind: 'response', id, ok: false, error: err.toBody() });
  }

  private async onFrame(raw: Buffer, isBinary: boolean): Promise<void> {
    const limited = !this.bucket.take();
    if (isBinary) return this.reject(null, new ConveneError('BAD_REQUEST', 'binary frames are not accepted'));
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      this.log.warn('malformed frame: not JSON');
      return this.reject(null, new ConveneError('BAD_REQUEST', 'frame is not valid JSON'));
    }
    const env = requestEnvelopeSchema.safeParse(json);
    if (!env.success) {
      this.log.warn({ issues: env.error.issues.map((i) => i.path.join('.')) }, 'malformed frame: bad envelope');
      const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : null;
      return this.reject(id, new ConveneError('BAD_REQUEST', 'frame must be {kind:"request", id, method, data}'));
    }
    const { id, method } = env.data;
    if (limited) return this.reject(id, new ConveneError('RATE_LIMITED', 'too many messages', { retryAfterMs: 1000 }));
    if (!METHOD_SET.has(method)) {
      this.log.warn({ method: method.slice(0, 64) }, 'unknown method');
      return this.reject(id, new ConveneError('UNKNOWN_METHOD', `unknown method "${method.slice(0, 64)}"`));
    }
    const m = method as Method;
    const data = requestSchemas[m].data.safeParse(env.data.data ?? {});
    if (!data.success) {
      const where = data.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
      this.log.warn({ method: m, where }, 'invalid request data');
      return this.reject(id, new ConveneError('BAD_REQUEST', `invalid ${m}: ${where}`.slice(0, 500)));
    }
    try {
      const handler = handlers[m] as (s: SignalingSession, d: unknown, c: SignalingContext) => Promise<unknown>;
      const result = await handler(this, data.data, this.ctx);
      this.sendFrame({ kind: 'response', id, ok: true, data: result });
    } catch (err) {
      if (err instanceof ConveneError) {
        if (err.code === 'INTERNAL' || err.code === 'NEGOTIATION_FAILED') this.log.warn({ err, method: m }, 'request failed');
        return this.reject(id, err);
      }
      this.log.error({ err, method: m }, 'handler crashed');
      this.reject(id, new ConveneError('INTERNAL', 'internal error'));
    }
  }

  private onClose(): void {
    this.ctx.metrics.wsConnections.dec();
    if (this.deviceId) this.ctx.hub.detach(this.user.id, this.deviceId);
    if (this.room && this.member) this.room.detach(this.member, this.link);
  }
}
