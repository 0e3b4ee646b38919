/** A gap larger than this is not NACKed packet by packet: the caller asks for a key frame instead. */
export const MAX_NACK_GAP = 256;
/** NACK a missing packet at most this many times… */
const NACK_MAX_TRIES = 8;
/** …no more often than this… */
const NACK_RETRY_MS = 60;
/** …and not once it is this old (the history of a typical sender is about 1 s). */
const NACK_MAX_AGE_MS = 1000;

interface Missing {
  since: number;
  sentAt: number;
  tries: number;
}

export interface ReceptionReport {
  ssrc: number;
  fractionLost: number;
  packetsLost: number;
  highestSequence: number;
  jitter: number;
}

/**
 * Receive-side bookkeeping of one incoming media SSRC: sequence tracking, loss and jitter for
 * receiver reports, and the list of missing packets to NACK.
 * https://www.rfc-editor.org/rfc/rfc3550#appendix-A.1 (sequence numbers), A.3 (loss), A.8 (jitter).
 */
export class ReceiveStream {
  private started = false;
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit = 0;
  private jitter = 0;
  /** Missing sequence numbers (16-bit) → NACK state. */
  private readonly missing = new Map<number, Missing>();

  constructor(
    readonly ssrc: number,
    private readonly clockRate: number,
    private readonly nack: boolean,
  ) {}

  /**
   * One packet arrived (`arrivalMs` wall clock). Returns the number of packets newly found
   * missing; -1 when the gap was too large to NACK (the caller should request a key frame).
   */
  add(seq: number, timestamp: number, arrivalMs: number): number {
    if (!this.started) {
      this.started = true;
      this.baseSeq = this.maxSeq = seq;
      this.received = 1;
      this.transit = ((arrivalMs * this.clockRate) / 1000 - timestamp) | 0;
      return 0;
    }
    this.received++;
    const delta = (seq - this.maxSeq) & 0xffff;
    let lost = 0;
    if (delta === 0) return 0; // duplicate
    if (delta < 0x8000) {
      // In order (possibly after a gap).
      if (seq < this.maxSeq) this.cycles += 0x10000;
      if (this.nack && delta > 1) {
        if (delta - 1 > MAX_NACK_GAP) {
          this.missing.clear();
          lost = -1;
        } else {
          for (let s = (this.maxSeq + 1) & 0xffff; s !== seq; s = (s + 1) & 0xffff) this.missing.set(s, { since: arrivalMs, sentAt: 0, tries: 0 });
          lost = delta - 1;
        }
      }
      this.maxSeq = seq;
      // A.8: interarrival jitter from in-order packets.
      const transit = ((arrivalMs * this.clockRate) / 1000 - timestamp) | 0;
      const d = Math.abs(transit - this.transit);
      this.transit = transit;
      this.jitter += (d - this.jitter) / 16;
    } else if (this.missing.size > 0) {
      this.missing.delete(seq); // late or retransmitted: no longer missing
    }
    return lost;
  }

  /**
   * A retransmission (RTX) of `seq` arrived: true when it fills a gap we NACKed. Anything else
   * (libwebrtc resends recent packets on RTX as bandwidth probes) is a duplicate to drop.
   */
  recover(seq: number): boolean {
    if (!this.missing.delete(seq)) return false;
    this.received++;
    return true;
  }

  /** Sequence numbers to NACK now (RFC 4585 §6.2.1), marking them as requested. */
  due(now: number, out: number[]): void {
    for (const [seq, m] of this.missing) {
      if (now - m.since > NACK_MAX_AGE_MS || m.tries >= NACK_MAX_TRIES) {
        this.missing.delete(seq);
        continue;
      }
      if (m.tries > 0 && now - m.sentAt < NACK_RETRY_MS) continue;
      m.tries++;
      m.sentAt = now;
      out.push(seq);
    }
  }

  get hasMissing(): boolean {
    return this.missing.size > 0;
  }

  /** https://www.rfc-editor.org/rfc/rfc3550#appendix-A.3: one report block, and start a new interval. */
  report(): ReceptionReport | null {
    if (!this.started) return null;
    const extMax = this.cycles + this.maxSeq;
    const expected = extMax - this.baseSeq + 1;
    // Cumulative loss is signed 24-bit; duplicates can make it negative, reported as 0 here.
    const packetsLost = Math.max(0, Math.min(0x7fffff, expected - this.received));
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval << 8) / expectedInterval));
    return { ssrc: this.ssrc, fractionLost, packetsLost, highestSequence: extMax >>> 0, jitter: Math.floor(this.jitter) >>> 0 };
  }
}
