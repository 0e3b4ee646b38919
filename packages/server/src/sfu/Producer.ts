import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback, type MediaStreamTrack, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import type { Source } from '@convene/protocol';
import { SafeEmitter } from './events.ts';
import type { LayerInfo } from './layers.ts';
import { parseVp8 } from './rtp/vp8.ts';
import type { Consumer } from './Consumer.ts';
import type { MediaCounters } from './counters.ts';

/** Simulcast rids, low → high, as the SDK publishes them (scaleResolutionDownBy 4, 2, 1). */
export const SIMULCAST_RIDS = ['q', 'h', 'f'] as const;
const RID_SCALE = [4, 2, 1];

/**
 * The publisher's header extensions use the publisher's ids (mid, rid, transport-cc…); copied into
 * a subscriber's stream they collide with that subscriber's ids and libwebrtc drops the stream.
 * They are read once here and dropped; each sender writes its own mid/abs-send-time.
 */
const EMPTY: never[] = [];

/** Keep at most this many packets of the current low-layer GOP for instant first frames. */
const GOP_CACHE_MAX = 150;
/** Key-frame requests to the publisher, per layer, at most this often. */
const PLI_MIN_INTERVAL_MS = 400;

export interface Layer {
  rid: string | undefined;
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

type ProducerEvents = { close: [] };

export interface ProducerOptions {
  id: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: Source;
  transceiver: RTCRtpTransceiver;
  /** Top-layer height reported by the publisher (for layer selection). */
  height: number | undefined;
  /** Negotiated id of the RFC 6464 extension (audio), if any. */
  audioLevelId: number | undefined;
  onAudioLevel: (peerId: string, level: number) => void;
  stats: MediaCounters;
}

/** A published track (one m-line), possibly with several simulcast layers. */
export class Producer extends SafeEmitter<ProducerEvents> {
  readonly id: string;
  readonly peerId: string;
  readonly kind: 'audio' | 'video';
  readonly source: Source;
  readonly layers: Layer[] = [];
  readonly consumers = new Set<Consumer>();
  paused = false;
  closed = false;
  private readonly opts: ProducerOptions;
  private readonly unsubs: (() => void)[] = [];
  private lastMeasureAt = Date.now();

  constructor(opts: ProducerOptions) {
    super();
    this.opts = opts;
    this.id = opts.id;
    this.peerId = opts.peerId;
    this.kind = opts.kind;
    this.source = opts.source;
    const t = opts.transceiver;
    for (const track of t.receiver.tracks) this.attachTrack(track);
    const sub = t.onTrack.subscribe((track) => this.attachTrack(track));
    this.unsubs.push(() => sub.unSubscribe());
  }

  private attachTrack(track: MediaStreamTrack): void {
    if (this.closed) return;
    const rid = track.rid;
    const ridIdx = rid === undefined ? -1 : SIMULCAST_RIDS.indexOf(rid as (typeof SIMULCAST_RIDS)[number]);
    const index = rid === undefined ? 0 : ridIdx;
    if (index < 0 || this.layers.some((l) => l.rid === rid)) return;
    const top = this.opts.height ?? 0;
    const layer: Layer = {
      rid,
      ssrc: track.ssrc ?? 0,
      height: rid === undefined ? top : Math.round(top / RID_SCALE[index]!),
      bytes: 0,
      packets: 0,
      bitrate: 0,
      active: false,
      lastPliAt: 0,
      gop: null,
    };
    this.layers.push(layer);
    this.layers.sort((a, b) => rank(a.rid) - rank(b.rid));
    const sub = track.onReceiveRtp.subscribe((rtp) => this.onRtp(layer, rtp));
    this.unsubs.push(() => sub.unSubscribe());
  }

  /** Hot path: one call per received packet. */
  private onRtp(layer: Layer, rtp: RtpPacket): void {
    if (this.closed) return;
    const h = rtp.header;
    layer.ssrc = h.ssrc;
    layer.bytes += rtp.payload.length;
    layer.packets++;
    if (this.kind === 'audio') {
      const id = this.opts.audioLevelId;
      if (id !== undefined && !this.paused) {
        for (const e of h.extensions) {
          // https://www.rfc-editor.org/rfc/rfc6464#section-3: low 7 bits = level in -dBov
          if (e.id === id && e.payload.length > 0) this.opts.onAudioLevel(this.peerId, e.payload[0]! & 0x7f);
        }
      }
      h.extensions = EMPTY;
      if (this.paused) return;
      for (const c of this.consumers) c.forward(rtp, 0, false);
      this.opts.stats.forwarded += this.consumers.size;
      return;
    }
    h.extensions = EMPTY;
    const vp8 = parseVp8(rtp.payload);
    const key = vp8?.keyFrame === true;
    const index = this.layers.indexOf(layer);
    if (index === 0) this.cacheGop(layer, rtp, key);
    if (this.paused) return;
    let n = 0;
    for (const c of this.consumers) if (c.forward(rtp, index, key)) n++;
    this.opts.stats.forwarded += n;
  }

  private cacheGop(layer: Layer, rtp: RtpPacket, key: boolean): void {
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

  /** Rate-limited PLI to the publisher for one layer. */
  requestKeyFrame(index: number): void {
    const layer = this.layers[index];
    if (!layer || this.closed || this.kind !== 'video' || layer.ssrc === 0) return;
    const now = Date.now();
    if (now - layer.lastPliAt < PLI_MIN_INTERVAL_MS) return;
    layer.lastPliAt = now;
    // https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1 Picture Loss Indication
    void this.opts.transceiver.receiver.sendRtcpPLI(layer.ssrc).catch(() => undefined);
    this.opts.stats.plis++;
  }

  /**
   * Tell the publisher how much it may send (REMB,
   * https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03#section-2.2). Loopback and
   * LAN links have room to spare; without this the browser's estimate never reaches the top layer.
   */
  sendRemb(bitrate: number): void {
    if (this.closed || this.kind !== 'video') return;
    const ssrcs = this.layers.map((l) => l.ssrc).filter((s) => s !== 0);
    if (ssrcs.length === 0) return;
    let exp = 0;
    let mantissa = Math.round(bitrate);
    while (mantissa > 0x3ffff) {
      mantissa = Math.floor(mantissa / 2);
      exp++;
    }
    const remb = new ReceiverEstimatedMaxBitrate({
      senderSsrc: this.opts.transceiver.receiver.rtcpSsrc,
      mediaSsrc: 0,
      uniqueID: 'REMB',
      ssrcNum: ssrcs.length,
      brExp: exp,
      brMantissa: mantissa,
      ssrcFeedbacks: ssrcs,
    });
    const packet = new RtcpPayloadSpecificFeedback({ feedback: remb });
    void this.opts.transceiver.receiver.dtlsTransport.sendRtcp([packet]).catch(() => undefined);
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
    for (const u of this.unsubs) u();
    for (const c of [...this.consumers]) c.producerClosed();
    this.consumers.clear();
    for (const l of this.layers) l.gop = null;
    this.safeEmit('close');
    this.removeAllListeners();
  }
}

function rank(rid: string | undefined): number {
  return rid === undefined ? 0 : SIMULCAST_RIDS.indexOf(rid as (typeof SIMULCAST_RIDS)[number]);
}
