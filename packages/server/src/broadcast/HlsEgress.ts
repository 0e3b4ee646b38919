import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../telemetry/logger.ts';

/** Playlist name inside the output directory (the URL is /hls/:spaceId/index.m3u8). */
export const PLAYLIST = 'index.m3u8';
/** Media file names ffmpeg writes for us: `<run>-init.mp4` and `<run>-<sequence>.m4s`. */
export const MEDIA_NAME = /^[a-z0-9]{1,16}-(?:init\.mp4|[0-9]{1,16}\.m4s)$/;
const PLAYLIST_MAX_AGE_MS = 200;
const SEGMENT_CACHE = 24;
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 10_000;
/** A run that lasted this long resets the restart backoff. */
const HEALTHY_RUN_MS = 30_000;

export interface HlsEgressOptions {
  spaceId: string;
  ffmpeg: string;
  slots: number;
  bitrateKbps: number;
  /** Parent of this egress's own temporary directory. */
  baseDir: string;
  log: Logger;
  /** Ask the media worker to send the room's audio to these UDP ports on 127.0.0.1 (one per slot). */
  startRtp(ports: number[]): Promise<void>;
  stopRtp(): Promise<void>;
}

export interface PlaylistSnapshot {
  body: Buffer;
  etag: string;
  /** Media file names the playlist references (EXT-X-MAP and segments). */
  names: Set<string>;
}

/**
 * One Space's broadcast: the media worker sends the speakers' audio as plain RTP (one stream per
 * slot) to local UDP ports; ffmpeg mixes the slots (amix), encodes AAC and writes a live HLS
 * playlist with fMP4 segments into a temporary directory; the origin serves them from memory.
 * ffmpeg runs in its own process group and is restarted (new ports, new file prefix, with a
 * discontinuity) if it dies while the Space is live.
 */
export class HlsEgress {
  private state: 'starting' | 'live' | 'stopped' = 'starting';

  /**
   * 'live' once ffmpeg has written a playlist (it does so after the first complete segment),
   * whether or not anyone has fetched it yet.
   */
  get status(): 'starting' | 'live' | 'stopped' {
    if (this.state === 'starting' && this.dir && existsSync(path.join(this.dir, PLAYLIST))) this.state = 'live';
    return this.state;
  }

