import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { RtpPacket } from 'werift';
import type { MediaSource, PacketTap } from '../MediaSource.ts';
import { RtpRewriter } from '../rtp/RtpRewriter.ts';

/** Opus RTP clock rate (https://www.rfc-editor.org/rfc/rfc7587#section-4.1). */
const CLOCK = 48_000;
const FRAME_MS = 20;
const FRAME_TS = (CLOCK * FRAME_MS) / 1000;
/** Payload type in the egress SDP (a=rtpmap:111 opus/48000/2). */
export const EGRESS_PT = 111;
/** A slot whose source sent nothing for this long is filled with silence. */
const GAP_MS = 100;
/** RFC 6464 level (-dBov) at or below which a packet counts as speech (as ActiveSpeakerDetector). */
const SPEECH_LEVEL = 50;
/** A speaker keeps its slot against newer talkers until quiet for this long. */
const EVICT_QUIET_MS = 1000;
/** Send at most this many silence frames at once after a stalled timer (then skip ahead). */
const MAX_CATCH_UP = 5;

/**
 * A 20 ms Opus silence frame. TOC byte 0xF8: config 31 (CELT-only, fullband, 20 ms), s=0 (mono),
 * c=0 (one frame); 0xFF 0xFE decodes to silence.
 * https://www.rfc-editor.org/rfc/rfc6716#section-3.1
 */
export const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

interface SourceState {
  lastLoudAt: number;
  slot: Slot | null;
}

interface Slot {
  index: number;
  port: number;
  ssrc: number;
  rewriter: RtpRewriter;
  source: MediaSource | null;
  /** Wall time of the last real packet sent (0 = none since the source was assigned). */
  lastRealAt: number;
  /** True while silence frames are being sent (the rewriter is anchored on the silence stream). */
  filling: boolean;
  /** Own numbering of the silence stream, mapped through the rewriter like any source. */
  silenceSeq: number;
  silenceTs: number;
  /** Wall time the next silence frame is due. */
  nextSilenceAt: number;
  sent: number;
  silent: number;
}

export interface AudioEgressOptions {
  host: string;
  ports: number[];
  /** Datagram sink (tests); default: one UDP socket. */
  send?: (packet: Buffer, port: number) => void;
  now?: () => number;
  /** Drive the 20 ms clock yourself (tests): no timer is started. */
  manualClock?: boolean;
}

/**
 * Plain-RTP audio egress of one router, for a mixer outside the SFU (ffmpeg → HLS).
 *
 * A PacketTap on every audio source of the router (local Producers and PipeProducers). Sources
 * are mapped onto a fixed number of slots; each slot is one continuous RTP stream (own SSRC,
 * sequence and timestamps rewritten across source changes by RtpRewriter) sent unencrypted to
 * host:port. Empty slots and gaps are filled with Opus silence every 20 ms so the mixer always
 * has input on every stream and never waits. With more talkers than slots, slots go to the most
 * recently active ones (RFC 6464 audio levels); a speaker keeps its slot until quiet for 1 s.
 * https://www.rfc-editor.org/rfc/rfc7667#section-3.6 (RTP topology: media-switching mixer towards the egress)
 */
