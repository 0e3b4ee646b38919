/**
 * The last N packets sent on one stream, by outgoing sequence number, for answering NACKs: what a
 * retransmission needs to rebuild a packet (timestamp, marker, the payload — shared, not copied)
 * and when it was last resent. One history per consumer, so a lossy subscriber is served from its
 * own and never affects anyone else.
 * https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 (Generic NACK)
 *
 * Kept in parallel typed arrays rather than one record object per packet: storing is on the
 * forwarding hot path (once per packet per subscriber), and records were a large share of the
 * young-generation garbage there.
 */
export class SentHistory {
  private readonly seqs: Int32Array;
  private readonly payloads: (Buffer | undefined)[];
  private readonly sentAt: Float64Array;
  private readonly timestamps: Float64Array;
  private readonly markers: Uint8Array;
  private readonly resentAt: Float64Array;

  constructor(
    private readonly size = 1024,
    private readonly maxAgeMs = 2000,
  ) {
    this.seqs = new Int32Array(size).fill(-1);
    this.payloads = new Array<Buffer | undefined>(size).fill(undefined);
    this.sentAt = new Float64Array(size);
    this.timestamps = new Float64Array(size);
    this.markers = new Uint8Array(size);
    this.resentAt = new Float64Array(size);
  }

  store(seq: number, ts: number, marker: boolean, payload: Buffer, now: number): void {
    const i = seq % this.size;
    this.seqs[i] = seq;
    this.payloads[i] = payload;
    this.sentAt[i] = now;
    this.timestamps[i] = ts;
    this.markers[i] = marker ? 1 : 0;
    this.resentAt[i] = 0;
  }

  /** The slot holding `seq` if it is still there and young enough to be worth resending, else -1. */
  find(seq: number, now: number): number {
    const i = seq % this.size;
    if (this.seqs[i] !== seq || now - this.sentAt[i]! > this.maxAgeMs) return -1;
    return i;
  }

  payload(slot: number): Buffer {
    return this.payloads[slot]!;
  }
  timestamp(slot: number): number {
    return this.timestamps[slot]!;
  }
  marker(slot: number): boolean {
    return this.markers[slot] === 1;
  }
  /** When the packet in `slot` was last resent (0 = never). */
  lastResent(slot: number): number {
    return this.resentAt[slot]!;
  }
  markResent(slot: number, now: number): void {
    this.resentAt[slot] = now;
  }

  clear(): void {
    this.seqs.fill(-1);
    this.payloads.fill(undefined);
  }
}
