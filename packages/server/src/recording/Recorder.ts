import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import fs from 'node:fs/promises';
import path from 'node:path';
import { freeRtpPorts, sdpFor } from '../broadcast/HlsEgress.ts';
import { killGroup, listening, mixGraph, rtpInputArgs } from '../support/ffmpeg.ts';
import type { Logger } from '../telemetry/logger.ts';
import { IvfWriter } from './IvfWriter.ts';

export interface RecorderOptions {
  id: string;
  meetingId: string;
  /** RECORDINGS_DIR: parts are written here as `<id>.audio.webm` and `<id>.video.ivf`. */
  dir: string;
  ffmpeg: string;
  slots: number;
  log: Logger;
  /** Ask the media worker to send the room's audio (and main video) to these local ports. */
  startRtp(ports: number[], videoPort: number): Promise<void>;
  stopRtp(): Promise<void>;
  /** ffmpeg died while recording: the recording stops (what was written is kept). */
  onFailed(): void;
}

/** Part files of a recording (kept until finalize() turns them into `<id>.webm`). */
export function partFiles(dir: string, id: string): { sdp: string; audio: string; video: string } {
  return { sdp: path.join(dir, `${id}.sdp`), audio: path.join(dir, `${id}.audio.webm`), video: path.join(dir, `${id}.video.ivf`) };
}

/**
 * One running recording. Audio: the worker's egress slots (as for HLS) → ffmpeg amix → Opus in
 * WebM, written as it goes. Video: the worker's VideoEgress (screen share, else the active
 * speaker's camera) as VP8 RTP to a socket of ours → IvfWriter, with timestamps from the same
 * origin as the audio (the moment the worker starts sending, after ffmpeg has bound its ports).
 * finalize() later muxes both into one WebM without re-encoding anything.
 */
export class Recorder {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private socket: Socket | null = null;
  private ivf: IvfWriter | null = null;
  private stopping = false;
  private stderrTail: string[] = [];
  startedAt = 0;

  constructor(private readonly opts: RecorderOptions) {}

  async start(): Promise<void> {
    const files = partFiles(this.opts.dir, this.opts.id);
    const ports = await freeRtpPorts(this.opts.slots);
    await fs.writeFile(files.sdp, sdpFor(this.opts.meetingId, ports));
    const child = spawn(this.opts.ffmpeg, ffmpegArgs(ports.length, files.sdp, files.audio), { detached: true, stdio: ['pipe', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderrTail.push(...d.split('\n').filter(Boolean));
      if (this.stderrTail.length > 20) this.stderrTail.splice(0, this.stderrTail.length - 20);
    });
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => this.opts.log.error({ err }, 'recording ffmpeg could not start'));
      child.once('close', (code, signal) => {
        resolve();
        if (this.stopping) return;
        this.opts.log.error({ code, signal, stderr: this.stderrTail.slice(-5) }, 'recording ffmpeg exited; the recording stops');
        this.opts.onFailed();
      });
    });
    // Packets sent before ffmpeg listens would be lost and shift the audio against the video.
    if (!(await listening(child, ports[0]!))) throw new Error(`recording ffmpeg did not start: ${this.stderrTail.slice(-3).join(' | ')}`);
    const socket = createSocket('udp4');
    this.socket = socket;
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    await this.opts.startRtp(ports, socket.address().port);
    this.startedAt = Date.now();
    const ivf = new IvfWriter(files.video, this.startedAt);
    this.ivf = ivf;
    socket.on('message', (b) => {
      try {
        ivf.packet(b);
      } catch (err) {
        this.opts.log.warn({ err }, 'recording: video packet not written');
      }
    });
    this.opts.log.info({ pid: child.pid, ports, recording: this.opts.id }, 'recording started');
  }

  /** Stop the worker's egress and ffmpeg (it writes the WebM trailer on 'q'). */
  async stop(): Promise<{ videoFrames: number }> {
    this.stopping = true;
    await this.opts.stopRtp().catch(() => undefined);
    this.socket?.close();
    this.socket = null;
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null) {
      child.stdin?.end('q');
      const term = setTimeout(() => killGroup(child.pid!, 'SIGTERM'), 3000);
      const kill = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 6000);
      await this.exited;
      clearTimeout(term);
      clearTimeout(kill);
    }
    const frames = this.ivf?.frames ?? 0;
    const dropped = this.ivf?.dropped ?? 0;
    await this.ivf?.close();
    this.ivf = null;
    await fs.rm(partFiles(this.opts.dir, this.opts.id).sdp, { force: true });
    this.opts.log.info({ recording: this.opts.id, videoFrames: frames, droppedVideoFrames: dropped }, 'recording stopped');
    return { videoFrames: frames };
  }
}

function ffmpegArgs(slots: number, sdp: string, out: string): string[] {
  return [
    ...rtpInputArgs(sdp, { stdin: true }),
    '-filter_complex',
    mixGraph(slots),
    '-map',
    '[mix]',
    '-c:a',
    'libopus',
    '-b:a',
    '64k',
    '-ar',
    '48000',
    '-ac',
    '2',
    // Written as it goes: one-second clusters, flushed at once, so a crash loses at most a second.
    '-flush_packets',
    '1',
    '-cluster_time_limit',
    '1000',
    '-f',
    'webm',
    '-y',
    out,
  ];
}
