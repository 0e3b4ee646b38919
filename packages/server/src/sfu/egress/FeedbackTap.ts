import { UdpHooks, type WithUdpTransports } from '../rtp/udpHooks.ts';
import { SrtcpUnprotector } from '../srtp/SrtcpUnprotector.ts';
import { srtcpKeysOf } from '../srtp/weriftKeys.ts';

/** What a stream we send does with its subscriber's feedback (RtpStreamSender). */
export interface FeedbackTarget {
  /** A report block about this stream (https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1). */
  onReport(r: { fractionLost: number; lsr: number; dlsr: number }): void;
  /** The subscriber's receive estimate, bits/s (https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03). */
  onRemb(bps: bigint): void;
}

interface WeriftDtls extends WithUdpTransports {
  srtcp?: { remoteContext?: unknown };
}

/** Streams by media SSRC, per DTLS transport (one per subscriber connection with BUNDLE). */
const targetsByDtls = new WeakMap<object, Map<number, FeedbackTarget>>();

export function feedbackTargets(dtls: object): Map<number, FeedbackTarget> {
  let m = targetsByDtls.get(dtls);
  if (!m) targetsByDtls.set(dtls, (m = new Map()));
  return m;
}

const RR = 201;
const SDES = 202;
const PSFB = 206;
/** PSFB FMT 15 = application layer feedback; REMB's unique identifier is 'REMB'. */
const FMT_AFB = 15;
const REMB_ID = 0x52454d42;

/**
 * The RTCP a subscriber sends on a connection we send media on, in front of werift. Most of it
 * is receiver reports, one per received stream every 0.5–1.5 s; werift took each through its
 * event layers, a cipher and an HMAC object, and object-per-field parsing (≈ 150 µs per report
 * in a 40-subscriber profile, about 5 % of the media thread). Compounds made only of RR, SDES and
 * REMB are authenticated, decrypted and read here and go straight to the sending streams; any
 * other compound (NACK, PLI, FIR, SR, BYE…) and anything on a GCM connection takes werift's path
 * unchanged, as does a packet that does not authenticate.
 */
export class FeedbackTap {
  private hooks: UdpHooks | null = null;
  private dtls: WeriftDtls | null = null;
  private ctx: unknown = null;
  private unprotector: SrtcpUnprotector | null = null;
  private closed = false;
  /** Compound packets handled here (for tests). */
  packets = 0;

  /** Sit in front of the connection's UDP callbacks (again on every connect, for sockets an ICE restart added). */
  install(dtls: unknown): void {
    if (this.closed || !dtls) return;
    const d = dtls as WeriftDtls;
    if (d !== this.dtls) {
      this.hooks?.close();
      this.dtls = d;
      this.hooks = new UdpHooks((data) => this.onDatagram(data, d));
    }
    this.hooks!.install(d);
  }

  /** True when the datagram was a feedback compound handled here. */
  private onDatagram(data: Buffer, dtls: WeriftDtls): boolean {
    // https://www.rfc-editor.org/rfc/rfc7983#section-7 and https://www.rfc-editor.org/rfc/rfc5761#section-4: RTCP.
    const b0 = data[0]!;
    if (b0 < 128 || b0 > 191 || data.length < 8) return false;
    const b1 = data[1]!;
    if (b1 < 192 || b1 > 223) return false;
    const ctx = dtls.srtcp?.remoteContext;
    if (!ctx) return false;
    if (ctx !== this.ctx) {
      this.ctx = ctx;
      const keys = srtcpKeysOf(ctx);
      this.unprotector = keys ? new SrtcpUnprotector(keys) : null;
    }
    const plain = this.unprotector?.unprotect(data);
    if (!plain || !onlyReports(plain)) return false;
    this.packets++;
    dispatch(plain, targetsByDtls.get(dtls));
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hooks?.close();
    this.hooks = null;
    this.dtls = null;
  }
}

/**
 * https://www.rfc-editor.org/rfc/rfc3550#appendix-A.2 validity: version 2 throughout, lengths that
 * add up to the compound exactly; and here also: nothing but RR, SDES and REMB.
 */
export function onlyReports(p: Buffer): boolean {
  let off = 0;
  while (off + 4 <= p.length) {
    if (p[off]! >> 6 !== 2) return false;
    const pt = p[off + 1]!;
    const size = (p.readUInt16BE(off + 2) + 1) * 4;
    if (off + size > p.length) return false;
    if (pt === RR) {
      if (size < 8 + 24 * (p[off]! & 0x1f)) return false;
    } else if (pt === PSFB) {
      if ((p[off]! & 0x1f) !== FMT_AFB || size < 20 || p.readUInt32BE(off + 12) !== REMB_ID || size < 20 + 4 * p[off + 16]!) return false;
    } else if (pt !== SDES) return false;
    off += size;
  }
  return off === p.length;
}

/** Hands each report block and REMB of a validated compound to the stream it is about. */
function dispatch(p: Buffer, targets: Map<number, FeedbackTarget> | undefined): void {
  if (!targets) return;
  for (let off = 0; off < p.length; off += (p.readUInt16BE(off + 2) + 1) * 4) {
    const pt = p[off + 1]!;
    if (pt === RR) {
      // https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2: 24-octet report blocks after the sender SSRC.
      for (let i = 0, o = off + 8; i < (p[off]! & 0x1f); i++, o += 24) {
        targets.get(p.readUInt32BE(o))?.onReport({ fractionLost: p[o + 4]!, lsr: p.readUInt32BE(o + 16), dlsr: p.readUInt32BE(o + 20) });
      }
    } else if (pt === PSFB && p[off + 16]! > 0) {
      // https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03#section-2.2: BR Exp (6 bits),
      // BR Mantissa (18 bits), then the SSRCs it applies to. Like werift, the first SSRC's stream takes it.
      const exp = p[off + 17]! >> 2;
      const mantissa = ((p[off + 17]! & 3) << 16) | p.readUInt16BE(off + 18);
      targets.get(p.readUInt32BE(off + 20))?.onRemb(BigInt(mantissa) << BigInt(exp));
    }
  }
}
