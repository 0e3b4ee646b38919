import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import fs from 'node:fs/promises';
import path from 'node:path';
import { killGroup, mixGraph, rtpInputArgs } from '../support/ffmpeg.ts';
import type { Logger } from '../telemetry/logger.ts';
import { Fmp4Splitter } from './fmp4.ts';
import { LlHlsStore, type PlaylistSnapshot } from './LlHlsStore.ts';

export type { PlaylistSnapshot } from './LlHlsStore.ts';

/** Playlist name (the URL is /hls/:spaceId/index.m3u8). */
export const PLAYLIST = 'index.m3u8';
/** Media names: `<run>-init.mp4`, full segments `<run>-<msn>.m4s`, parts `<run>-<msn>.<part>.m4s`. */
export const MEDIA_NAME = /^[a-z0-9]{1,16}-(?:init\.mp4|[0-9]{1,16}(?:\.[0-9]{1,2})?\.m4s)$/;
/** AAC frames (1024 samples at 48 kHz) per part: 15 → 0.32 s parts. */
export const PART_FRAMES = 15;
export const PART_SECONDS = (PART_FRAMES * 1024) / 48_000;
/** Parts per full segment: 3 → 0.96 s segments (TARGETDURATION 1, as before LL-HLS). */
export const PARTS_PER_SEGMENT = 3;
const TARGET_DURATION = 1;
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 10_000;
/** A run that lasted this long resets the restart backoff. */
const HEALTHY_RUN_MS = 30_000;

export interface HlsEgressOptions {
  spaceId: string;
  ffmpeg: string;
  slots: number;
  bitrateKbps: number;
  /** Parent of this egress's own temporary directory (it holds the SDP file). */
  baseDir: string;
  log: Logger;
  /** The main video too (active speaker or screen share, a still picture while nobody has video). */
  video: boolean;
  /** Ask the media worker to send the room's audio to these UDP ports on 127.0.0.1 (one per slot), and its main video to `videoPort`. */
  startRtp(ports: number[], videoPort: number | undefined): Promise<void>;
  stopRtp(): Promise<void>;
}

/**
 * One Space's broadcast as Low-Latency HLS: the media worker sends the speakers' audio as plain
 * RTP (one stream per slot) to local UDP ports; ffmpeg mixes the slots (amix), encodes AAC and
 * writes fragmented MP4 to its stdout, one 0.32 s fragment at a time; each fragment becomes an
 * LL-HLS part in memory (LlHlsStore), every three parts a full segment, and the origin serves
 * the playlist, parts and segments from there. ffmpeg runs in its own process group and is
 * restarted (new ports, new name prefix, a discontinuity) if it dies while the Space is live.
 */
export class HlsEgress {
  private state: 'starting' | 'live' | 'stopped' = 'starting';

  /** 'live' once the first full segment exists, whether or not anyone has fetched it yet. */
  get status(): 'starting' | 'live' | 'stopped' {
    if (this.state === 'starting' && this.store.hasSegment) this.state = 'live';
    return this.state;
  }

  set status(s: 'starting' | 'live' | 'stopped') {
    this.state = s;
  }
  dir = '';
  private child: ChildProcess | null = null;
  private run = '';
  private runs = 0;
  private runStartedAt = 0;
  private backoff = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  private stderrTail: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  readonly store: LlHlsStore;

