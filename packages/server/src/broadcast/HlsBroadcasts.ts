import { execFile } from 'node:child_process';
import os from 'node:os';
import type { LiveRooms, RoomObserver } from '../rooms/RoomRegistry.ts';
import type { SfuPool } from '../sfu/SfuPool.ts';
import type { Logger } from '../telemetry/logger.ts';
import { HlsEgress } from './HlsEgress.ts';

export type HlsStatus = 'live' | 'starting' | 'idle' | 'off' | 'unavailable';

export interface HlsBroadcastOptions {
  enabled: boolean;
  ffmpeg: string;
  slots: number;
  bitrateKbps: number;
  /** The main video in the broadcast too (SPACE_HLS_VIDEO). */
  video?: boolean;
  baseDir?: string;
}

/**
 * The broadcast tier of Spaces on this node: one HlsEgress per live Space room, started when the
 * room opens (its first member is admitted) and stopped when the room closes (ended, emptied,
 * or lost with its media worker). Without ffmpeg the tier is disabled (status 'unavailable').
 */
export class HlsBroadcasts implements RoomObserver {
  private readonly egresses = new Map<string, HlsEgress>();
  /** Egresses being stopped (close() waits for them: no ffmpeg or directory outlives the server). */
  private readonly stopping = new Set<Promise<void>>();
  private available = false;

  constructor(
    private readonly pool: SfuPool,
    private readonly rooms: LiveRooms,
    private readonly opts: HlsBroadcastOptions,
    private readonly log: Logger,
  ) {}

  /** Find ffmpeg; register for room events when the tier can run. */
  async init(): Promise<void> {
    if (!this.opts.enabled) {
      this.log.info('Spaces HLS egress off (SPACE_HLS=off)');
      return;
    }
    const version = await new Promise<string | null>((resolve) => {
      execFile(this.opts.ffmpeg, ['-hide_banner', '-version'], { timeout: 5000 }, (err, stdout) => resolve(err ? null : stdout.split('\n')[0] ?? ''));
    });
    if (version === null) {
      this.log.warn({ ffmpeg: this.opts.ffmpeg }, 'ffmpeg not found: Spaces HLS egress disabled (install Debian’s ffmpeg, e.g. scripts/ffmpeg.sh)');
      return;
    }
    this.available = true;
    this.rooms.observe(this);
    this.log.info({ version }, 'Spaces HLS egress enabled');
  }

  status(spaceId: string): HlsStatus {
    if (!this.opts.enabled) return 'off';
    if (!this.available) return 'unavailable';
    const e = this.egresses.get(spaceId);
    if (!e || e.status === 'stopped') return 'idle';
    return e.status;
  }

  get(spaceId: string): HlsEgress | undefined {
    return this.egresses.get(spaceId);
  }

  memberJoined(meetingId: string): void {
    if (this.egresses.has(meetingId)) return;
    const room = this.rooms.get(meetingId);
    if (!room || room.closed || room.meeting.kind !== 'space') return;
    const routerId = meetingId; // the primary router hears every router's audio through its pipes
    const log = this.log.child({ space: meetingId });
    const egress = new HlsEgress({
      spaceId: meetingId,
      ffmpeg: this.opts.ffmpeg,
      slots: this.opts.slots,
      bitrateKbps: this.opts.bitrateKbps,
      baseDir: this.opts.baseDir ?? os.tmpdir(),
      log,
      video: this.opts.video ?? false,
      startRtp: (ports, videoPort) =>
        this.pool.call('startAudioEgress', { routerId, host: '127.0.0.1', ports, ...(videoPort !== undefined ? { videoPort, videoFiller: true, videoMaxHeight: 360 } : {}) }),
      stopRtp: () => this.pool.call('stopAudioEgress', { routerId }),
    });
    this.egresses.set(meetingId, egress);
    egress.start().catch((err: unknown) => {
      log.error({ err }, 'HLS egress failed to start');
      if (this.egresses.get(meetingId) === egress) this.egresses.delete(meetingId);
      this.stopInBackground(egress);
    });
  }

  memberLeft(): void {}

  roomClosed(meetingId: string): void {
    const e = this.egresses.get(meetingId);
    if (!e) return;
    this.egresses.delete(meetingId);
    this.stopInBackground(e);
  }

  private stopInBackground(e: HlsEgress): void {
    const p = e.stop().catch((err: unknown) => this.log.error({ err }, 'HLS egress stop failed'));
    this.stopping.add(p);
    void p.finally(() => this.stopping.delete(p));
  }

  async close(): Promise<void> {
    const all = [...this.egresses.values()];
    this.egresses.clear();
    await Promise.all([...all.map((e) => e.stop()), ...this.stopping]);
  }
}
