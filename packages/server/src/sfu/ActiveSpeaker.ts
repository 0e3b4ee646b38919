/**
 * Dominant-speaker detection from RFC 6464 audio levels, with hysteresis.
 *
 * Time is cut into bins (100 ms). A bin counts as speech when at least half of its packets are
 * louder than `speechLevel` -dBov. A participant's score is the number of speech bins in the last
 * `windowBins`. The main speaker changes only when a challenger has spoken for at least
 * `minSpeechBins` of the window, beats the current speaker by `switchMargin` bins, and the current
 * speaker has held the floor for `minHoldMs`. A cough (one or two loud bins) never wins; a
 * speaker who pauses keeps the floor until someone else really talks (Meet/Zoom behaviour).
 * Pure and clock-injected: the caller feeds levels and calls `tick(now)`.
 */
export interface ActiveSpeakerOptions {
  binMs: number;
  windowBins: number;
  speechLevel: number;
  minSpeechBins: number;
  switchMargin: number;
  minHoldMs: number;
}

export const DEFAULT_ACTIVE_SPEAKER: ActiveSpeakerOptions = {
  binMs: 100,
  windowBins: 15,
  speechLevel: 50,
  minSpeechBins: 6,
  switchMargin: 3,
  minHoldMs: 1200,
};

interface Track {
  loud: number;
  packets: number;
  bins: Uint8Array;
  head: number;
  score: number;
}

export class ActiveSpeakerDetector {
  private readonly opts: ActiveSpeakerOptions;
  private readonly tracks = new Map<string, Track>();
  private current: string | null = null;
  private lastSwitchAt = -Infinity;
  private lastBinAt: number | null = null;

  constructor(opts: Partial<ActiveSpeakerOptions> = {}) {
    this.opts = { ...DEFAULT_ACTIVE_SPEAKER, ...opts };
  }

  get speaker(): string | null {
    return this.current;
  }

  /** Hot path: one call per audio packet, no allocation. */
  addLevel(id: string, level: number): void {
    let t = this.tracks.get(id);
    if (!t) {
      t = { loud: 0, packets: 0, bins: new Uint8Array(this.opts.windowBins), head: 0, score: 0 };
      this.tracks.set(id, t);
    }
    t.packets++;
    if (level <= this.opts.speechLevel) t.loud++;
  }

  /** Forget a participant; returns the new speaker if that changed it. */
  remove(id: string): string | null | undefined {
    this.tracks.delete(id);
    if (this.current !== id) return undefined;
    this.current = null;
    return null;
  }

  /** Close every bin that ended before `now`; returns the new speaker when it changes, else undefined. */
  tick(now: number): string | null | undefined {
    if (this.lastBinAt === null) this.lastBinAt = now;
    let changed: string | null | undefined;
    while (now - this.lastBinAt >= this.opts.binMs) {
      this.lastBinAt += this.opts.binMs;
      const r = this.closeBin(this.lastBinAt);
      if (r !== undefined) changed = r;
    }
    return changed;
  }

  private closeBin(now: number): string | null | undefined {
    for (const t of this.tracks.values()) {
      const speech = t.packets > 0 && t.loud * 2 >= t.packets ? 1 : 0;
      t.score += speech - t.bins[t.head]!;
      t.bins[t.head] = speech;
      t.head = (t.head + 1) % t.bins.length;
      t.loud = 0;
      t.packets = 0;
    }
    let best: string | null = null;
    let bestScore = -1;
    for (const [id, t] of this.tracks) {
      if (id !== this.current && t.score > bestScore) {
        best = id;
        bestScore = t.score;
      }
    }
    if (best === null || bestScore < this.opts.minSpeechBins) return undefined;
    const currentScore = this.current === null ? 0 : (this.tracks.get(this.current)?.score ?? 0);
    if (this.current !== null) {
      if (bestScore < currentScore + this.opts.switchMargin) return undefined;
      if (now - this.lastSwitchAt < this.opts.minHoldMs) return undefined;
    }
    this.current = best;
    this.lastSwitchAt = now;
    return best;
  }
}
