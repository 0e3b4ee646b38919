import { MessageChannel, Worker } from 'node:worker_threads';
import { ConveneError } from '@convene/protocol';
import type { Logger } from '../telemetry/logger.ts';
import type { TransportNetworkOptions } from './codecs.ts';
import { SafeEmitter } from './events.ts';
import type { FromWorker, WorkerCalls, WorkerEvent, WorkerMethod, WorkerStats } from './worker/messages.ts';

interface Channel {
  call<M extends WorkerMethod>(method: M, args: WorkerCalls[M]['args'], transfer?: Transferable[]): Promise<WorkerCalls[M]['result']>;
  close(): Promise<void>;
  routers: number;
  dead: boolean;
}

const MIN_PORTS_PER_WORKER = 32;

type PoolEvents = { event: [WorkerEvent]; routerslost: [string[]] };

/**
 * The media plane of one node: N media workers (worker threads, like mediasoup workers), each
 * hosting whole routers, so a node uses every core. Rooms go to the worker with the fewest routers.
 */
export class SfuPool extends SafeEmitter<PoolEvents> {
  private readonly channels: Channel[] = [];
  private readonly routerChannel = new Map<string, Channel>();

  constructor(
    workers: number,
    net: TransportNetworkOptions,
    private readonly log: Logger,
    /**
     * V8's young generation per media worker, MB (0 = V8's default, 48 MB here). With the default,
     * the worker's old generation (≈ 28 MB) sat closer to its limit than the young generation's
     * size, which is V8's cue to start incremental marking: the worker then ran a full
     * (mark-compact) collection about every second instead of scavenges (`--trace-gc`).
     * At 12 MB it scavenges every ≈ 0.45 s for ≈ 1 ms (docs/benchmarks.md).
     */
    private readonly youngGenerationMb = 0,
  ) {
    super();
    const n = Math.max(1, workers);
    const [lo, hi] = net.portRange;
    const span = Math.floor((hi - lo + 1) / n);
    if (span < MIN_PORTS_PER_WORKER) {
      throw new Error(`RTC port range ${lo}-${hi} is too small for ${n} media workers (need ${MIN_PORTS_PER_WORKER} each)`);
    }
    for (let i = 0; i < n; i++) {
      // Disjoint UDP port ranges per worker so workers never race for a port.
      const range: [number, number] = [lo + i * span, i === n - 1 ? hi : lo + (i + 1) * span - 1];
      const wnet = { ...net, portRange: range };
      this.channels.push(this.thread(i, wnet));
    }
  }

  private thread(index: number, net: TransportNetworkOptions): Channel {
    const url = new URL('./worker/bootstrap.mjs', import.meta.url);
    // Loader flags stay out (bootstrap.mjs registers tsx); profiling flags pass through.
    const execArgv = process.execArgv.filter((a) => a.startsWith('--cpu-prof'));
    const young = this.youngGenerationMb;
    const worker = new Worker(url, { workerData: { net }, execArgv, name: `media-${index}`, ...(young > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: young } } : {}) });
    worker.unref();
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    let nextId = 1;
    let closing = false;
    worker.on('message', (msg: FromWorker) => {
      if (msg.kind === 'event') {
        this.safeEmit('event', msg.payload);
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new ConveneError(msg.error.code, msg.error.message));
    });
    const fail = (err: Error) => {
      if (channel.dead) return;
      channel.dead = true;
      for (const p of pending.values()) p.reject(new ConveneError('INTERNAL', 'media worker stopped', { cause: err }));
      pending.clear();
      if (!closing) this.replace(index, channel, net);
    };
    worker.on('error', (err) => {
      this.log.error({ err, worker: index }, 'media worker crashed');
      fail(err);
    });
    worker.on('exit', (code) => fail(new Error(`media worker exited with ${code}`)));
    const channel: Channel = {
      routers: 0,
      dead: false,
      call: (method, args, transfer) =>
        new Promise((resolve, reject) => {
          if (channel.dead) return reject(new ConveneError('INTERNAL', 'media worker unavailable'));
          const id = nextId++;
          pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
          worker.postMessage({ id, method, args }, transfer as never);
        }),
      close: async () => {
        closing = true;
        if (channel.dead) return;
        const exited = new Promise((r) => worker.once('exit', r));
        worker.postMessage('shutdown');
        const timer = setTimeout(() => void worker.terminate(), 2000);
        await exited;
        clearTimeout(timer);
      },
    };
    return channel;
  }

  /** A worker died: start a fresh one in its slot and report the routers that were on it. */
  private replace(index: number, dead: Channel, net: TransportNetworkOptions): void {
    const lost = [...this.routerChannel].filter(([, ch]) => ch === dead).map(([id]) => id);
    for (const id of lost) this.routerChannel.delete(id);
    this.log.error({ worker: index, routers: lost.length }, 'media worker died; starting a new one');
    this.channels[index] = this.thread(index, net);
    if (lost.length) this.safeEmit('routerslost', lost);
  }

  get workerCount(): number {
    return this.channels.length;
  }

  /** Place a router on the least-loaded live worker, preferring workers that host none of `avoid`. */
  async createRouter(routerId: string, avoid: readonly string[] = []): Promise<void> {
    if (this.routerChannel.has(routerId)) return;
    const live = this.channels.filter((c) => !c.dead);
    if (live.length === 0) throw new ConveneError('INTERNAL', 'no media worker available');
    const taken = new Set(avoid.map((id) => this.routerChannel.get(id)));
    const free = live.filter((c) => !taken.has(c));
    const ch = (free.length ? free : live).reduce((a, b) => (b.routers < a.routers ? b : a));
    ch.routers++;
    this.routerChannel.set(routerId, ch);
    try {
      await ch.call('createRouter', { routerId });
    } catch (err) {
      ch.routers--;
      this.routerChannel.delete(routerId);
      throw err;
    }
  }

  /** Join two routers (normally on different workers) with a pipe for each other's producers. */
  async connectPipe(a: string, b: string): Promise<void> {
    const ca = this.routerChannel.get(a);
    const cb = this.routerChannel.get(b);
    if (!ca || !cb) throw new ConveneError('NOT_FOUND', 'no such router');
    const { port1, port2 } = new MessageChannel();
    await Promise.all([
      ca.call('connectPipe', { routerId: a, remoteRouterId: b, port: port1 }, [port1]),
      cb.call('connectPipe', { routerId: b, remoteRouterId: a, port: port2 }, [port2]),
    ]);
  }

  /** Media workers hosting at least one router. */
  workerOf(routerId: string): number {
    const ch = this.routerChannel.get(routerId);
    return ch ? this.channels.indexOf(ch) : -1;
  }

  async closeRouter(routerId: string): Promise<void> {
    const ch = this.routerChannel.get(routerId);
    if (!ch) return;
    this.routerChannel.delete(routerId);
    ch.routers--;
    await ch.call('closeRouter', { routerId });
  }

  /** Call into the worker that hosts `routerId`. */
  call<M extends Exclude<WorkerMethod, 'createRouter' | 'closeRouter' | 'stats'>>(
    method: M,
    args: WorkerCalls[M]['args'] & { routerId: string },
  ): Promise<WorkerCalls[M]['result']> {
    const ch = this.routerChannel.get(args.routerId);
    if (!ch) return Promise.reject(new ConveneError('NOT_FOUND', 'room has no media router'));
    return ch.call(method, args);
  }

  async stats(): Promise<WorkerStats[]> {
    return Promise.all(this.channels.map((c) => c.call('stats', {})));
  }

  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.close()));
    this.routerChannel.clear();
    this.removeAllListeners();
  }
}
