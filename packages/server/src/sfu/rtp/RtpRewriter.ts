/**
 * Maps an incoming stream (possibly switching between simulcast layers with their own SSRC,
 * sequence and timestamp spaces) onto one continuous outgoing stream.
 * Gaps inside one source are kept (so the subscriber's NACKs still line up), and every switch
 * continues right after the last sent packet.
 * https://www.rfc-editor.org/rfc/rfc7667#section-3.7 (RTP middlebox: selective forwarding)
 */
export class RtpRewriter {
  private seqOffset = 0;
  private tsOffset = 0;
  private lastSeq = -1;
  private lastTs = 0;
  private lastSentAt = 0;
  /** Rollover counter of the outgoing sequence numbers (for SRTP). */
  roc = 0;
  private pendingSwitch = true;

  constructor(private readonly clockRate: number) {}

  /** The next packet comes from a different source (layer switch): re-anchor offsets there. */
  switchSource(): void {
    this.pendingSwitch = true;
  }

  /** Outgoing seq and ts for an incoming packet; also advances ROC on wrap. */
  map(seq: number, ts: number, now: number): { seq: number; ts: number } {
    if (this.pendingSwitch) {
      this.pendingSwitch = false;
      if (this.lastSeq >= 0) {
        const step = Math.max(1, Math.round(((now - this.lastSentAt) * this.clockRate) / 1000));
        this.seqOffset = (this.lastSeq + 1 - seq) & 0xffff;
        this.tsOffset = (this.lastTs + step - ts) >>> 0;
      } else {
        this.seqOffset = 0;
        this.tsOffset = 0;
      }
    }
    const outSeq = (seq + this.seqOffset) & 0xffff;
    const outTs = (ts + this.tsOffset) >>> 0;
    // Forward progress only (a late or reordered packet keeps the newer state).
    const ahead = this.lastSeq < 0 || ((outSeq - this.lastSeq) & 0xffff) < 0x8000;
    if (ahead) {
      if (this.lastSeq >= 0 && outSeq < this.lastSeq) this.roc = (this.roc + 1) >>> 0;
      this.lastSeq = outSeq;
      this.lastTs = outTs;
      this.lastSentAt = now;
    }
    return { seq: outSeq, ts: outTs };
  }

  /** ROC to use for an outgoing seq (handles packets just before a wrap sent after it). */
  rocFor(outSeq: number): number {
    if (this.lastSeq < 0) return this.roc;
    if (outSeq > this.lastSeq && outSeq - this.lastSeq > 0x8000) return (this.roc - 1) >>> 0;
    return this.roc;
  }

  get lastTimestamp(): number {
    return this.lastTs;
  }
  get lastSentTime(): number {
    return this.lastSentAt;
  }
}
