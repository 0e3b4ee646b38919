/**
 * A simulated HLS player for the glass-to-glass bench: fetches the playlist and media the way a
 * real player does, and keeps a playout clock, so "when would this sample be heard" is a number.
 *
 * - 'll' (hls.js lowLatencyMode, Safari LL-HLS): starts PART-HOLD-BACK behind the end of the last
 *   part, then blocking playlist reloads (`_HLS_msn`/`_HLS_part` for the next part) and fetches
 *   each new part as soon as it is listed.
 * - 'classic' (RFC 8216 players, hls.js without low-latency mode): ignores parts, starts three
 *   target durations behind the end of the last full segment (hls.js liveSyncDurationCount 3,
 *   the spec's default HOLD-BACK), reloads the playlist every target duration, fetches new segments.
 *
 * Playout: playback starts when the first needed media is in, then runs in real time; if media
 * arrives after its playout time, the player stalls until it arrives (no catch-up playback rate).
 */
import http from 'node:http';
import { find, fragmentTiming } from '../packages/server/src/broadcast/fmp4.ts';

export interface Media {
  name: string;
  /** Media time (seconds, fMP4 decode time) of the first and after the last sample. */
  start: number;
  end: number;
  /** Wall clock (ms) when the bytes were in. */
  arrivedAt: number;
  data: Buffer;
}

interface Listed {
  segments: { name: string; msn: number; duration: number }[];
  parts: { name: string; msn: number; index: number; duration: number }[];
  init: string;
  partHoldBack: number;
  targetDuration: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function get(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export function parsePlaylist(text: string): Listed {
  const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
  const out: Listed = {
    segments: [],
    parts: [],
    init: [...text.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)].at(-1)?.[1] ?? '',
    partHoldBack: Number(/PART-HOLD-BACK=([\d.]+)/.exec(text)?.[1] ?? NaN),
    targetDuration: Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(text)?.[1] ?? NaN),
  };
  let duration = 0;
  for (const line of text.split('\n')) {
    const msn = seq + out.segments.length;
    const part = /^#EXT-X-PART:DURATION=([\d.]+),URI="([^"]+)"/.exec(line);
    const inf = /^#EXTINF:([\d.]+)/.exec(line);
    if (part) out.parts.push({ name: part[2]!, msn, index: out.parts.filter((p) => p.msn === msn).length, duration: Number(part[1]) });
    else if (inf) duration = Number(inf[1]);
    else if (line && !line.startsWith('#')) out.segments.push({ name: line.trim(), msn, duration });
  }
  return out;
}

/** Media time span of concatenated moof+mdat fragments. */
function span(data: Buffer, timescale: number, trex: number): { start: number; end: number } {
  let start = NaN;
  let end = NaN;
  for (let at = 0; at + 8 <= data.length; ) {
    const size = data.readUInt32BE(at);
    if (size < 8) break;
    if (data.toString('latin1', at + 4, at + 8) === 'moof') {
      const t = fragmentTiming(data.subarray(at, at + size), trex);
      if (Number.isNaN(start)) start = t.baseTime / timescale;
      end = (t.baseTime + t.ticks) / timescale;
    }
    at += size;
  }
  return { start, end };
}

export class SimPlayer {
  init: Buffer = Buffer.alloc(0);
  private timescale = 0;
  private trex = 0;
  private startMedia = 0;
  private playStartWall = 0;
  private stall = 0;
  private stopped = false;
  private readonly seen = new Set<string>();
  private loop: Promise<void> = Promise.resolve();
  /** Every media object fetched, in order. */
  onMedia: (m: Media) => void = () => undefined;

  constructor(
    private readonly base: string,
    readonly mode: 'll' | 'classic',
  ) {}

  /** Join the stream now; resolves once playback would have started. */
  async start(): Promise<void> {
    const p = parsePlaylist((await get(`${this.base}/index.m3u8`)).body.toString());
    this.init = (await get(`${this.base}/${p.init}`)).body;
    const moov = this.init.subarray(this.init.readUInt32BE(0)); // after ftyp
    const mdhd = find(moov, ['trak', 'mdia', 'mdhd'])!;
    this.timescale = mdhd.readUInt32BE(mdhd[0] === 1 ? 20 : 12);
    this.trex = find(moov, ['mvex', 'trex'])?.readUInt32BE(12) ?? 0;
    // Everything listed counts as seen; fetch back from the edge what covers the hold-back.
    const items = this.mode === 'll' ? p.parts : p.segments;
    for (const x of items) this.seen.add(x.name);
    const holdBack = this.mode === 'll' ? p.partHoldBack : 3 * p.targetDuration;
    const need: string[] = [];
    let covered = 0;
    for (let i = items.length - 1; i >= 0 && covered < holdBack; i--) {
      need.unshift(items[i]!.name);
      covered += items[i]!.duration;
    }
    const media = await Promise.all(need.map((n) => this.fetch(n)));
    const edge = media.at(-1)!.end;
    this.startMedia = Math.max(media[0]!.start, edge - holdBack);
    this.playStartWall = Date.now();
    for (const m of media) this.account(m, false);
    this.loop = this.mode === 'll' ? this.llLoop(p) : this.classicLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Wall clock (ms) at which media time `t` plays out, given the stalls so far. */
  playout(t: number): number {
    return this.playStartWall + (t - this.startMedia) * 1000 + this.stall;
  }

  private async fetch(name: string): Promise<Media> {
    const r = await get(`${this.base}/${name}`);
    if (r.status !== 200) throw new Error(`GET ${name}: ${r.status}`);
    return { name, ...span(r.body, this.timescale, this.trex), arrivedAt: Date.now(), data: r.body };
  }

  private firstLive: Media | null = null;
  private lastLive: Media | null = null;

  /** Media seconds produced per wall second since the player joined (1.0: the pipeline keeps real time). */
  mediaRate(): number {
    const a = this.firstLive;
    const b = this.lastLive;
    return a && b && b.arrivedAt > a.arrivedAt ? (b.end - a.end) / ((b.arrivedAt - a.arrivedAt) / 1000) : NaN;
  }

  private account(m: Media, live = true): void {
    if (live) {
      this.firstLive ??= m;
      this.lastLive = m;
    }
    const due = this.playout(m.start);
    if (m.end > this.startMedia && m.arrivedAt > due) this.stall += m.arrivedAt - due;
    this.onMedia(m);
  }

  private async llLoop(first: Listed): Promise<void> {
    let p = first;
    while (!this.stopped) {
      const last = p.parts.at(-1)!;
      const next = p.segments.at(-1)?.msn === last.msn ? { msn: last.msn + 1, part: 0 } : { msn: last.msn, part: last.index + 1 };
      const r = await get(`${this.base}/index.m3u8?_HLS_msn=${next.msn}&_HLS_part=${next.part}`);
      if (r.status !== 200) continue;
      p = parsePlaylist(r.body.toString());
      for (const x of p.parts) {
        if (this.seen.has(x.name)) continue;
        this.seen.add(x.name);
        this.account(await this.fetch(x.name));
      }
    }
  }

  private async classicLoop(): Promise<void> {
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, 1000)); // reload every target duration
      const p = parsePlaylist((await get(`${this.base}/index.m3u8`)).body.toString());
      for (const x of p.segments) {
        if (this.seen.has(x.name)) continue;
        this.seen.add(x.name);
        this.account(await this.fetch(x.name));
      }
    }
  }
}
