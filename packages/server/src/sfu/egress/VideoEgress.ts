import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { RtpPacket } from 'werift';
import type { MediaSource, PacketTap } from '../MediaSource.ts';
import { RtpRewriter } from '../rtp/RtpRewriter.ts';

/** Payload type of the egress video (a=rtpmap:96 VP8/90000). */
export const VIDEO_EGRESS_PT = 96;
const CLOCK = 90_000;
/** Ask the followed source for a key frame this often, so a lost packet only costs a few seconds. */
const KEY_FRAME_EVERY_MS = 5000;

export interface VideoEgressOptions {
  host: string;
  port: number;
  /** Datagram sink (tests); default: one UDP socket. */
  send?: (packet: Buffer) => void;
  now?: () => number;
}

/**
 * Plain-RTP video egress of one router for recordings: one VP8 stream that follows the room's
 * video the way a viewer's main tile would. A screen share wins; otherwise the active speaker's
 * camera; when the active speaker has no video the last shown source stays (or any camera, so a
 * single camera is always recorded). It forwards the highest simulcast layer that is active and
 * switches sources only on a key frame of the new source (requested with a PLI), rewriting SSRC,
 * sequence numbers and timestamps into one continuous stream (RtpRewriter). Payloads are never
 * touched. https://www.rfc-editor.org/rfc/rfc7667#section-3.6 (media-switching mixer)
 */
export class VideoEgress implements PacketTap {
  private readonly sources = new Set<MediaSource>();
  private readonly rewriter = new RtpRewriter(CLOCK);
  private readonly ssrc = randomInt(1, 0xffffffff);
  private readonly send: (packet: Buffer) => void;
  private readonly socket: Socket | null = null;
  private readonly now: () => number;
  private speakerPeerId: string | null = null;
  /** Forwarded now, and the layer rank forwarded. */
  private current: MediaSource | null = null;
  private currentRank = -1;
  /** Waiting for a key frame of this source to switch to it. */
  private target: MediaSource | null = null;
  private targetRank = -1;
  private lastKeyRequestAt = 0;
  private closed = false;
  sent = 0;
  switches = 0;

  constructor(opts: VideoEgressOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.send) this.send = opts.send;
    else {
      const socket = createSocket('udp4');
      socket.on('error', () => undefined);
      socket.bind(0, opts.host);
      socket.unref();
      this.socket = socket;
      this.send = (b) => socket.send(b, opts.port, opts.host);
    }
  }

  add(source: MediaSource): void {
    if (this.closed || source.kind !== 'video' || source.closed || this.sources.has(source)) return;
    this.sources.add(source);
    source.taps.add(this);
    source.once('close', () => this.remove(source));
    this.choose();
  }

  remove(source: MediaSource): void {
    if (!this.sources.delete(source)) return;
    source.taps.delete(this);
    if (this.current === source) this.current = null;
    if (this.target === source) this.target = null;
    this.choose();
  }

  /** The router's active speaker changed. */
  setSpeaker(peerId: string | null): void {
    this.speakerPeerId = peerId;
    this.choose();
  }

  /** Called by the router's timer: re-evaluate (pauses, layers coming up) and refresh key frames. */
  tick(): void {
    this.choose();
    const src = this.current;
    if (src && this.now() - this.lastKeyRequestAt > KEY_FRAME_EVERY_MS) this.requestKey(src, this.currentRank);
  }

  private live(s: MediaSource): boolean {
    return !s.closed && !s.paused && s.layers.some((l) => l.active || l.packets > 0);
  }

  private pick(): MediaSource | null {
    const live = [...this.sources].filter((s) => this.live(s));
    const screen = live.filter((s) => s.source === 'screen').at(-1);
    if (screen) return screen;
    const speaker = live.find((s) => s.source === 'camera' && s.peerId === this.speakerPeerId);
    if (speaker) return speaker;
    if (this.current && live.includes(this.current)) return this.current;
    return live.find((s) => s.source === 'camera') ?? null;
  }

  private topRank(s: MediaSource): number {
    const active = s.layers.filter((l) => l.active || l.packets > 0);
    return (active.at(-1) ?? s.layers.at(-1))?.rank ?? 0;
  }

  private choose(): void {
    if (this.closed) return;
    const want = this.pick();
    if (!want) {
      this.current = null;
      this.target = null;
      return;
    }
    const rank = this.topRank(want);
    if (want === this.current && rank === this.currentRank) {
      this.target = null;
      return;
    }
    if (want === this.target && rank === this.targetRank) return;
    this.target = want;
    this.targetRank = rank;
    this.requestKey(want, rank);
  }

  private requestKey(s: MediaSource, rank: number): void {
    this.lastKeyRequestAt = this.now();
    const index = s.layers.findIndex((l) => l.rank === rank);
    if (index >= 0) s.requestKeyFrame(index);
  }

  /** Hot path: one call per packet of every tapped video source. */
  packet(source: MediaSource, rank: number, rtp: RtpPacket, key: boolean): void {
    if (this.closed) return;
    if (source === this.target && rank === this.targetRank && key) {
      this.current = source;
      this.currentRank = rank;
      this.target = null;
      this.rewriter.switchSource();
      this.switches++;
    }
    if (source !== this.current || rank !== this.currentRank) return;
    const h = rtp.header;
    const m = this.rewriter.map(h.sequenceNumber, h.timestamp, this.now());
    // 12-byte header, https://www.rfc-editor.org/rfc/rfc3550#section-5.1; extensions dropped.
    const b = Buffer.allocUnsafe(12 + rtp.payload.length);
    b[0] = 0x80;
    b[1] = (h.marker ? 0x80 : 0) | VIDEO_EGRESS_PT;
    b.writeUInt16BE(m.seq, 2);
    b.writeUInt32BE(m.ts, 4);
    b.writeUInt32BE(this.ssrc, 8);
    b.set(rtp.payload, 12);
    this.send(b);
    this.sent++;
  }

  state(): { source: string | null; sent: number; switches: number } {
    return { source: this.current?.id ?? null, sent: this.sent, switches: this.switches };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sources) s.taps.delete(this);
    this.sources.clear();
    this.socket?.close();
  }
}
