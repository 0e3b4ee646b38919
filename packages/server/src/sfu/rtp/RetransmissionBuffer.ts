/**
 * Last N packets sent on one stream, by outgoing sequence number, for answering NACKs. One buffer
 * per consumer, so a lossy subscriber is served from its own history and never affects anyone else.
 * https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1 (Generic NACK)
 */
export class RetransmissionBuffer<T = Buffer> {
  private readonly seqs: Int32Array;
  private readonly packets: (T | undefined)[];
  private readonly sentAt: Float64Array;

  constructor(
    private readonly size = 1024,
    private readonly maxAgeMs = 2000,
  ) {
    this.seqs = new Int32Array(size).fill(-1);
    this.packets = new Array<T | undefined>(size);
    this.sentAt = new Float64Array(size);
  }

  store(seq: number, packet: T, now: number): void {
    const i = seq % this.size;
    this.seqs[i] = seq;
    this.packets[i] = packet;
    this.sentAt[i] = now;
  }

  /** The stored packet for `seq`, if still held and young enough to be worth resending. */
  get(seq: number, now: number): T | undefined {
    const i = seq % this.size;
    if (this.seqs[i] !== seq) return undefined;
    if (now - this.sentAt[i]! > this.maxAgeMs) return undefined;
    return this.packets[i];
  }

  clear(): void {
    this.seqs.fill(-1);
    this.packets.fill(undefined);
  }
}
