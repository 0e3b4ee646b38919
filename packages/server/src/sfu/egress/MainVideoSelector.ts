import type { RtpPacket } from 'werift';
import type { MediaSource, PacketTap } from '../MediaSource.ts';
import { RtpRewriter } from '../rtp/RtpRewriter.ts';
import { FILLER_PAYLOAD } from './fillerFrame.ts';

const CLOCK = 90_000;
/** Ask the followed source for a key frame this often, so a lost packet only costs a few seconds. */
const KEY_FRAME_EVERY_MS = 5000;

/** Called for each forwarded packet, with the continuous output sequence number and timestamp. */
export type MainVideoSink = (rtp: RtpPacket, seq: number, ts: number, key: boolean) => void;

/**
 * The room's "main video", the way a viewer's big tile follows it: a screen share wins; otherwise
 * the active speaker's camera; when the active speaker has no video the last shown source stays
 * (or any camera, so a single camera is always shown). It follows the highest simulcast layer
 * that is active and switches sources only on a key frame of the new source (requested with a
 * PLI), mapping sequence numbers and timestamps into one continuous stream (RtpRewriter).
 * Payloads are never touched. Used by recordings (VideoEgress) and WHEP viewers (MainVideoSource).
 * https://www.rfc-editor.org/rfc/rfc7667#section-3.6 (media-switching mixer)
 */
export class MainVideoSelector implements PacketTap {
  private readonly sources = new Set<MediaSource>();
  private readonly rewriter = new RtpRewriter(CLOCK);
  private speakerPeerId: string | null = null;
  private current: MediaSource | null = null;
  private currentRank = -1;
  private target: MediaSource | null = null;
  private targetRank = -1;
  private lastKeyRequestAt = 0;
  private closed = false;
  /** Filler frames are being sent (the rewriter is anchored on the filler stream). */
  private filling = false;
  private fillerSeq = Math.floor(Math.random() * 0xffff);
  private fillerTs = Math.floor(Math.random() * 0xffffffff);
  private lastFillerAt = 0;
  sent = 0;
  switches = 0;
  fillers = 0;

  /**
   * `filler`: while nothing is shown, send a still key frame (a dark picture) ten times a second, so a
   * consumer that needs a continuous video track (the HLS encoder) always has one.
   */
  constructor(
    private readonly sink: MainVideoSink,
    private readonly now: () => number = Date.now,
    private readonly filler = false,
    /** Take the highest active layer at most this tall (px); undefined = the top one. */
    private readonly maxHeight?: number,
  ) {
    if (filler) this.sendFiller();
  }

  add(source: MediaSource): void {
    // Recording, the HLS encoder and WHEP viewers take VP8: an H.264-only source is left out.
    if (this.closed || source.kind !== 'video' || source.codec !== 'vp8' || source.closed || this.sources.has(source)) return;
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

  /** About once a second: re-evaluate (pauses, layers coming up) and refresh key frames. */
  tick(): void {
    this.choose();
    const src = this.current;
    if (src && this.now() - this.lastKeyRequestAt > KEY_FRAME_EVERY_MS) this.requestKey(src, this.currentRank);
  }

  /**
   * Every 100 ms (the router's clock): the still picture while nothing is shown, at 10 fps — an
   * encoder downstream that resamples to a constant frame rate then produces frames steadily
   * instead of in a burst per filler frame.
   */
  fillerTick(): void {
    if (this.filler && !this.current) this.sendFiller();
  }

  private sendFiller(): void {
    if (this.closed) return;
    const now = this.now();
    if (!this.filling) {
      this.filling = true;
      this.rewriter.switchSource();
    } else {
      this.fillerTs = (this.fillerTs + Math.round((now - this.lastFillerAt) * 90)) >>> 0;
    }
    this.lastFillerAt = now;
    this.fillerSeq = (this.fillerSeq + 1) & 0xffff;
    const m = this.rewriter.map(this.fillerSeq, this.fillerTs, now);
    const rtp = {
      header: { sequenceNumber: this.fillerSeq, timestamp: this.fillerTs, marker: true, ssrc: 0, payloadType: 96, extensions: [] },
      payload: FILLER_PAYLOAD,
    } as unknown as RtpPacket;
    this.fillers++;
    this.sink(rtp, m.seq, m.ts, true);
  }

  /** A viewer lost a picture: ask the source being shown (or about to be) for a key frame. */
  requestKeyFrame(): void {
    if (this.target) this.requestKey(this.target, this.targetRank);
    else if (this.current) this.requestKey(this.current, this.currentRank);
  }

  get showing(): MediaSource | null {
    return this.current;
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
    const max = this.maxHeight;
    const fitting = max === undefined ? active : active.filter((l) => l.height === 0 || l.height <= max);
    return (fitting.at(-1) ?? active[0] ?? s.layers.at(-1))?.rank ?? 0;
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
      this.filling = false;
      this.rewriter.switchSource();
      this.switches++;
    }
    if (source !== this.current || rank !== this.currentRank) return;
    const h = rtp.header;
    const m = this.rewriter.map(h.sequenceNumber, h.timestamp, this.now());
    this.sent++;
    this.sink(rtp, m.seq, m.ts, key);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sources) s.taps.delete(this);
    this.sources.clear();
  }
}
