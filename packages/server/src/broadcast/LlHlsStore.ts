import { renderPlaylist, type PlaylistSegment } from './llhlsPlaylist.ts';

/**
 * One Space's LL-HLS stream in memory (draft-pantos-hls-rfc8216bis-16): ffmpeg's fMP4 fragments
 * arrive as parts; every `partsPerSegment` parts close a full segment whose body is the
 * concatenation of its parts (moof+mdat, moof+mdat, …, all after the run's init section). Blocking
 * playlist reloads and preload-hinted part requests wait on one shared promise per awaited
 * (msn, part), settled when that part arrives or after `blockTimeoutMs`; the playlist is rendered
 * at most once per change. So the work per listener is serving bytes from memory.
 */
export interface LlHlsStoreOptions {
  partsPerSegment: number;
  /** PART-TARGET, seconds: no part is longer. */
  partTarget: number;
  /** EXT-X-TARGETDURATION (never changes, RFC 8216 §6.2.1): segment durations round to at most this. */
  targetDuration: number;
  /** Complete segments listed in the playlist. */
  windowSegments: number;
  /** Complete segments at the end whose parts are listed too (§4.4.4.9: the last 3 target durations). */
  partSegments: number;
  /** Complete segments kept in memory (a slow player may still want one that left the playlist). */
  retainSegments: number;
  /** Media sequence number of the first segment. */
  firstMsn: number;
  /** Distinguishes this store's ETags from another egress's for the same Space. */
  tag: string;
  blockTimeoutMs: number;
}

export interface PlaylistSnapshot {
  body: Buffer;
  etag: string;
}

interface Part {
  name: string;
  msn: number;
  index: number;
  duration: number;
}

interface Segment extends PlaylistSegment {
  parts: Part[];
}

interface Wait {
  msn: number;
  part: number | undefined;
  promise: Promise<boolean>;
  resolve: (ok: boolean) => void;
  timer: NodeJS.Timeout;
}

/** `<run>-<msn>.<index>.m4s`: a part's name. */
export const PART_NAME = /^([a-z0-9]{1,16})-([0-9]{1,16})\.([0-9]{1,2})\.m4s$/;

export class LlHlsStore {
  /** Complete segments, oldest first, then possibly the open one. */
  private readonly segments: Segment[] = [];
  private readonly inits = new Map<string, Buffer>();
  private readonly files = new Map<string, Buffer>();
  private readonly waits = new Map<string, Wait>();
  /** The ffmpeg run whose fragments we are receiving (null between runs). */
  private run: string | null = null;
  private nextMsn: number;
  private discontinuityNext = false;
  /** Discontinuities that left memory (EXT-X-DISCONTINUITY-SEQUENCE counts them). */
  private discontinuityBase = 0;
  private last: { msn: number; index: number } | null = null;
  private lastComplete = -1;
  private version = 0;
  private snap: { version: number; value: PlaylistSnapshot | null } = { version: -1, value: null };
  private closed = false;

  constructor(private readonly opts: LlHlsStoreOptions) {
    this.nextMsn = opts.firstMsn;
  }

  /** Whether a full segment exists (players can start). */
  get hasSegment(): boolean {
    return this.lastComplete >= 0;
  }

  /** A new ffmpeg run wrote its init section; its first segment starts a discontinuity if any came before. */
  startRun(run: string, init: Buffer): void {
    if (this.closed) return;
    this.endRun();
    this.run = run;
    this.inits.set(run, init);
    this.discontinuityNext = this.nextMsn > this.opts.firstMsn;
  }

  /** The run ended (ffmpeg exited): close its open segment however many parts it has. */
  endRun(): void {
    const open = this.open;
    if (open && open.parts.length > 0) this.closeSegment(open);
    else if (open) this.segments.pop();
    if (this.run !== null) {
      this.run = null;
      this.changed();
    }
  }

  addPart(data: Buffer, duration: number): void {
    const run = this.run;
    if (this.closed || run === null) return;
    let seg = this.open;
    if (!seg) {
      seg = { msn: this.nextMsn++, run, name: null, duration: 0, parts: [], discontinuity: this.discontinuityNext };
      this.discontinuityNext = false;
      this.segments.push(seg);
    }
    const part: Part = { name: `${run}-${seg.msn}.${seg.parts.length}.m4s`, msn: seg.msn, index: seg.parts.length, duration };
    seg.parts.push(part);
    this.files.set(part.name, data);
    this.last = { msn: part.msn, index: part.index };
    if (seg.parts.length >= this.opts.partsPerSegment) this.closeSegment(seg);
    this.changed();
  }

  private get open(): Segment | undefined {
    const s = this.segments.at(-1);
    return s && s.name === null ? s : undefined;
  }

