import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import { resourceLimits } from 'node:worker_threads';
import { ConveneError } from '@convene/protocol';
import type { TransportNetworkOptions } from '../codecs.ts';
import { newCounters } from '../counters.ts';
import { Router } from '../Router.ts';
import type { WorkerCalls, WorkerEvent, WorkerMethod, WorkerStats } from './messages.ts';

/**
 * Everything a media worker runs: its routers, and the dispatch of calls from the main thread.
 * One per media worker thread (see entry.ts).
 */
export class WorkerHost {
  private readonly routers = new Map<string, Router>();
  private readonly counters = newCounters();
  private elu = performance.eventLoopUtilization();
  /** Full (mark-compact) collections of this thread since it started. */
  private majorGcs = 0;
  private readonly gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.majorGcs++;
  });

  constructor(
    private readonly net: TransportNetworkOptions,
    private readonly emit: (e: WorkerEvent) => void,
  ) {
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  private router(id: string): Router {
    const r = this.routers.get(id);
    if (!r) throw new ConveneError('NOT_FOUND', 'no such router');
    return r;
  }

  async handle<M extends WorkerMethod>(method: M, args: WorkerCalls[M]['args']): Promise<WorkerCalls[M]['result']> {
    // Each case narrows `args` to its method's shape (the message was built by SfuPool from typed calls).
    const a = args as { routerId: string; peerId: string };
    switch (method) {
      case 'createRouter':
        return this.createRouter(a.routerId) as never;
      case 'closeRouter': {
        const r = this.routers.get(a.routerId);
        if (r) {
          this.routers.delete(a.routerId);
          r.close();
        }
        return undefined as never;
      }
      case 'createPeer':
        this.router(a.routerId).createPeer(a.peerId);
        return undefined as never;
      case 'connectPipe': {
        const x = args as WorkerCalls['connectPipe']['args'];
        this.router(x.routerId).connectPipe(x.remoteRouterId, x.port);
        return undefined as never;
      }
      case 'closePeer':
        this.routers.get(a.routerId)?.closePeer(a.peerId);
        return undefined as never;
      case 'resetTransports':
        this.router(a.routerId).peer(a.peerId).resetTransports();
        return undefined as never;
      case 'closeProducers':
        this.routers.get(a.routerId)?.peers.get(a.peerId)?.closeProducers();
        return undefined as never;
      case 'publish': {
        const x = args as WorkerCalls['publish']['args'];
        return { sdp: await this.router(x.routerId).peer(x.peerId).publish(x.sdp, x.tracks) } as never;
      }
      case 'subscribe': {
        const x = args as WorkerCalls['subscribe']['args'];
        return (await this.router(x.routerId).peer(x.peerId).subscribe(x.iceRestart)) as never;
      }
      case 'subscribeAnswer': {
        const x = args as WorkerCalls['subscribeAnswer']['args'];
        await this.router(x.routerId).peer(x.peerId).subscribeAnswer(x.sdp);
        return undefined as never;
      }
      case 'setSourcePaused': {
        const x = args as WorkerCalls['setSourcePaused']['args'];
        this.router(x.routerId).setSourcePaused(x.peerId, x.source, x.paused);
        return undefined as never;
      }
      case 'setViewport': {
        const x = args as WorkerCalls['setViewport']['args'];
        this.router(x.routerId).peer(x.peerId).setViewport(x.tiles);
        return undefined as never;
      }
      case 'startCaptionTap':
        this.router(a.routerId).startCaptionTap();
        return undefined as never;
      case 'stopCaptionTap':
        this.routers.get(a.routerId)?.stopCaptionTap();
        return undefined as never;
      case 'startAudioEgress': {
        const x = args as WorkerCalls['startAudioEgress']['args'];
        this.router(x.routerId).startAudioEgress(x.name ?? 'hls', x.host, x.ports, x.videoPort, { filler: x.videoFiller ?? false, maxHeight: x.videoMaxHeight });
        return undefined as never;
      }
      case 'stopAudioEgress': {
        const x = args as WorkerCalls['stopAudioEgress']['args'];
        this.routers.get(x.routerId)?.stopAudioEgress(x.name ?? 'hls');
        return undefined as never;
      }
      case 'audioEgressState': {
        const x = args as WorkerCalls['audioEgressState']['args'];
        return (this.routers.get(x.routerId)?.audioEgressState(x.name ?? 'hls') ?? null) as never;
      }
      case 'startViewerMedia':
        return (await this.router(a.routerId).startViewerMedia()) as never;
      case 'view': {
        const x = args as WorkerCalls['view']['args'];
        return { sdp: await this.router(x.routerId).view(x.peerId, x.sdp) } as never;
      }
      case 'stats':
        return this.stats() as never;
      default: {
        const never: never = method;
        throw new ConveneError('BAD_REQUEST', `unknown worker method ${String(never)}`);
      }
    }
  }

  private createRouter(routerId: string): void {
    if (this.routers.has(routerId)) return;
    const r = new Router(routerId, this.net, this.counters);
    r.on('produceradded', (peerId, p) =>
      this.emit({ event: 'produceradded', routerId, peerId, producerId: p.id, kind: p.kind, source: p.source }),
    );
    r.on('producerclosed', (peerId, p) => this.emit({ event: 'producerclosed', routerId, peerId, producerId: p.id, source: p.source }));
    r.on('activespeaker', (peerId) => this.emit({ event: 'activespeaker', routerId, peerId }));
    r.on('audiopacket', (peerId, payload) => this.emit({ event: 'audiopacket', routerId, peerId, payload }));
    r.on('quality', (peerId, score) => this.emit({ event: 'quality', routerId, peerId, score }));
    r.on('remoteproducer', () => this.emit({ event: 'remoteproducer', routerId }));
    r.on('transportstate', (peerId, direction, state) => this.emit({ event: 'transportstate', routerId, peerId, direction, state }));
    this.routers.set(routerId, r);
  }

  stats(): WorkerStats {
    let peers = 0;
    let producers = 0;
    let consumers = 0;
    for (const r of this.routers.values()) {
      for (const p of r.peers.values()) {
        peers++;
        producers += p.producers.size;
        consumers += p.consumers.size;
      }
    }
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.elu);
    this.elu = now;
    return {
      routers: this.routers.size,
      peers,
      producers,
      consumers,
      ...this.counters,
      eventLoopUtilization: delta.utilization,
      majorGcs: this.majorGcs,
      youngGenerationMb: resourceLimits.maxYoungGenerationSizeMb ?? 0,
    };
  }

  close(): void {
    this.gcObserver.disconnect();
    for (const r of this.routers.values()) r.close();
    this.routers.clear();
  }
}