  constructor(private readonly opts: HlsEgressOptions) {
    // Sequence numbers count segment durations since the epoch, then one per segment: a later
    // egress of the same Space never reuses a number (segments cannot come faster than real time).
    const firstMsn = Math.floor(Date.now() / (PART_SECONDS * PARTS_PER_SEGMENT * 1000));
    this.store = new LlHlsStore({
      partsPerSegment: PARTS_PER_SEGMENT,
      // One AAC frame of slack: a run's first fragment can be a little longer (encoder priming).
      // With video, fragments are cut at the video key frames and the audio in each can run one
      // more frame over (audio resampled against arrival times): two frames of slack.
      partTarget: PART_SECONDS + ((opts.video ? 2 : 1) * 1024) / 48_000,
      targetDuration: TARGET_DURATION,
      windowSegments: 6,
      partSegments: 3,
      retainSegments: 24,
      firstMsn,
      tag: Date.now().toString(36),
      // §6.2.5.2: a blocking request that is not answered within three target durations gets a 503.
      blockTimeoutMs: 3 * TARGET_DURATION * 1000,
    });
  }

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
    // Unique per run so part, segment and init names never repeat (they are cached as immutable).
    const run = Date.now().toString(36) + this.runs.toString(36);
    this.run = run;
    const all = await freeRtpPorts(this.opts.slots + (this.opts.video ? 1 : 0));
    const ports = all.slice(0, this.opts.slots);
    const videoPort = this.opts.video ? all[this.opts.slots] : undefined;
    await fs.writeFile(path.join(this.dir, 'space.sdp'), sdpFor(this.opts.spaceId, ports, videoPort));
    if (this.stopped) return;
    const args = ffmpegArgs({ slots: ports.length, bitrateKbps: this.opts.bitrateKbps, video: videoPort !== undefined });
    const child = spawn(this.opts.ffmpeg, args, { cwd: this.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.runStartedAt = Date.now();
    this.stderrTail = [];
    const splitter = new Fmp4Splitter({
      init: (data) => this.store.startRun(run, data),
      fragment: (f) => this.store.addPart(f.data, f.duration),
    });
    child.stdout?.on('data', (d: Buffer) => {
      if (this.child !== child) return;
      try {
        splitter.push(d);
      } catch (err) {
        this.opts.log.error({ err }, 'HLS ffmpeg wrote something that is not fragmented MP4; restarting it');
        killGroup(child.pid!, 'SIGKILL');
      }
    });
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
        if (this.run === run) this.store.endRun();
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
    await this.opts.startRtp(ports, videoPort);
    this.opts.log.info({ pid: child.pid, ports, videoPort, run, dir: this.dir }, 'HLS egress ffmpeg started');
  }

  /** The current playlist (rendered once per new part however many listeners poll), or null. */
  playlist(): PlaylistSnapshot | null {
    return this.stopped ? null : this.store.playlist();
  }

  /** An init section, part or segment in memory; a part about to be written is waited for. */
  async file(name: string): Promise<Buffer | null> {
    if (this.stopped || !MEDIA_NAME.test(name)) return null;
    return this.store.file(name) ?? (await this.store.awaitPart(name));
  }

  /** Stop ffmpeg (its whole process group), the worker's RTP, and delete the directory. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.status = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.store.close();
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

/**
 * One m=audio per slot, Opus as our SFU negotiates it, and optionally one m=video (VP8).
 * https://www.rfc-editor.org/rfc/rfc8866#section-5 (SDP),
 * https://www.rfc-editor.org/rfc/rfc7587#section-7 (Opus media type: opus/48000/2) and
 * https://www.rfc-editor.org/rfc/rfc7741#section-6.1 (VP8/90000)
 */
export function sdpFor(spaceId: string, ports: number[], videoPort?: number): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', `s=Convene Space ${spaceId}`, 'c=IN IP4 127.0.0.1', 't=0 0'];
  // ffmpeg binds these ports on every interface: accept packets from loopback only (our worker).
  // https://www.rfc-editor.org/rfc/rfc4570#section-3 (source filters)
  for (const p of ports) lines.push(`m=audio ${p} RTP/AVP 111`, 'a=rtpmap:111 opus/48000/2', 'a=source-filter: incl IN IP4 * 127.0.0.1', 'a=recvonly');
  if (videoPort !== undefined) lines.push(`m=video ${videoPort} RTP/AVP 96`, 'a=rtpmap:96 VP8/90000', 'a=source-filter: incl IN IP4 * 127.0.0.1', 'a=recvonly');
  return lines.join('\r\n') + '\r\n';
}

/** The broadcast picture: 480×270 at 12.5 fps, so a key frame every 4 frames starts every 0.32 s part. */
export const VIDEO = { width: 480, height: 270, fps: 12.5, framesPerPart: 4, kbps: 400 } as const;

export function ffmpegArgs(o: { slots: number; bitrateKbps: number; video?: boolean }): string[] {
  const audioMix = mixGraph(o.slots, { resample: true });
  // Video: whatever size the speaker sends, letterboxed into a constant 480×270 at 12.5 fps.
  const { width: w, height: h, fps } = VIDEO;
  const videoGraph = `;[0:v:0]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=0x1f2125,fps=${fps},format=yuv420p[v]`;
  const mix = o.video ? audioMix + videoGraph : audioMix;
  // H.264 (every HLS player decodes it): a key frame every part, so every part is independent.
  const videoOut = o.video
    ? [
        '-map',
        '[v]',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-tune',
        'zerolatency',
        '-profile:v',
        'main',
        '-b:v',
        `${VIDEO.kbps}k`,
        '-maxrate',
        `${VIDEO.kbps}k`,
        '-bufsize',
        `${VIDEO.kbps}k`,
        '-g',
        String(VIDEO.framesPerPart),
        '-keyint_min',
        String(VIDEO.framesPerPart),
        '-sc_threshold',
        '0',
      ]
    : [];
  return [
    ...rtpInputArgs('space.sdp', { arrivalTime: true }),
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
    ...videoOut,
    // Fragmented MP4 on stdout (ffmpeg 5.1's HLS muxer has no LL-HLS): init (ftyp+moov) first,
    // then one moof+mdat per PART_FRAMES AAC frames (with video: per key frame, every 0.32 s),
    // flushed as soon as it is complete. The audio track comes first (part durations are its).
    '-f',
    'mp4',
    '-movflags',
    o.video ? 'empty_moov+default_base_moof+frag_keyframe' : 'empty_moov+default_base_moof',
    ...(o.video ? [] : ['-frag_duration', String(Math.round(PART_SECONDS * 1e6))]),
    '-flush_packets',
    '1',
    'pipe:1',
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
