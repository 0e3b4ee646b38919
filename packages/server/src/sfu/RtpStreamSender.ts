import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback, RtcpRrPacket, RtcpSenderInfo, RtcpSrPacket, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import { feedbackTargets, type FeedbackTarget } from './egress/FeedbackTap.ts';
import { Smoothed } from './quality.ts';
import { SentHistory } from './rtp/SentHistory.ts';
import { RtpRewriter } from './rtp/RtpRewriter.ts';
import { DirectSend } from './rtp/directSend.ts';
import { SrtpProtector, type SrtpParts } from './srtp/SrtpProtector.ts';
import { srtcpProtectorOf, type SrtcpProtector } from './srtp/SrtcpProtector.ts';
import { srtpKeysOf } from './srtp/weriftKeys.ts';

const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const NTP_EPOCH_OFFSET_S = 2_208_988_800;

/** Without an RTT from receiver reports yet, assume this much (mediasoup's default too). */
const DEFAULT_RTT_MS = 100;
/** Loopback/LAN RTTs are tiny; still leave a resent packet this long to arrive. */
const MIN_RESEND_INTERVAL_MS = 10;

interface IcePair {
  protocol: {
    sendData(data: Buffer, addr: [string, number]): Promise<void>;
    /** werift's UDP transport: its dgram socket, used directly on the hot path. */
    transport?: { closed?: boolean; socket?: { send(parts: SrtpParts, port: number, address: string): void } };
  };
  remoteAddr: [string, number];
}
interface WeriftDtls {
  state: string;
  srtp?: { localContext?: unknown };
  iceTransport: { connection: { nominated?: IcePair; canSendApplicationData?: () => boolean } };
  sendRtcp(packets: unknown[]): Promise<unknown>;
}

/**
 * The SFU's own send path for one consumer: rewrite → serialize → SRTP → UDP, with its own
 * retransmission history and sender reports. It bypasses werift's RTCRtpSender.sendRtp, which
 * clones, re-parses extensions and allocates several objects and promises per packet.
 * werift still does ICE, DTLS, SRTCP and parses the subscriber's RTCP for us.
 */
export class RtpStreamSender implements FeedbackTarget {
  private protector: SrtpProtector | null = null;
  /** Our SRTCP for sender reports (AES-CM connections); null: werift's; undefined: not looked up yet. */
  private srtcp: SrtcpProtector | null | undefined = undefined;
  private dtls: WeriftDtls | null = null;
  /**
   * Sends straight through the socket's native handle (rtp/directSend.ts). Only once the
   * subscriber has sent a receiver report, i.e. holds the keys: werift sends the last DTLS flight
   * through a chain of promises, and RTP sent synchronously before it would overtake it and be
   * dropped by a client without keys yet (the first frame then waited for the next key frame).
   * Until then dgram's own send, which leaves on the next tick.
   */
  private socket: object | null = null;
  private direct: DirectSend | null = null;
  private reported = false;
  private scratch = Buffer.alloc(0);
  private ssrc = 0;
  private pt = 0;
  private extTemplate: Buffer | null = null;
  private absOffset = -1;
  private readonly rewriter: RtpRewriter;
  private readonly history: SentHistory;
  /** RTX (https://www.rfc-editor.org/rfc/rfc4588) when the subscriber negotiated it. */
  private rtxPt = 0;
  private rtxSsrc = 0;
  private rtxSeq = Math.floor(Math.random() * 0x8000);
  private rtxRoc = 0;
  packets = 0;
  octets = 0;
  retransmitted = 0;
  /** From the subscriber's receiver reports: smoothed fraction lost and round-trip time (ms). */
  readonly loss = new Smoothed();
  readonly rtt = new Smoothed();
  private lastSr: { compactNtp: number; at: number } | null = null;
  private readonly unsub: () => void;

  constructor(
    private readonly transceiver: RTCRtpTransceiver,
    kind: 'audio' | 'video',
  ) {
    this.rewriter = new RtpRewriter(kind === 'audio' ? 48000 : 90000);
    this.history = new SentHistory(kind === 'audio' ? 256 : 1024);
    const sub = transceiver.sender.onRtcp.subscribe((p) => {
      if (p instanceof RtcpRrPacket || p instanceof RtcpSrPacket) {
        for (const r of p.reports) if (r.ssrc === this.ssrc) this.onReport(r);
      } else if (p instanceof RtcpPayloadSpecificFeedback && p.feedback instanceof ReceiverEstimatedMaxBitrate) {
        // werift's path routes a REMB to the stream of its first SSRC, as FeedbackTap does.
        this.onEstimate?.(Number(p.feedback.bitrate));
      }
    });
    this.unsub = () => sub.unSubscribe();
  }

  /**
   * A report block about this stream, from werift's RTCP path or the FeedbackTap's.
   * https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1: RTT = now − LSR − DLSR (in 1/65536 s).
   */
  onReport(r: { fractionLost: number; lsr: number; dlsr: number }): void {
    this.reported = true;
    this.loss.add(r.fractionLost / 256);
    if (this.lastSr && r.lsr === this.lastSr.compactNtp) {
      this.rtt.add(Math.max(0, Date.now() - this.lastSr.at - (r.dlsr / 65536) * 1000));
    }
  }

