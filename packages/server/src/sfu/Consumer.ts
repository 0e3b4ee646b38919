import type { RTCRtpTransceiver, RtpPacket } from 'werift';
import type { MediaCounters } from './counters.ts';
import type { Downlink, VideoDemand } from './Downlink.ts';
import { SafeEmitter } from './events.ts';
import { selectLayer, type LayerInfo, type Viewport } from './layers.ts';
import type { MediaSource } from './MediaSource.ts';
import { RtpStreamSender } from './RtpStreamSender.ts';

type ConsumerEvents = { close: [] };

/** After moving up a layer (or to a first one), the receiver's estimate gets this long to catch up. */
const RAMP_MS = 6000;

/**
 * One producer forwarded to one subscriber, on a sendonly m-line of the subscriber's recv transport.
 * For simulcast it forwards exactly one layer, switching only at key frames; the sender rewrites
 * SSRC, sequence numbers and timestamps so the subscriber sees one continuous stream.
 */
export class Consumer extends SafeEmitter<ConsumerEvents> {
  readonly id: string;
  readonly producer: MediaSource;
  readonly subscriberId: string;
  readonly transceiver: RTCRtpTransceiver;
  /** Layer being forwarded (-1 = none yet), and the layer we want. */
  currentLayer = -1;
  targetLayer = -1;
  viewport: Viewport | null = null;
  closed = false;
  private ready = false;
  /** The bitrate cap the subscriber's Downlink last gave this consumer (0: none). */
  private cap = 0;
  /** Ramping after an upgrade until then, from a layer of this bitrate. */
  private rampUntil = 0;
  private rampFromBps = 0;
  private readonly downlink: Downlink | null;
  private readonly stream: RtpStreamSender;
  private readonly unsubs: (() => void)[] = [];

  constructor(opts: { id: string; producer: MediaSource; subscriberId: string; transceiver: RTCRtpTransceiver; stats: MediaCounters; downlink?: Downlink }) {
    super();
    this.downlink = opts.downlink ?? null;
    this.id = opts.id;
    this.producer = opts.producer;
    this.subscriberId = opts.subscriberId;
    this.transceiver = opts.transceiver;
    this.producer.consumers.add(this);
    this.stream = new RtpStreamSender(this.transceiver, this.producer.kind);
    const downlink = this.downlink;
    if (downlink) this.stream.onEstimate = (bps) => downlink.estimate(bps);
    const stats = opts.stats;
    const nack = this.transceiver.sender.onGenericNack.subscribe((n) => {
      stats.retransmitted += this.stream.retransmit(n.lost);
    });
    this.unsubs.push(() => nack.unSubscribe());
    // https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1: subscriber PLI → publisher, rate-limited there.
    const sub = this.transceiver.sender.onPictureLossIndication.subscribe(() => {
      this.producer.requestKeyFrame(this.currentLayer >= 0 ? this.currentLayer : this.targetLayer);
    });
    this.unsubs.push(() => sub.unSubscribe());
  }

  get kind(): 'audio' | 'video' {
    return this.producer.kind;
  }

  get mid(): string | undefined {
    return this.transceiver.mid ?? undefined;
  }

  /** The m-line is negotiated and the transport connected: start forwarding. */
  start(): void {
    if (this.ready || this.closed) return;
    this.ready = true;
    if (this.kind !== 'video') return;
    this.updateTarget();
    // Fast first frame: replay the cached low-layer GOP, then continue live from the same layer.
    const gop = this.producer.gopSnapshot();
    if (gop && this.targetLayer >= 0) {
      this.currentLayer = 0;
      for (const p of gop) this.send(p);
    }
    if (this.targetLayer > this.currentLayer) this.producer.requestKeyFrame(this.targetLayer);
  }

  /** Hot path. Returns true when the packet was sent. */
  forward(rtp: RtpPacket, layer: number, keyFrame: boolean): boolean {
    if (!this.ready) return false;
    if (this.kind === 'audio') {
      this.send(rtp);
      return true;
    }
    if (layer !== this.currentLayer) {
      // Switch only at a key frame of the target layer (or of any lower layer when nothing flows yet).
      const acceptable = layer === this.targetLayer || (this.currentLayer < 0 && layer < this.targetLayer);
      if (!keyFrame || !acceptable || this.targetLayer < 0) return false;
      this.stream.switchSource();
      if (layer > this.currentLayer) {
        // The receiver's estimate has not seen this rate yet (from nothing, for a first layer).
        this.rampUntil = Date.now() + RAMP_MS;
        this.rampFromBps = this.currentLayer >= 0 ? (this.producer.layerInfos()[this.currentLayer]?.bitrate ?? 0) : 0;
      }
      this.currentLayer = layer;
    }
    this.send(rtp);
    return true;
  }

  private send(rtp: RtpPacket): void {
    this.stream.send(rtp);
  }

  /** Smoothed loss (0–1) and RTT (ms) the subscriber reports for this stream. */
  get linkStats(): { loss: number | undefined; rtt: number | undefined } {
    return { loss: this.stream.loss.value, rtt: this.stream.rtt.value };
  }

  /** Periodic RTCP sender report for this stream. */
  sendReport(): void {
    if (this.ready) this.stream.sendReport(this.kind === 'audio' ? 48000 : 90000);
  }


  setViewport(v: Viewport | null): void {
    this.viewport = v;
    this.updateTarget();
  }

  /** What this consumer asks of the subscriber's downlink (Downlink.allocate). */
  demand(now: number): VideoDemand {
    return { layers: this.producer.layerInfos(), viewport: this.viewport, current: this.currentLayer, rampFromBps: now < this.rampUntil ? this.rampFromBps : null };
  }

  /**
   * Re-pick the layer from tile size and the bitrate cap the subscriber's Downlink gave (default:
   * the last one); `layers` as the Downlink saw them, when it just did.
   */
  updateTarget(cap = this.cap, layers: readonly LayerInfo[] = this.producer.layerInfos()): void {
    if (this.kind !== 'video' || this.closed) return;
    this.cap = cap;
    const next = selectLayer(layers, this.viewport, cap);
    if (next === this.targetLayer) return;
    this.targetLayer = next;
    if (next < 0) {
      this.currentLayer = -1;
      return;
    }
    if (next !== this.currentLayer && this.ready) this.producer.requestKeyFrame(next);
  }

  /** Producer went away: close without touching the producer again. */
  producerClosed(): void {
    this.closeInternal();
  }

  close(): void {
    if (this.closed) return;
    this.producer.consumers.delete(this);
    this.closeInternal();
  }

  private closeInternal(): void {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    this.stream.close();
    for (const u of this.unsubs) u();
    this.safeEmit('close');
    this.removeAllListeners();
  }
}
