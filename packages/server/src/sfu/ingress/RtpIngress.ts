import type { RtpPacket } from 'werift';
import { newHeaderView, readRtpHeader, type ExtensionIds } from '../rtp/rtpHeader.ts';
import { UdpHooks, type WithUdpTransports } from '../rtp/udpHooks.ts';
import { SrtpUnprotector } from '../srtp/SrtpUnprotector.ts';
import { srtpKeysOf } from '../srtp/weriftKeys.ts';
import { ReceiveStream, type ReceptionReport } from './ReceiveStream.ts';

/** What the ingress feeds: a Producer (one m-line of the publisher's offer). */
export interface IngressTarget {
  readonly kind: 'audio' | 'video';
  readonly closed: boolean;
  /** Layer rank for a rid (0 without simulcast), -1 when unknown. */
  rankOf(rid: string | undefined): number;
  ingest(rank: number, rtp: RtpPacket, level: number): void;
  requestKeyFrameRank(rank: number): void;
}

export interface IngressTrack {
  mid: string;
  target: IngressTarget;
  /** RTX payload types of this m-line (https://www.rfc-editor.org/rfc/rfc4588#section-8.6). */
  rtxPayloadTypes: number[];
  clockRate: number;
  /** Generic NACK negotiated (video). */
  nack: boolean;
  extensionIds: ExtensionIds;
}

interface Route {
  track: IngressTrack;
  rank: number;
  /** Media SSRC: its receive stream. RTX SSRC: null (see `media`). */
  stream: ReceiveStream | null;
  /** For an RTX SSRC, the media route it repairs, once known. */
  media: Route | null;
  ssrc: number;
}

interface WeriftDtls extends WithUdpTransports {
  state: string;
  srtp?: { remoteContext?: unknown };
  onRtcp: { subscribe(f: (p: unknown) => void): { unSubscribe(): void } };
  sendRtcp(packets: { serialize(): Buffer }[]): Promise<unknown>;
}

const EMPTY: never[] = [];
const NACK_TICK_MS = 20;
const RR_INTERVAL_MS = 1000;

/**
 * The publisher side's receive path, in front of werift: takes SRTP packets straight from the
 * transport's UDP socket callback, authenticates and decrypts them (SrtpUnprotector), reads the
 * RTP header and the mid/rid/audio-level extensions at byte level, routes by SSRC to the Producer
 * layer, unwraps RTX, and does the receiver's RTCP duties itself: Generic NACKs for missing video
 * packets and a receiver report every second. werift keeps ICE, DTLS, SRTCP and everything it is
 * not handed here (STUN, DTLS, RTCP, and RTP of an SSRC this ingress cannot route, which then
 * takes werift's own path as before).
 */
export class RtpIngress {
  private readonly tracks = new Map<string, IngressTrack>();
  private readonly routes = new Map<number, Route>();
  private readonly view = newHeaderView();
  private ids: ExtensionIds = { mid: 0, rid: 0, rrid: 0, audioLevel: 0 };
  private levelOnly: ExtensionIds = { mid: 0, rid: 0, rrid: 0, audioLevel: 0 };
  private dtls: WeriftDtls | null = null;
  private srtpSession: unknown = null;
  private unprotector: SrtpUnprotector | null = null;
  private readonly hooks = new UdpHooks((data) => this.onDatagram(data));
  private readonly restore: (() => void)[] = [];
  private nackTimer: NodeJS.Timeout | null = null;
  private readonly rrTimer: NodeJS.Timeout;
  /** Last sender report per SSRC: compact NTP (middle 32 bits) and when it arrived. */
  private readonly lastSr = new Map<number, { compactNtp: number; at: number }>();
  private closed = false;
  /** Packets handled here / NACKed sequence numbers sent (for tests and stats). */
  packets = 0;
  nacked = 0;

  constructor(private readonly rtcpSsrc: number) {
    this.rrTimer = setInterval(() => this.sendReports(), RR_INTERVAL_MS);
    this.rrTimer.unref();
  }

  /** Route this m-line's packets here (called once its Producer exists). */
  add(track: IngressTrack, dtls: unknown): void {
    if (this.closed) return;
    this.tracks.set(track.mid, track);
    const ids = { ...this.ids };
    // Within a BUNDLE group an id means the same extension on every m-line (RFC 8843 §9.2).
    for (const k of ['mid', 'rid', 'rrid', 'audioLevel'] as const) if (track.extensionIds[k]) ids[k] = track.extensionIds[k];
    this.ids = ids;
    this.levelOnly = { mid: 0, rid: 0, rrid: 0, audioLevel: ids.audioLevel };
    if (!this.dtls && dtls) {
      this.dtls = dtls as WeriftDtls;
      const sub = this.dtls.onRtcp.subscribe((p) => this.onRtcp(p));
      this.restore.push(() => sub.unSubscribe());
    }
    this.install();
  }

