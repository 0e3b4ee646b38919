import type { RtpPacket } from 'werift';
import type { Source } from '@convene/protocol';
import type { Consumer } from './Consumer.ts';
import type { MediaCounters } from './counters.ts';
import { SafeEmitter } from './events.ts';
import type { LayerInfo } from './layers.ts';
import type { VideoCodec } from './codecs.ts';

/** Simulcast rids, low → high, as the SDK publishes them (scaleResolutionDownBy 4, 2, 1). */
export const SIMULCAST_RIDS = ['q', 'h', 'f'] as const;
const RID_SCALE = [4, 2, 1];

/** Keep at most this many packets of the current low-layer GOP for instant first frames. */
const GOP_CACHE_MAX = 150;

export interface Layer {
  /** 0–2 for q/h/f; 0 for a stream without simulcast. */
  rank: number;
  ssrc: number;
  height: number;
  bytes: number;
  packets: number;
  bitrate: number;
  active: boolean;
  lastPliAt: number;
  /** Packets since the last key frame (lowest layer only), or null when unknown/too long. */
  gop: RtpPacket[] | null;
}

/** Receives every packet a source delivers (a pipe to another worker's router). */
export interface PacketTap {
  packet(source: MediaSource, rank: number, rtp: RtpPacket, key: boolean, level: number): void;
}

export interface MediaSourceOptions {
  id: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: Source;
  /** Top-layer height (for layer selection). */
  height: number | undefined;
  /** Video codec (default VP8). */
  codec?: VideoCodec;
  onAudioLevel: (peerId: string, level: number) => void;
  stats: MediaCounters;
}

type SourceEvents = { close: [] };

/**
 * One published track as a router sees it, whatever feeds it: layer bookkeeping, the low-layer
 * GOP cache, and fan-out to local consumers and pipes. `Producer` is fed by a werift transceiver,
 * `PipeProducer` by another worker's router.
 */
export abstract class MediaSource extends SafeEmitter<SourceEvents> {
  readonly id: string;
  readonly peerId: string;
  readonly kind: 'audio' | 'video';
  readonly source: Source;
  readonly height: number | undefined;
  /** The video codec (VP8 unless an H.264-only publisher, e.g. OBS over WHIP). */
  readonly codec: VideoCodec;
  readonly layers: Layer[] = [];
  readonly consumers = new Set<Consumer>();
  readonly taps = new Set<PacketTap>();
  paused = false;
  closed = false;
  protected readonly opts: MediaSourceOptions;
  private lastMeasureAt = Date.now();

  constructor(opts: MediaSourceOptions) {
    super();
    this.opts = opts;
    this.id = opts.id;
    this.peerId = opts.peerId;
    this.kind = opts.kind;
    this.source = opts.source;
    this.height = opts.height;
    this.codec = opts.codec ?? 'vp8';
  }

  abstract requestKeyFrame(index: number): void;

  /** The layer for a rid rank, created on first use and kept sorted low → high. */
  protected layer(rank: number, simulcast: boolean): Layer {
    let l = this.layers.find((x) => x.rank === rank);
    if (l) return l;
    const top = this.height ?? 0;
    l = { rank, ssrc: 0, height: simulcast ? Math.round(top / RID_SCALE[rank]!) : top, bytes: 0, packets: 0, bitrate: 0, active: false, lastPliAt: 0, gop: null };
    this.layers.push(l);
    this.layers.sort((a, b) => a.rank - b.rank);
    return l;
  }

  /** Hot path: one call per packet. `level` is the RFC 6464 level (-dBov), or -1. */
  protected deliver(layer: Layer, rtp: RtpPacket, key: boolean, level: number): void {
    layer.ssrc = rtp.header.ssrc;
    layer.bytes += rtp.payload.length;
    layer.packets++;
    if (this.kind === 'audio') {
      if (this.paused) return;
      if (level >= 0) this.opts.onAudioLevel(this.peerId, level);
      for (const c of this.consumers) c.forward(rtp, 0, false);
      this.opts.stats.forwarded += this.consumers.size;
    } else {
      const index = this.layers.indexOf(layer);
      if (index === 0) this.cacheGop(rtp, key);
      if (this.paused) return;
      let n = 0;
      for (const c of this.consumers) if (c.forward(rtp, index, key)) n++;
      this.opts.stats.forwarded += n;
    }
    for (const t of this.taps) t.packet(this, layer.rank, rtp, key, level);
  }

  private cacheGop(rtp: RtpPacket, key: boolean): void {
    const layer = this.layers[0]!;
    if (key) layer.gop = [rtp];
    else if (layer.gop) {
      layer.gop.push(rtp);
      if (layer.gop.length > GOP_CACHE_MAX) {
        // Too long to replay: ask for a fresh (cheap, low-layer) key frame so later joiners start fast.
        layer.gop = null;
        this.requestKeyFrame(0);
      }
    }
  }

  /** Packets to replay so a new subscriber decodes at once (low layer GOP), or null. */
  gopSnapshot(): RtpPacket[] | null {
    const g = this.layers[0]?.gop;
    return g && g.length > 0 ? g.slice() : null;
  }

  /** Called about once per second: bitrate and activity per layer. */
  measure(now: number): void {
    const secs = Math.max(0.001, (now - this.lastMeasureAt) / 1000);
    this.lastMeasureAt = now;
    for (const l of this.layers) {
      l.bitrate = Math.round((l.bytes * 8) / secs);
      l.active = l.packets > 0;
      l.bytes = 0;
      l.packets = 0;
    }
  }

  layerInfos(): LayerInfo[] {
    return this.layers.map((l) => ({ height: l.height, bitrate: l.bitrate, active: l.active || l.packets > 0 }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    for (const c of [...this.consumers]) c.producerClosed();
    this.consumers.clear();
    this.taps.clear();
    for (const l of this.layers) l.gop = null;
    this.safeEmit('close');
    this.removeAllListeners();
  }

  protected onClose(): void {}
}