export class AudioEgress implements PacketTap {
  private readonly slots: Slot[];
  private readonly sources = new Map<MediaSource, SourceState>();
  private readonly socket: Socket | null = null;
  private readonly send: (packet: Buffer, port: number) => void;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: AudioEgressOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.send) this.send = opts.send;
    else {
      const socket = createSocket('udp4');
      socket.on('error', () => undefined); // a mixer that went away must not crash the worker
      socket.bind(0, opts.host); // the mixer accepts packets from this address only
      socket.unref();
      this.socket = socket;
      this.send = (b, port) => socket.send(b, port, opts.host);
    }
    const t = this.now();
    this.slots = opts.ports.map((port, index) => ({
      index,
      port,
      ssrc: randomInt(1, 0xffffffff),
      rewriter: new RtpRewriter(CLOCK),
      source: null,
      lastRealAt: 0,
      filling: false,
      silenceSeq: randomInt(0, 0xffff),
      silenceTs: randomInt(0, 0xffffffff),
      nextSilenceAt: t,
      sent: 0,
      silent: 0,
    }));
    if (!opts.manualClock) {
      this.timer = setInterval(() => this.tick(), FRAME_MS / 2);
      this.timer.unref();
    }
  }

  /** Start tapping an audio source (idempotent; video is ignored). */
  add(source: MediaSource): void {
    if (this.closed || source.kind !== 'audio' || source.closed || this.sources.has(source)) return;
    this.sources.set(source, { lastLoudAt: -Infinity, slot: null });
    source.taps.add(this);
    source.once('close', () => this.remove(source));
  }

  remove(source: MediaSource): void {
    const st = this.sources.get(source);
    if (!st) return;
    this.sources.delete(source);
    source.taps.delete(this);
    if (st.slot) this.release(st.slot);
    this.fillFreeSlots();
  }

  /** Hot path: one call per audio packet of a tapped source. */
  packet(source: MediaSource, _rank: number, rtp: RtpPacket, _key: boolean, level: number): void {
    const st = this.sources.get(source);
    if (!st || this.closed) return;
    const now = this.now();
    const loud = level >= 0 && level <= SPEECH_LEVEL;
    if (loud) st.lastLoudAt = now;
    let slot = st.slot;
    if (!slot) {
      slot = this.slotFor(st, now, loud);
      if (!slot) return;
      this.assign(slot, source, st);
    }
    if (slot.filling || slot.lastRealAt === 0) slot.rewriter.switchSource();
    slot.filling = false;
    slot.lastRealAt = now;
    const h = rtp.header;
    const m = slot.rewriter.map(h.sequenceNumber, h.timestamp, now);
    this.emit(slot, m.seq, m.ts, h.marker, rtp.payload);
    slot.sent++;
  }

  /** A free slot, or the slot of the speaker quiet the longest when this source talks now. */
  private slotFor(st: SourceState, now: number, loud: boolean): Slot | null {
    const free = this.slots.find((s) => s.source === null);
    if (free) return free;
    if (!loud) return null;
    let victim: Slot | null = null;
    let oldest = Infinity;
    for (const s of this.slots) {
      const at = (s.source && this.sources.get(s.source)?.lastLoudAt) ?? -Infinity;
      if (at < oldest) {
        oldest = at;
        victim = s;
      }
    }
    if (!victim || now - oldest < EVICT_QUIET_MS || oldest >= st.lastLoudAt) return null;
    const prev = victim.source && this.sources.get(victim.source);
    if (prev) prev.slot = null;
    return victim;
  }

  private assign(slot: Slot, source: MediaSource, st: SourceState): void {
    slot.source = source;
    slot.lastRealAt = 0;
    st.slot = slot;
  }

  private release(slot: Slot): void {
    slot.source = null;
    slot.lastRealAt = 0;
  }

  /** Sources without a slot get freed slots (most recently loud first). */
  private fillFreeSlots(): void {
    const waiting = [...this.sources].filter(([, st]) => st.slot === null).sort((a, b) => b[1].lastLoudAt - a[1].lastLoudAt);
    for (const slot of this.slots) {
      if (slot.source !== null) continue;
      const next = waiting.shift();
      if (!next) return;
      this.assign(slot, next[0], next[1]);
    }
  }

  /** Every 10 ms: silence into slots that have nothing to send, paced on the wall clock. */
  tick(): void {
    if (this.closed) return;
    const now = this.now();
    for (const slot of this.slots) {
      if (slot.lastRealAt !== 0 && now - slot.lastRealAt < GAP_MS) {
        slot.nextSilenceAt = now + FRAME_MS;
        continue;
      }
      if (!slot.filling) {
        slot.filling = true;
        slot.rewriter.switchSource();
        // Continue right after the last real frame's 20 ms.
        slot.nextSilenceAt = slot.lastRealAt !== 0 ? Math.max(slot.lastRealAt + FRAME_MS, now - GAP_MS) : now;
      }
      if (now - slot.nextSilenceAt > MAX_CATCH_UP * FRAME_MS) slot.nextSilenceAt = now - MAX_CATCH_UP * FRAME_MS;
      while (slot.nextSilenceAt <= now) {
        slot.silenceSeq = (slot.silenceSeq + 1) & 0xffff;
        slot.silenceTs = (slot.silenceTs + FRAME_TS) >>> 0;
        const m = slot.rewriter.map(slot.silenceSeq, slot.silenceTs, slot.nextSilenceAt);
        this.emit(slot, m.seq, m.ts, false, OPUS_SILENCE);
        slot.silent++;
        slot.nextSilenceAt += FRAME_MS;
      }
    }
  }

  /** 12-byte RTP header (https://www.rfc-editor.org/rfc/rfc3550#section-5.1) + payload, no extensions. */
  private emit(slot: Slot, seq: number, ts: number, marker: boolean, payload: Buffer): void {
    const b = Buffer.allocUnsafe(12 + payload.length);
    b[0] = 0x80;
    b[1] = (marker ? 0x80 : 0) | EGRESS_PT;
    b.writeUInt16BE(seq, 2);
    b.writeUInt32BE(ts, 4);
    b.writeUInt32BE(slot.ssrc, 8);
    payload.copy(b, 12);
    this.send(b, slot.port);
  }

  /** Which source each slot carries (ids), and packets sent per slot. */
  state(): { source: string | null; sent: number; silent: number }[] {
    return this.slots.map((s) => ({ source: s.source?.id ?? null, sent: s.sent, silent: s.silent }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of this.sources.keys()) s.taps.delete(this);
    this.sources.clear();
    this.socket?.close();
  }
}