  remove(target: IngressTarget): void {
    for (const [mid, t] of this.tracks) if (t.target === target) this.tracks.delete(mid);
    for (const [ssrc, r] of this.routes) if (r.track.target === target) this.routes.delete(ssrc);
  }

  /**
   * Sit in front of the transport's UDP callbacks (again on every connect, for sockets an ICE
   * restart added). Until DTLS has SRTP keys every datagram still goes to werift.
   */
  install(): void {
    if (this.closed || !this.dtls) return;
    this.hooks.install(this.dtls);
  }

  /** Hot path. True when the datagram was an RTP packet handled (or dropped) here. */
  private onDatagram(data: Buffer): boolean {
    // https://www.rfc-editor.org/rfc/rfc7983#section-7: 128–191 is RTP/RTCP;
    // https://www.rfc-editor.org/rfc/rfc5761#section-4: packet types 192–223 are RTCP.
    const b0 = data[0]!;
    if (b0 < 128 || b0 > 191 || data.length < 12) return false;
    const b1 = data[1]!;
    if (b1 >= 192 && b1 <= 223) return false;
    const srtp = this.dtls?.srtp;
    if (!srtp?.remoteContext) return false;
    if (srtp !== this.srtpSession) {
      this.srtpSession = srtp;
      this.unprotector = new SrtpUnprotector(srtpKeysOf(srtp.remoteContext));
    }
    const h = this.view;
    let route = this.routes.get(data.readUInt32BE(8));
    if (!readRtpHeader(data, route ? this.levelOnly : this.ids, h)) return false;
    if (!route) {
      const learned = this.learn();
      if (!learned) return false; // werift's path (as before this ingress existed)
      route = learned;
    }
    const payload = this.unprotector!.unprotect(data, h.headerLength, h.ssrc, h.sequenceNumber);
    if (!payload) return true; // does not authenticate: dropped, as werift would
    this.packets++;
    let body = payload;
    if (h.padding) {
      // https://www.rfc-editor.org/rfc/rfc3550#section-5.1 P: the last octet counts the padding.
      const pad = payload.length > 0 ? payload[payload.length - 1]! : 0;
      if (pad === 0 || pad > payload.length) return true;
      body = payload.subarray(0, payload.length - pad);
    }
    const now = Date.now();
    if (route.stream === null) {
      // https://www.rfc-editor.org/rfc/rfc4588#section-4: OSN, then the original payload.
      const media = route.media ?? (route.media = this.mediaFor(route));
      if (!media || body.length <= 2) return true; // padding-only probe, or nothing to repair yet
      const osn = (body[0]! << 8) | body[1]!;
      if (!media.stream!.recover(osn)) return true; // a probe or a late duplicate, not a repair
      this.deliver(media, osn, h.marker, body.subarray(2), -1);
      return true;
    }
    const lost = route.stream.add(h.sequenceNumber, h.timestamp, now);
    if (lost > 0) this.startNacks();
    else if (lost < 0) route.track.target.requestKeyFrameRank(route.rank);
    // A padding-only packet still goes on (empty): it holds a sequence number the subscriber expects.
    this.deliver(route, h.sequenceNumber, h.marker, body, h.audioLevel);
    return true;
  }

  private deliver(route: Route, seq: number, marker: boolean, payload: Buffer, level: number): void {
    const t = route.track.target;
    if (t.closed) return;
    const h = this.view;
    const rtp = { header: { sequenceNumber: seq, timestamp: h.timestamp, marker, ssrc: route.ssrc, payloadType: h.payloadType, extensions: EMPTY }, payload } as unknown as RtpPacket;
    t.ingest(route.rank, rtp, level);
  }

  /**
   * A new SSRC: bind it from its mid and rid (https://www.rfc-editor.org/rfc/rfc8843#section-9.2,
   * https://www.rfc-editor.org/rfc/rfc8852#section-3) — an RTX stream by payload type and its
   * repaired rid. Without a mid it is left to werift (SSRCs signalled only in SDP).
   */
  private learn(): Route | null {
    const h = this.view;
    if (h.mid === undefined) return null;
    const track = this.tracks.get(h.mid);
    if (!track || track.target.closed) return null;
    const rtx = track.rtxPayloadTypes.includes(h.payloadType);
    const rank = track.target.rankOf(rtx ? h.rrid : h.rid);
    if (rank < 0) return null;
    const route: Route = { track, rank, stream: rtx ? null : new ReceiveStream(h.ssrc, track.clockRate, track.nack), media: null, ssrc: h.ssrc };
    this.routes.set(h.ssrc, route);
    return route;
  }

  private mediaFor(rtx: Route): Route | null {
    for (const r of this.routes.values()) if (r.stream && r.track === rtx.track && r.rank === rtx.rank) return r;
    return null;
  }

