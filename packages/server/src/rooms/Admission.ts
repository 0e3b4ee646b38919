import type { Member } from './Member.ts';
import type { Room } from './Room.ts';

export interface AdmissionOptions {
  /** Listeners a Space serves over WebRTC on this node; beyond that, joiners wait in line. */
  capacity: number;
  /** Listener admissions per second per Space (a join storm is let in at this pace). */
  perSecond: number;
}

/**
 * Admission control for Space listeners: a join storm never becomes an outage. A listener is let
 * in at once while the Space has WebRTC seats and the admission rate allows; otherwise they wait
 * in a FIFO queue with a clear status (`queued`, their position, and why: `full` or `busy`) and are
 * admitted automatically, in order, as seats and rate allow. Speakers, hosts and everyone already
 * in are never affected: the queue only delays new listeners.
 */
export class Admission {
  private readonly queue: Member[] = [];
  private tokens: number;
  private lastRefill = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly room: Room,
    private readonly opts: AdmissionOptions,
  ) {
    this.tokens = Math.max(1, opts.perSecond);
  }

  get waiting(): number {
    return this.queue.length;
  }

  position(m: Member): number {
    return this.queue.indexOf(m) + 1;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.opts.perSecond, this.tokens + ((now - this.lastRefill) / 1000) * this.opts.perSecond);
    this.lastRefill = now;
  }

  private full(): boolean {
    return this.room.stage.audienceCount() >= this.opts.capacity;
  }

  /** Decide for a new Space listener: true = admit now (a token is taken), false = queued. */
  tryAdmit(m: Member): boolean {
    this.refill();
    if (this.queue.length === 0 && !this.full() && this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.queue.push(m);
    m.status = 'queued';
    this.schedule();
    return false;
  }

  reason(): 'full' | 'busy' {
    return this.full() ? 'full' : 'busy';
  }

  remove(m: Member): void {
    const i = this.queue.indexOf(m);
    if (i < 0) return;
    this.queue.splice(i, 1);
    this.announcePositions(i);
  }

  /** A seat may have freed up (someone left): try the line again. */
  seatFreed(): void {
    if (this.queue.length > 0) this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => void this.drain(), Math.max(20, Math.ceil(1000 / this.opts.perSecond)));
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    this.timer = null;
    this.refill();
    let admitted = 0;
    while (this.queue.length > 0 && this.tokens >= 1 && !this.full()) {
      const m = this.queue.shift()!;
      this.tokens -= 1;
      admitted++;
      await this.room.admitQueued(m);
    }
    if (admitted > 0) this.announcePositions(0);
    // Still waiting for the rate: keep draining. Full: wait for seatFreed().
    if (this.queue.length > 0 && !this.full()) this.schedule();
  }

  private announcePositions(from: number): void {
    const reason = this.reason();
    for (let i = from; i < this.queue.length; i++) {
      this.queue[i]!.notify({ method: 'queued', data: { position: i + 1, reason } });
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.queue.length = 0;
  }
}