  /** The subscriber's REMB, read by FeedbackTap: passed on (onEstimate: the subscriber's Downlink). */
  onRemb(bps: bigint): void {
    this.onEstimate?.(Number(bps));
  }

  /** Called with each REMB estimate (bits/s) the subscriber sends about this stream, by either path. */
  onEstimate: ((bps: number) => void) | null = null;

  /** Bind to the negotiated codec, header extensions and SRTP keys; false until all exist. */
  prepare(): boolean {
    if (this.protector) return true;
    const sender = this.transceiver.sender;
    const dtls = sender.dtlsTransport as unknown as WeriftDtls;
    const ctx = dtls?.srtp?.localContext;
    const codec = sender.codec;
    if (!dtls || dtls.state !== 'connected' || !ctx || !codec) return false;
    this.dtls = dtls;
    this.ssrc = sender.ssrc;
    this.pt = codec.payloadType;
    const rtxPt = (sender as unknown as { rtxPayloadType?: number }).rtxPayloadType;
    if (rtxPt !== undefined) {
      this.rtxPt = rtxPt;
      this.rtxSsrc = sender.rtxSsrc;
    }
    this.buildExtensions();
    this.protector = new SrtpProtector(srtpKeysOf(ctx));
    feedbackTargets(dtls).set(this.ssrc, this);
    return true;
  }

  /** One-byte header extension block (RFC 8285 §4.2) with MID and abs-send-time slots. */
  private buildExtensions(): void {
    const exts = this.transceiver.headerExtensions ?? [];
    const mid = this.transceiver.mid;
    const parts: number[] = [];
    const midExt = exts.find((e) => e.uri === MID_URI);
    if (midExt && mid) {
      const bytes = Buffer.from(mid);
      parts.push((midExt.id << 4) | (bytes.length - 1), ...bytes);
    }
    const abs = exts.find((e) => e.uri === ABS_SEND_TIME_URI);
    if (abs) {
      parts.push((abs.id << 4) | 2);
      this.absOffset = 4 + parts.length;
      parts.push(0, 0, 0);
    }
    if (parts.length === 0) return;
    while (parts.length % 4) parts.push(0);
    const t = Buffer.alloc(4 + parts.length);
    t.writeUInt16BE(0xbede, 0);
    t.writeUInt16BE(parts.length / 4, 2);
    Buffer.from(parts).copy(t, 4);
    this.extTemplate = t;
  }

  /** The next packet starts a new source (simulcast layer switch). */
  switchSource(): void {
    this.rewriter.switchSource();
  }