  private startNacks(): void {
    if (this.nackTimer || this.closed) return;
    this.nackTimer = setInterval(() => this.sendNacks(), NACK_TICK_MS);
    this.nackTimer.unref();
  }

  /** https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 Generic NACK: PID + BLP bitmask per FCI entry. */
  private sendNacks(): void {
    const now = Date.now();
    let pending = false;
    const out: { serialize(): Buffer }[] = [];
    for (const r of this.routes.values()) {
      const s = r.stream;
      if (!s?.hasMissing) continue;
      const seqs: number[] = [];
      s.due(now, seqs);
      if (s.hasMissing) pending = true;
      if (seqs.length === 0) continue;
      this.nacked += seqs.length;
      out.push({ serialize: () => genericNack(this.rtcpSsrc, s.ssrc, seqs) });
    }
    if (out.length > 0) void this.dtls?.sendRtcp(out).catch(() => undefined);
    if (!pending && this.nackTimer) {
      clearInterval(this.nackTimer);
      this.nackTimer = null;
    }
  }

  private onRtcp(p: unknown): void {
    const sr = p as { type?: number; ssrc?: number; senderInfo?: { ntpTimestamp: bigint } };
    // https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1 SR: remember its NTP time for LSR/DLSR.
    if (sr.type === 200 && sr.ssrc !== undefined && sr.senderInfo) {
      this.lastSr.set(sr.ssrc, { compactNtp: Number((sr.senderInfo.ntpTimestamp >> 16n) & 0xffffffffn), at: Date.now() });
    }
  }

  /** https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2 Receiver Report for every media SSRC. */
  private sendReports(): void {
    if (!this.dtls || this.dtls.state !== 'connected') return;
    const now = Date.now();
    const blocks: (ReceptionReport & { lsr: number; dlsr: number })[] = [];
    for (const r of this.routes.values()) {
      const rep = r.stream?.report();
      if (!rep) continue;
      const sr = this.lastSr.get(rep.ssrc);
      blocks.push({ ...rep, lsr: sr ? sr.compactNtp : 0, dlsr: sr ? Math.min(0xffffffff, Math.round(((now - sr.at) / 1000) * 65536)) : 0 });
    }
    if (blocks.length === 0) return;
    const packets: { serialize(): Buffer }[] = [];
    for (let i = 0; i < blocks.length; i += 31) {
      const chunk = blocks.slice(i, i + 31);
      packets.push({ serialize: () => receiverReport(this.rtcpSsrc, chunk) });
    }
    void this.dtls.sendRtcp(packets).catch(() => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.rrTimer);
    if (this.nackTimer) clearInterval(this.nackTimer);
    this.hooks.close();
    for (const r of this.restore) r();
    this.restore.length = 0;
    this.routes.clear();
    this.tracks.clear();
    this.dtls = null;
  }
}

/** RTCP RR (PT 201), https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2. */
export function receiverReport(senderSsrc: number, blocks: (ReceptionReport & { lsr: number; dlsr: number })[]): Buffer {
  const b = Buffer.alloc(8 + 24 * blocks.length);
  b[0] = 0x80 | blocks.length;
  b[1] = 201;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  blocks.forEach((r, i) => {
    const o = 8 + 24 * i;
    b.writeUInt32BE(r.ssrc >>> 0, o);
    b.writeUInt32BE(((r.fractionLost & 0xff) << 24) | (r.packetsLost & 0xffffff), o + 4);
    b.writeUInt32BE(r.highestSequence >>> 0, o + 8);
    b.writeUInt32BE(r.jitter >>> 0, o + 12);
    b.writeUInt32BE(r.lsr >>> 0, o + 16);
    b.writeUInt32BE(r.dlsr >>> 0, o + 20);
  });
  return b;
}

/** RTPFB (PT 205) FMT 1, https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1. */
export function genericNack(senderSsrc: number, mediaSsrc: number, seqs: readonly number[]): Buffer {
  // `seqs` come in arrival order of the gaps (ascending modulo 2^16); runs within 16 share an entry.
  const fci: number[] = [];
  const sorted = seqs;
  for (let i = 0; i < sorted.length; ) {
    const pid = sorted[i]!;
    let blp = 0;
    i++;
    while (i < sorted.length) {
      const d = (sorted[i]! - pid) & 0xffff;
      if (d < 1 || d > 16) break;
      blp |= 1 << (d - 1);
      i++;
    }
    fci.push(pid, blp);
  }
  const b = Buffer.alloc(12 + 2 * fci.length);
  b[0] = 0x80 | 1;
  b[1] = 205;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  b.writeUInt32BE(mediaSsrc >>> 0, 8);
  for (let i = 0; i < fci.length; i++) b.writeUInt16BE(fci[i]!, 12 + 2 * i);
  return b;
}
