import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeRtpPorts, sdpFor } from '../broadcast/HlsEgress.ts';
import { killGroup, listening, mixGraph, rtpInputArgs } from '../support/ffmpeg.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface ViewerMixOptions {
  spaceId: string;
  ffmpeg: string;
  slots: number;
  /** Where the worker's MixAudioSource listens for the mixed Opus RTP. */
  mixPort: number;
  log: Logger;
  startRtp(ports: number[]): Promise<void>;
  stopRtp(): Promise<void>;
}

/**
 * The mixed audio for a Space's WHEP viewers: the worker's audio egress (one RTP stream per
 * speaker slot) → ffmpeg amix → Opus (20 ms, low-delay) → RTP back to the worker's
 * MixAudioSource. Restarted with a backoff if ffmpeg dies while viewers watch.
 */
export class ViewerMix {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;
  private dir = '';
  private backoff = 500;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ViewerMixOptions) {}

  async start(): Promise<void> {
    this.dir = await fs.mkdtemp(path.join(os.tmpdir(), `convene-whep-${this.opts.spaceId.slice(0, 8)}-`));
    await this.spawn();
  }

  private async spawn(): Promise<void> {
    if (this.stopped) return;
    const ports = await freeRtpPorts(this.opts.slots);
    const sdp = path.join(this.dir, 'mix.sdp');
    await fs.writeFile(sdp, sdpFor(this.opts.spaceId, ports));
    const child = spawn(this.opts.ffmpeg, mixArgs(ports.length, sdp, this.opts.mixPort), { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    const tail: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => tail.push(...d.split('\n').filter(Boolean).slice(-5)));
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => this.opts.log.error({ err }, 'WHEP mixer ffmpeg could not start'));
      child.once('close', (code, signal) => {
        resolve();
        if (this.stopped) return;
        this.opts.log.warn({ code, signal, stderr: tail.slice(-5) }, 'WHEP mixer ffmpeg exited; restarting');
        this.timer = setTimeout(() => void this.spawn().catch((err: unknown) => this.opts.log.error({ err }, 'WHEP mixer restart failed')), this.backoff);
        this.timer.unref();
        this.backoff = Math.min(10_000, this.backoff * 2);
      });
    });
    if (!(await listening(child, ports[0]!))) this.opts.log.warn({ ports }, 'WHEP mixer ffmpeg not listening yet; sending anyway');
    await this.opts.startRtp(ports);
    this.opts.log.info({ pid: child.pid, ports, mixPort: this.opts.mixPort }, 'WHEP mixer started');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.opts.stopRtp().catch(() => undefined);
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null) {
      killGroup(child.pid, 'SIGTERM');
      await this.exited;
    }
    if (this.dir) await fs.rm(this.dir, { recursive: true, force: true });
  }
}

function mixArgs(slots: number, sdp: string, mixPort: number): string[] {
  return [
    ...rtpInputArgs(sdp),
    '-filter_complex',
    mixGraph(slots),
    '-map',
    '[mix]',
    '-c:a',
    'libopus',
    '-application',
    'lowdelay',
    '-frame_duration',
    '20',
    '-b:a',
    '64k',
    '-ar',
    '48000',
    '-ac',
    '2',
    '-payload_type',
    '111',
    '-f',
    'rtp',
    `rtp://127.0.0.1:${mixPort}`,
  ];
}