  /** Hot path. Returns false when the transport is not ready yet. */
  send(rtp: RtpPacket): boolean {
    if (!this.protector && !this.prepare()) return false;
    const now = Date.now();
    const h = rtp.header;
    const { seq, ts } = this.rewriter.map(h.sequenceNumber, h.timestamp, now);
    const header = this.header(this.pt, h.marker, seq, ts, this.ssrc, now);
    const packet = this.protector!.protect(header, rtp.payload, this.ssrc, seq, this.rewriter.rocFor(seq));
    this.history.store(seq, ts, h.marker, rtp.payload, now);
    this.packets++;
    this.octets += rtp.payload.length;
    return this.transmit(packet);
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3550#section-5.1 fixed header + our extension block, in a
   * fresh buffer from Node's pool when it goes to the socket as is (GCM), else in a scratch
   * buffer; every byte is written here.
   */
  private header(pt: number, marker: boolean, seq: number, ts: number, ssrc: number, now: number): Buffer {
    const ext = this.extTemplate;
    const len = 12 + (ext ? ext.length : 0);
    // AES-CM copies the header into its packet: one scratch header per sender will do.
    let header = this.scratch;
    if (!this.protector!.copiesHeader) header = Buffer.allocUnsafe(len);
    else if (header.length !== len) header = this.scratch = Buffer.alloc(len);
    header[0] = ext ? 0x90 : 0x80;
    header[1] = (marker ? 0x80 : 0) | pt;
    header.writeUInt16BE(seq, 2);
    header.writeUInt32BE(ts, 4);
    header.writeUInt32BE(ssrc, 8);
    if (ext) {
      header.set(ext, 12);
      if (this.absOffset > 0) {
        // abs-send-time: 6.18 fixed-point seconds, 24 bits
        const v = Math.floor((now % 64_000) * 262.144) & 0xffffff;
        header[12 + this.absOffset] = v >>> 16;
        header[13 + this.absOffset] = (v >>> 8) & 0xff;
        header[14 + this.absOffset] = v & 0xff;
      }
    }
    return header;
  }

  private transmit(packet: SrtpParts): boolean {
    const conn = this.dtls!.iceTransport.connection;
    const pair = conn.nominated;
    if (!pair || (conn.canSendApplicationData && !conn.canSendApplicationData())) return false;
    const udp = pair.protocol.transport;
    if (udp?.socket && !udp.closed) {
      // Straight to the socket: werift's sendData adds three async layers and an isIP check per packet.
      if (udp.socket !== this.socket && this.reported) {
        this.socket = udp.socket;
        this.direct = new DirectSend(udp.socket);
      }
      if (this.direct && udp.socket === this.socket) this.direct.send(packet, pair.remoteAddr[1], pair.remoteAddr[0]);
      else udp.socket.send(packet, pair.remoteAddr[1], pair.remoteAddr[0]);
    } else {
      void pair.protocol.sendData(Buffer.concat(packet), pair.remoteAddr).catch(() => undefined);
    }
    return true;
  }

  /**
   * Resend NACKed packets from this consumer's own history: on the RTX stream when negotiated
   * (https://www.rfc-editor.org/rfc/rfc4588#section-4: own SSRC and sequence, payload prefixed
   * with the original sequence number), else the original packet again. Returns how many.
   */
  retransmit(seqs: readonly number[]): number {
    if (!this.protector) return 0;
    const now = Date.now();
    // A packet resent less than one RTT ago is still on its way: a repeated NACK for it (the
    // receiver re-asks on its own timer) is not answered again. Same rule as mediasoup's
    // RtpStreamSend::FillRetransmissionContainer.
    const holdMs = Math.max(MIN_RESEND_INTERVAL_MS, this.rtt.value ?? DEFAULT_RTT_MS);
    let n = 0;
    for (const s of seqs) {
      const slot = this.history.find(s, now);
      if (slot < 0) continue;
      const resentAt = this.history.lastResent(slot);
      if (resentAt !== 0 && now - resentAt < holdMs) continue;
      this.history.markResent(slot, now);
      const original = this.history.payload(slot);
      const ts = this.history.timestamp(slot);
      const marker = this.history.marker(slot);
      let packet: SrtpParts;
      if (this.rtxPt) {
        this.rtxSeq = (this.rtxSeq + 1) & 0xffff;
        if (this.rtxSeq === 0) this.rtxRoc = (this.rtxRoc + 1) >>> 0;
        const payload = Buffer.allocUnsafe(2 + original.length);
        payload.writeUInt16BE(s, 0);
        original.copy(payload, 2);
        packet = this.protector.protect(this.header(this.rtxPt, marker, this.rtxSeq, ts, this.rtxSsrc, now), payload, this.rtxSsrc, this.rtxSeq, this.rtxRoc);
      } else {
        packet = this.protector.protect(this.header(this.pt, marker, s, ts, this.ssrc, now), original, this.ssrc, s, this.rewriter.rocFor(s));
      }
      if (this.transmit(packet)) n++;
    }
    this.retransmitted += n;
    return n;
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1 Sender Report, extrapolated to now. On
   * AES-CM connections built and protected here (SrtcpProtector) and sent like our RTP; else
   * through werift's SRTCP.
   */
  sendReport(clockRate: number): void {
    if (!this.dtls || this.packets === 0) return;
    const now = Date.now();
    const ntpSecs = now / 1000 + NTP_EPOCH_OFFSET_S;
    const ntpHi = Math.floor(ntpSecs) >>> 0;
    const ntpLo = Math.floor((ntpSecs % 1) * 2 ** 32) >>> 0;
    const rtpTs = (this.rewriter.lastTimestamp + Math.round(((now - this.rewriter.lastSentTime) * clockRate) / 1000)) >>> 0;
    this.lastSr = { compactNtp: (((ntpHi & 0xffff) << 16) | (ntpLo >>> 16)) >>> 0, at: now };
    if (this.srtcp === undefined) this.srtcp = srtcpProtectorOf(this.dtls);
    if (this.srtcp) {
      const sr = Buffer.allocUnsafe(28);
      sr[0] = 0x80; // V=2, no reception report blocks: we receive nothing on this connection
      sr[1] = 200;
      sr.writeUInt16BE(6, 2);
      sr.writeUInt32BE(this.ssrc >>> 0, 4);
      sr.writeUInt32BE(ntpHi, 8);
      sr.writeUInt32BE(ntpLo, 12);
      sr.writeUInt32BE(rtpTs, 16);
      sr.writeUInt32BE(this.packets >>> 0, 20);
      sr.writeUInt32BE(this.octets >>> 0, 24);
      this.transmit([this.srtcp.protect(sr)]);
      return;
    }
    const ntp = (BigInt(ntpHi) << 32n) | BigInt(ntpLo);
    const sr = new RtcpSrPacket({
      ssrc: this.ssrc,
      senderInfo: new RtcpSenderInfo({ ntpTimestamp: ntp, rtpTimestamp: rtpTs, packetCount: this.packets >>> 0, octetCount: this.octets >>> 0 }),
    });
    void this.dtls.sendRtcp([sr]).catch(() => undefined);
  }

  close(): void {
    this.unsub();
    if (this.dtls) {
      const targets = feedbackTargets(this.dtls);
      if (targets.get(this.ssrc) === this) targets.delete(this.ssrc);
    }
    this.history.clear();
    this.protector = null;
    this.dtls = null;
  }
}
