import { systemClock, type Clock } from './clock.ts';

export interface RateLimiterOptions {
  /** Attempts allowed per key within `windowMs`. */
  limit: number;
  windowMs: number;
  now?: Clock;
  /** Bound on tracked keys; the oldest keys are forgotten first. */
  maxKeys?: number;
}

/**
 * Sliding-window log: remembers the time of the last `limit` attempts per key.
 * A key is blocked while `limit` attempts fall inside the window; `retryAfterMs` says until when.
 * Callers decide what counts as an attempt (usually failures only) by calling `hit`.
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: Clock;
  readonly #maxKeys: number;
  readonly #hits = new Map<string, number[]>();

  constructor(opts: RateLimiterOptions) {
    if (!(opts.limit >= 1) || !(opts.windowMs > 0)) throw new RangeError('limit must be >= 1 and windowMs > 0');
    this.#limit = opts.limit;
    this.#windowMs = opts.windowMs;
    this.#now = opts.now ?? systemClock;
    this.#maxKeys = opts.maxKeys ?? 100_000;
  }

  /** Milliseconds until `key` may try again; 0 when an attempt is allowed now. */
  retryAfterMs(key: string): number {
    const recent = this.#recent(key, this.#now());
    if (recent.length < this.#limit) return 0;
    const oldest = recent[recent.length - this.#limit] ?? 0;
    return Math.max(1, oldest + this.#windowMs - this.#now());
  }

  /** Record one attempt under `key`. */
  hit(key: string): void {
    const now = this.#now();
    const recent = this.#recent(key, now);
    recent.push(now);
    if (recent.length > this.#limit) recent.splice(0, recent.length - this.#limit);
    // Re-insert so Map order is least-recently-hit first, then evict beyond the bound.
    this.#hits.delete(key);
    this.#hits.set(key, recent);
    while (this.#hits.size > this.#maxKeys) {
      const first = this.#hits.keys().next();
      if (first.done) break;
      this.#hits.delete(first.value);
    }
  }

  reset(key: string): void {
    this.#hits.delete(key);
  }

  get size(): number {
    return this.#hits.size;
  }

  #recent(key: string, now: number): number[] {
    const list = this.#hits.get(key);
    if (!list) return [];
    const fresh = list.filter((t) => t > now - this.#windowMs);
    if (fresh.length === 0) this.#hits.delete(key);
    else if (fresh.length !== list.length) this.#hits.set(key, fresh);
    return fresh;
  }
}