  private closeSegment(seg: Segment): void {
    seg.name = `${seg.run}-${seg.msn}.m4s`;
    seg.duration = seg.parts.reduce((a, p) => a + p.duration, 0);
    this.files.set(seg.name, Buffer.concat(seg.parts.map((p) => this.files.get(p.name)!)));
    this.lastComplete = seg.msn;
    while (this.segments.length > this.opts.retainSegments) {
      const old = this.segments.shift()!;
      if (old.discontinuity) this.discontinuityBase++;
      this.files.delete(old.name!);
      for (const p of old.parts) this.files.delete(p.name);
    }
    for (const run of this.inits.keys()) if (run !== this.run && !this.segments.some((s) => s.run === run)) this.inits.delete(run);
  }

  /** The current playlist (rendered once per change), or null before the first full segment. */
  playlist(): PlaylistSnapshot | null {
    if (this.closed || !this.hasSegment) return null;
    if (this.snap.version === this.version) return this.snap.value;
    const complete = this.segments.filter((s) => s.name !== null);
    const window = [...complete.slice(-this.opts.windowSegments), ...(this.open ? [this.open] : [])];
    const start = this.segments.indexOf(window[0]!);
    const dropped = this.segments.slice(0, start).filter((s) => s.discontinuity).length;
    const body = renderPlaylist({
      targetDuration: this.opts.targetDuration,
      partTarget: this.opts.partTarget,
      partHoldBack: 3 * this.opts.partTarget,
      discontinuitySequence: this.discontinuityBase + dropped + (window[0]!.discontinuity ? 1 : 0),
      segments: window,
      partSegments: this.opts.partSegments,
      preloadHint: this.hint(),
    });
    const value = { body: Buffer.from(body), etag: `"${this.opts.tag}-${this.version}"` };
    this.snap = { version: this.version, value };
    return value;
  }

  /** The next part's name, once the current run has a part in the playlist. */
  private hint(): string | null {
    const run = this.run;
    const open = this.open;
    if (run === null) return null;
    if (open) return open.run === run ? `${run}-${open.msn}.${open.parts.length}.m4s` : null;
    return this.segments.at(-1)?.run === run ? `${run}-${this.nextMsn}.0.m4s` : null;
  }

  /** Init sections, parts and segments still in memory. */
  file(name: string): Buffer | null {
    if (this.closed) return null;
    if (name.endsWith('-init.mp4')) return this.inits.get(name.slice(0, -'-init.mp4'.length)) ?? null;
    return this.files.get(name) ?? null;
  }

  /**
   * §6.2.5.2: a request for a segment more than two beyond the last one, or for a part more than
   * the Advance Part Limit (3 / PART-TARGET parts) beyond the last part, is a Bad Request.
   */
  check(msn: number, part: number | undefined): 'ok' | 'bad-request' {
    const last = this.last;
    if (!last) return msn <= this.nextMsn + 2 ? 'ok' : 'bad-request';
    if (msn > last.msn + 2) return 'bad-request';
    if (part !== undefined && (msn - last.msn) * this.opts.partsPerSegment + part - last.index > 3 / this.opts.partTarget) return 'bad-request';
    return 'ok';
  }

  /** Whether the playlist holds segment `msn` (complete) or, with `part`, that part of it or anything later. */
  satisfied(msn: number, part: number | undefined): boolean {
    if (part === undefined) return this.lastComplete >= msn;
    const last = this.last;
    return !!last && (last.msn > msn || (last.msn === msn && last.index >= part));
  }

  /** Resolves true once satisfied(msn, part), false after the block timeout or on close. Shared per (msn, part). */
  wait(msn: number, part: number | undefined): Promise<boolean> {
    if (this.satisfied(msn, part)) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    const key = `${msn}.${part ?? ''}`;
    const existing = this.waits.get(key);
    if (existing) return existing.promise;
    let resolve!: (ok: boolean) => void;
    const promise = new Promise<boolean>((r) => (resolve = r));
    const timer = setTimeout(() => {
      this.waits.delete(key);
      resolve(false);
    }, this.opts.blockTimeoutMs);
    timer.unref();
    this.waits.set(key, { msn, part, promise, resolve, timer });
    return promise;
  }

  /**
   * A part that is not in memory yet: if it is the preload-hinted part (or a few parts beyond, in
   * the current run), wait for it (§4.4.5.3); null if it will not come.
   */
  async awaitPart(name: string): Promise<Buffer | null> {
    const hit = this.file(name);
    if (hit) return hit;
    const m = PART_NAME.exec(name);
    if (!m || m[1] !== this.run) return null;
    const msn = Number(m[2]);
    const index = Number(m[3]);
    if (index >= this.opts.partsPerSegment || this.check(msn, index) !== 'ok') return null;
    await this.wait(msn, index);
    return this.file(name);
  }

  private changed(): void {
    this.version++;
    for (const [key, w] of this.waits) {
      if (!this.satisfied(w.msn, w.part)) continue;
      clearTimeout(w.timer);
      this.waits.delete(key);
      w.resolve(true);
    }
  }

  /** Release everything; waiting requests resolve (false) at once. */
  close(): void {
    this.closed = true;
    this.run = null;
    for (const w of this.waits.values()) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waits.clear();
    this.files.clear();
    this.inits.clear();
    this.segments.length = 0;
  }
}
