/**
 * Ring sounds made with Web Audio (no audio files): a two-tone ring for an incoming call, one
 * soft beep every few seconds for call waiting, and a quiet ringback while my own call rings.
 * Browsers may refuse to start audio without a user gesture: then the context is resumed on the
 * next click or key press, and `blocked` tells the UI to say so.
 */
export type RingKind = 'ring' | 'waiting' | 'ringback';

/** One cycle of each pattern: tones as [startSeconds, durationSeconds, frequencies, gain]. */
export const PATTERNS: Record<RingKind, { period: number; tones: [number, number, number[], number][] }> = {
  ring: {
    period: 3,
    tones: [
      [0, 0.4, [660, 880], 0.18],
      [0.5, 0.4, [660, 880], 0.18],
    ],
  },
  waiting: { period: 5, tones: [[0, 0.25, [440], 0.06]] },
  ringback: { period: 4, tones: [[0, 1.2, [440, 480], 0.05]] },
};

type Ctx = AudioContext;

export class Ringtone {
  private ctx: Ctx | null = null;
  private kind: RingKind | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private nodes: OscillatorNode[] = [];
  private unlock: (() => void) | null = null;
  /** True while the browser blocks audio until the user interacts with the page. */
  blocked = false;
  onBlockedChange: (blocked: boolean) => void = () => undefined;

  play(kind: RingKind): void {
    if (this.kind === kind) return;
    this.stop();
    const AC = (globalThis as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext }).AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!AC) return;
    this.kind = kind;
    try {
      this.ctx ??= new AC();
    } catch {
      return;
    }
    const ctx = this.ctx;
    const cycle = () => this.schedule(ctx, kind);
    const begin = () => {
      if (this.kind !== kind || this.timer) return;
      cycle();
      this.timer = setInterval(cycle, PATTERNS[kind].period * 1000);
    };
    if (ctx.state === 'running') begin();
    else {
      void ctx.resume().then(begin, () => undefined);
      // Still suspended shortly after: autoplay policy. Wait for a gesture.
      setTimeout(() => {
        if (this.kind !== kind || ctx.state === 'running') return;
        this.setBlocked(true);
        const unlock = () => {
          this.removeUnlock();
          void ctx.resume().then(() => {
            this.setBlocked(false);
            begin();
          }, () => undefined);
        };
        this.unlock = unlock;
        window.addEventListener('pointerdown', unlock, true);
        window.addEventListener('keydown', unlock, true);
      }, 300);
    }
    if (kind === 'ring' && 'vibrate' in navigator) navigator.vibrate?.([400, 100, 400, 2100]);
  }

  private schedule(ctx: Ctx, kind: RingKind): void {
    const now = ctx.currentTime + 0.05;
    for (const [start, duration, freqs, gain] of PATTERNS[kind].tones) {
      const g = ctx.createGain();
      g.gain.setValueAtTime(0, now + start);
      g.gain.linearRampToValueAtTime(gain / freqs.length, now + start + 0.02);
      g.gain.setValueAtTime(gain / freqs.length, now + start + duration - 0.03);
      g.gain.linearRampToValueAtTime(0, now + start + duration);
      g.connect(ctx.destination);
      for (const f of freqs) {
        const o = ctx.createOscillator();
        o.type = 'sine';
        o.frequency.value = f;
        o.connect(g);
        o.start(now + start);
        o.stop(now + start + duration + 0.01);
        o.onended = () => {
          this.nodes = this.nodes.filter((n) => n !== o);
          o.disconnect();
          g.disconnect();
        };
        this.nodes.push(o);
      }
    }
  }

  stop(): void {
    this.kind = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const o of this.nodes) {
      try {
        o.stop();
      } catch {
        // already stopped
      }
    }
    this.nodes = [];
    this.removeUnlock();
    this.setBlocked(false);
    if ('vibrate' in navigator) navigator.vibrate?.(0);
  }

  get playing(): RingKind | null {
    return this.kind;
  }

  private removeUnlock(): void {
    if (!this.unlock) return;
    window.removeEventListener('pointerdown', this.unlock, true);
    window.removeEventListener('keydown', this.unlock, true);
    this.unlock = null;
  }

  private setBlocked(b: boolean): void {
    if (this.blocked === b) return;
    this.blocked = b;
    this.onBlockedChange(b);
  }

  dispose(): void {
    this.stop();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }
}
