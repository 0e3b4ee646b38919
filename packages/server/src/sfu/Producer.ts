import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback, type MediaStreamTrack, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import { MediaSource, SIMULCAST_RIDS, type MediaSourceOptions } from './MediaSource.ts';
import type { IngressTarget } from './ingress/RtpIngress.ts';
import { H264KeyFrames } from './rtp/h264.ts';
import { parseVp8 } from './rtp/vp8.ts';

export { SIMULCAST_RIDS };

/**
 * The publisher's header extensions use the publisher's ids (mid, rid, transport-cc…); copied into
 * a subscriber's stream they collide with that subscriber's ids and libwebrtc drops the stream.
 * They are read once here and dropped; each sender writes its own mid/abs-send-time.
 */
const EMPTY: never[] = [];

/** Key-frame requests to the publisher, per layer, at most this often. */
const PLI_MIN_INTERVAL_MS = 400;

export interface ProducerOptions extends MediaSourceOptions {
  transceiver: RTCRtpTransceiver;
  /** Negotiated id of the RFC 6464 extension (audio), if any. */
  audioLevelId: number | undefined;
  /** The m-line offers rid layers (a=simulcast). */
  simulcast: boolean;
}

/** A track a participant publishes to this router (one m-line), possibly with simulcast layers. */
export class Producer extends MediaSource implements IngressTarget {
  private readonly transceiver: RTCRtpTransceiver;
  private readonly audioLevelId: number | undefined;
  private readonly unsubs: (() => void)[] = [];
  readonly simulcast: boolean;
  /** Per layer: H.264 key-frame starts (one per access unit). */
  private readonly h264Keys = new Map<number, H264KeyFrames>();

  constructor(opts: ProducerOptions) {
    super(opts);
    this.simulcast = opts.simulcast;
    this.transceiver = opts.transceiver;
    this.audioLevelId = opts.audioLevelId;
    for (const track of opts.transceiver.receiver.tracks) this.attachTrack(track);
    const sub = opts.transceiver.onTrack.subscribe((track) => this.attachTrack(track));
    this.unsubs.push(() => sub.unSubscribe());
  }

  private attachTrack(track: MediaStreamTrack): void {
    if (this.closed) return;
    const rid = track.rid;
    const rank = rid === undefined ? 0 : SIMULCAST_RIDS.indexOf(rid as (typeof SIMULCAST_RIDS)[number]);
    if (rank < 0 || this.layers.some((l) => l.rank === rank)) return;
    const layer = this.layer(rank, rid !== undefined);
    layer.ssrc = track.ssrc ?? 0;
    const sub = track.onReceiveRtp.subscribe((rtp) => {
      if (this.closed) return;
      const h = rtp.header;
      let level = -1;
      if (this.kind === 'audio') {
        const id = this.audioLevelId;
        if (id !== undefined) {
          // https://www.rfc-editor.org/rfc/rfc6464#section-3: low 7 bits = level in -dBov
          for (const e of h.extensions) if (e.id === id && e.payload.length > 0) level = e.payload[0]! & 0x7f;
        }
        h.extensions = EMPTY;
        this.deliver(layer, rtp, false, level);
        return;
      }
      h.extensions = EMPTY;
      this.deliver(layer, rtp, this.isKeyStart(rank, rtp), -1);
    });
    this.unsubs.push(() => sub.unSubscribe());
  }

  /** First packet of a key frame, from the payload descriptor / NAL headers (never decoding). */
  private isKeyStart(rank: number, rtp: RtpPacket): boolean {
    if (this.codec === 'vp8') return parseVp8(rtp.payload)?.keyFrame === true;
    let k = this.h264Keys.get(rank);
    if (!k) this.h264Keys.set(rank, (k = new H264KeyFrames()));
    return k.isKeyStart(rtp.payload, rtp.header.timestamp);
  }

  /** Layer rank of a rid (0 for a stream without simulcast), -1 for a rid we do not take. */
  rankOf(rid: string | undefined): number {
    if (!this.simulcast) return 0;
    return rid === undefined ? -1 : SIMULCAST_RIDS.indexOf(rid as (typeof SIMULCAST_RIDS)[number]);
  }

  /** A packet from the transport's RtpIngress (decrypted, extensions already read and dropped). */
  ingest(rank: number, rtp: RtpPacket, level: number): void {
    if (this.closed) return;
    const layer = this.layer(rank, this.simulcast);
    this.deliver(layer, rtp, this.kind === 'video' && this.isKeyStart(rank, rtp), this.kind === 'audio' ? level : -1);
  }

  /** Rate-limited PLI to the publisher for one layer. */
  requestKeyFrame(index: number): void {
    const layer = this.layers[index];
    if (!layer || this.closed || this.kind !== 'video' || layer.ssrc === 0) return;
    const now = Date.now();
    if (now - layer.lastPliAt < PLI_MIN_INTERVAL_MS) return;
    layer.lastPliAt = now;
    // https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1 Picture Loss Indication
    void this.transceiver.receiver.sendRtcpPLI(layer.ssrc).catch(() => undefined);
    this.opts.stats.plis++;
  }

  /** Key-frame request arriving through a pipe, by rid rank. */
  requestKeyFrameRank(rank: number): void {
    const i = this.layers.findIndex((l) => l.rank === rank);
    if (i >= 0) this.requestKeyFrame(i);
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
      senderSsrc: this.transceiver.receiver.rtcpSsrc,
      mediaSsrc: 0,
      uniqueID: 'REMB',
      ssrcNum: ssrcs.length,
      brExp: exp,
      brMantissa: mantissa,
      ssrcFeedbacks: ssrcs,
    });
    void this.transceiver.receiver.dtlsTransport.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback: remb })]).catch(() => undefined);
  }

  protected override onClose(): void {
    for (const u of this.unsubs) u();
  }
}