  set status(s: 'starting' | 'live' | 'stopped') {
    this.state = s;
  }
  dir = '';
  private child: ChildProcess | null = null;
  private run = '';
  private readonly runIds = new Set<string>();
  private runs = 0;
  private runStartedAt = 0;
  private backoff = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  private stderrTail: string[] = [];
  private playlistCache: { at: number; snap: PlaylistSnapshot | null; loading: Promise<PlaylistSnapshot | null> | null } = { at: 0, snap: null, loading: null };
  private readonly files = new Map<string, Buffer>();
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly opts: HlsEgressOptions) {}

  private get stopped(): boolean {
    return this.status === 'stopped';
  }

  get spaceId(): string {
    return this.opts.spaceId;
  }

  async start(): Promise<void> {
    const dir = await fs.mkdtemp(path.join(this.opts.baseDir, `convene-hls-${this.opts.spaceId.slice(0, 8)}-`));
    if (this.stopped) return fs.rm(dir, { recursive: true, force: true });
    this.dir = dir;
    await this.spawn();
  }

  private async spawn(): Promise<void> {
    if (this.stopped) return;
    this.runs++;
    // Unique per run so segment and init names never repeat (they are cached as immutable).
    this.run = Date.now().toString(36) + this.runs.toString(36);
    this.runIds.add(this.run);
    const ports = await freeRtpPorts(this.opts.slots);
    await fs.writeFile(path.join(this.dir, 'space.sdp'), sdpFor(this.opts.spaceId, ports));
    if (this.stopped) return;
    const args = ffmpegArgs({ slots: ports.length, run: this.run, bitrateKbps: this.opts.bitrateKbps, discontinuity: this.runs > 1 });
    const child = spawn(this.opts.ffmpeg, args, { cwd: this.dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.runStartedAt = Date.now();
    this.stderrTail = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderrTail.push(...d.split('\n').filter(Boolean));
      if (this.stderrTail.length > 20) this.stderrTail.splice(0, this.stderrTail.length - 20);
    });
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.opts.log.error({ err }, 'ffmpeg could not start');
      });
      child.once('close', (code, signal) => {
        resolve();
        if (this.child === child) this.child = null;
        if (this.stopped) return;
        this.opts.log.warn({ code, signal, stderr: this.stderrTail.slice(-5) }, 'HLS ffmpeg exited while the Space is live; restarting');
        if (Date.now() - this.runStartedAt > HEALTHY_RUN_MS) this.backoff = RESTART_MIN_MS;
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          void this.spawn().catch((err: unknown) => this.opts.log.error({ err }, 'HLS ffmpeg restart failed'));
        }, this.backoff);
        this.restartTimer.unref();
        this.backoff = Math.min(RESTART_MAX_MS, this.backoff * 2);
      });
    });
    await this.opts.startRtp(ports);
    this.opts.log.info({ pid: child.pid, ports, run: this.run, dir: this.dir }, 'HLS egress ffmpeg started');
  }

  /** The current playlist, re-read at most every 200 ms however many listeners poll. */
  async playlist(): Promise<PlaylistSnapshot | null> {
    if (this.stopped) return null;
    const c = this.playlistCache;
    if (Date.now() - c.at < PLAYLIST_MAX_AGE_MS) return c.snap;
    c.loading ??= this.readPlaylist().finally(() => {
      c.loading = null;
    });
    return c.loading;
  }

  private async readPlaylist(): Promise<PlaylistSnapshot | null> {
    let body: Buffer;
    try {
      body = await fs.readFile(path.join(this.dir, PLAYLIST));
    } catch {
      return null;
    }
    const names = new Set<string>();
    const text = body.toString('utf8');
    for (const line of text.split('\n')) {
      const l = line.trim();
      const map = /^#EXT-X-MAP:URI="([^"]+)"/.exec(l);
      const name = map ? map[1]! : l.startsWith('#') ? '' : l;
      if (MEDIA_NAME.test(name)) names.add(name);
    }
    const seq = /#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? '0';
    const snap: PlaylistSnapshot = { body, etag: `"${this.run}-${seq}-${body.length}"`, names };
    if (names.size > 0 && !this.stopped) this.status = 'live';
    this.playlistCache.at = Date.now();
    this.playlistCache.snap = names.size > 0 ? snap : null;
    return this.playlistCache.snap;
  }

  /**
   * A media file of this egress, read from disk once and kept in memory. Served: names in the
   * current playlist, and segments of our runs that are complete on disk (ffmpeg renames them
   * into place: temp_file), e.g. one that just left the playlist while a slow player wants it.
   */
  async file(name: string): Promise<Buffer | null> {
    if (this.stopped || !MEDIA_NAME.test(name)) return null;
    const hit = this.files.get(name);
    if (hit) return hit;
    const listed = (await this.playlist())?.names.has(name) === true;
    if (!listed && (name.endsWith('init.mp4') || !this.runIds.has(name.slice(0, name.indexOf('-'))))) return null;
    let data: Buffer;
    try {
      data = await fs.readFile(path.join(this.dir, name));
    } catch {
      return null;
    }
    if (this.stopped) return null;
    this.files.set(name, data);
    if (this.files.size > SEGMENT_CACHE) {
      for (const k of this.files.keys()) {
        if (this.files.size <= SEGMENT_CACHE) break;
        if (!k.endsWith('init.mp4')) this.files.delete(k);
      }
    }
    return data;
  }

  /** Stop ffmpeg (its whole process group), the worker's RTP, and delete the files. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.status = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.files.clear();
    const rtp = this.opts.stopRtp().catch(() => undefined);
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null) {
      killGroup(child.pid, 'SIGTERM');
      const t = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 2000);
      await this.exited;
      clearTimeout(t);
    }
    await rtp;
    if (this.dir) await fs.rm(this.dir, { recursive: true, force: true });
    this.opts.log.info('HLS egress stopped');
  }

  /** For tests: the ffmpeg process id (to kill it) and how many times it was started. */
  get process(): { pid: number | undefined; runs: number } {
    return { pid: this.child?.pid, runs: this.runs };
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * One m=audio per slot, Opus as our SFU negotiates it.
 * https://www.rfc-editor.org/rfc/rfc8866#section-5 (SDP) and
 * https://www.rfc-editor.org/rfc/rfc7587#section-7 (Opus media type: opus/48000/2)
 */
export function sdpFor(spaceId: string, ports: number[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', `s=Convene Space ${spaceId}`, 'c=IN IP4 127.0.0.1', 't=0 0'];
  // ffmpeg binds these ports on every interface: accept packets from loopback only (our worker).
  // https://www.rfc-editor.org/rfc/rfc4570#section-3 (source filters)
  for (const p of ports) lines.push(`m=audio ${p} RTP/AVP 111`, 'a=rtpmap:111 opus/48000/2', 'a=source-filter: incl IN IP4 * 127.0.0.1', 'a=recvonly');
  return lines.join('\r\n') + '\r\n';
}

export function ffmpegArgs(o: { slots: number; run: string; bitrateKbps: number; discontinuity: boolean }): string[] {
  const inputs = Array.from({ length: o.slots }, (_, i) => `[0:a:${i}]`).join('');
  const mix = o.slots > 1 ? `${inputs}amix=inputs=${o.slots}:normalize=0:dropout_transition=0[mix]` : `${inputs}anull[mix]`;
  const flags = ['delete_segments', 'independent_segments', 'omit_endlist', 'temp_file', ...(o.discontinuity ? ['discont_start'] : [])];
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-protocol_whitelist',
    'file,udp,rtp',
    // Low latency on the input side: no probing beyond the SDP, no input buffering.
    '-fflags',
    'nobuffer',
    '-flags',
    'low_delay',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-max_delay',
    '100000',
    '-i',
    'space.sdp',
    '-filter_complex',
    mix,
    '-map',
    '[mix]',
    '-c:a',
    'aac',
    '-b:a',
    `${o.bitrateKbps}k`,
    '-ar',
    '48000',
    '-ac',
    '2',
    '-f',
    'hls',
    '-hls_time',
    '1',
    '-hls_list_size',
    '6',
    '-hls_segment_type',
    'fmp4',
    '-hls_fmp4_init_filename',
    `${o.run}-init.mp4`,
    '-hls_segment_filename',
    `${o.run}-%d.m4s`,
    // Sequence numbers from the epoch clock: they keep growing across ffmpeg restarts.
    '-hls_start_number_source',
    'epoch',
    '-hls_flags',
    flags.join('+'),
    PLAYLIST,
  ];
}

/** `n` even UDP ports whose next port (RTCP) is free too, on every interface (ffmpeg binds 0.0.0.0). */
export async function freeRtpPorts(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let tries = 0; out.length < n && tries < 200; tries++) {
    const a = await bind(0);
    if (!a) continue;
    const port = a.address().port;
    const b = port % 2 === 0 && !out.includes(port) ? await bind(port + 1) : null;
    if (b) out.push(port);
    await Promise.all([close(a), b ? close(b) : Promise.resolve()]);
  }
  if (out.length < n) throw new Error('no free UDP ports for the HLS egress');
  return out;
}

function bind(port: number): Promise<ReturnType<typeof createSocket> | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(null);
    });
    s.bind(port, '0.0.0.0', () => resolve(s));
  });
}

function close(s: ReturnType<typeof createSocket>): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}
