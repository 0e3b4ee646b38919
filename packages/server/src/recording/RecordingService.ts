import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConveneError, type Recording } from '@convene/protocol';
import type { Room, RoomRecorder } from '../rooms/Room.ts';
import type { UserRecord } from '../services.ts';
import type { SfuPool } from '../sfu/SfuPool.ts';
import type { Db } from '../store/database.ts';
import type { Logger } from '../telemetry/logger.ts';
import { randomId } from '../support/ids.ts';
import { finalizeRecording } from './finalize.ts';
import { Recorder } from './Recorder.ts';

export interface RecordingOptions {
  enabled: boolean;
  ffmpeg: string;
  dir: string;
  slots: number;
}

interface Running {
  id: string;
  recorder: Recorder;
}

/**
 * Recordings of meetings and Spaces (docs/recording.md). A row is committed before the recording
 * is reported as started and is completed when the file is final; recordings a crash left open
 * are finalized from their parts at the next start-up.
 */
export class RecordingService implements RoomRecorder {
  private readonly running = new Map<string, Running>();
  private readonly finishing = new Set<Promise<void>>();
  available = false;

  constructor(
    private readonly db: Db,
    private readonly pool: SfuPool,
    private readonly opts: RecordingOptions,
    private readonly log: Logger,
  ) {}

  async init(): Promise<void> {
    if (!this.opts.enabled) return;
    const ok = await new Promise<boolean>((resolve) => execFile(this.opts.ffmpeg, ['-hide_banner', '-version'], { timeout: 5000 }, (err) => resolve(!err)));
    if (!ok) {
      this.log.warn({ ffmpeg: this.opts.ffmpeg }, 'ffmpeg not found: recording disabled (scripts/ffmpeg.sh installs it)');
      return;
    }
    await fs.mkdir(this.opts.dir, { recursive: true });
    this.available = true;
    await this.recover();
  }

  /** Recordings still open from a previous process (it crashed): finalize what was written. */
  private async recover(): Promise<void> {
    const open = await this.db.selectFrom('recordings').selectAll().where('ended_at', 'is', null).execute();
    for (const r of open) {
      try {
        const f = await finalizeRecording(this.opts.dir, r.id, this.opts.ffmpeg);
        const ended = new Date(r.started_at.getTime() + f.durationMs);
        await this.db.updateTable('recordings').set({ ended_at: ended, duration_ms: f.durationMs, size_bytes: f.sizeBytes, mime_type: f.mimeType, file_name: f.fileName }).where('id', '=', r.id).execute();
        this.log.warn({ recording: r.id, durationMs: f.durationMs }, 'recording left open by a crash was finalized');
      } catch (err) {
        this.log.error({ err, recording: r.id }, 'could not finalize a recording left open by a crash');
      }
    }
  }

  isRecording(roomId: string): boolean {
    return this.running.has(roomId);
  }

  async start(room: Room, by: UserRecord, onFailed: () => void): Promise<{ startedAt: number }> {
    if (!this.available) throw new ConveneError('FORBIDDEN', 'recording is not available on this server');
    if (this.running.has(room.id)) throw new ConveneError('BAD_REQUEST', 'already recording');
    const id = randomId();
    const routerId = room.routers[0]!; // the primary router hears every router's media through its pipes
    const name = `rec-${id}`;
    const recorder = new Recorder({
      id,
      meetingId: room.id,
      dir: this.opts.dir,
      ffmpeg: this.opts.ffmpeg,
      slots: this.opts.slots,
      log: this.log.child({ recording: id }),
      startRtp: (ports, videoPort) => this.pool.call('startAudioEgress', { routerId, name, host: '127.0.0.1', ports, videoPort }),
      stopRtp: () => this.pool.call('stopAudioEgress', { routerId, name }),
      onFailed: () => {
        if (this.running.get(room.id)?.id !== id) return;
        this.track(this.finish(room.id));
        onFailed();
      },
    });
    this.running.set(room.id, { id, recorder });
    try {
      // Committed before anyone is told: a crash from here on leaves a row to finalize.
      await this.db
        .insertInto('recordings')
        .values({ id, meeting_id: room.id, started_by: by.id, started_at: new Date(), mime_type: 'audio/webm', file_name: `${id}.webm` })
        .execute();
      await recorder.start();
    } catch (err) {
      this.running.delete(room.id);
      await recorder.stop().catch(() => undefined);
      await this.complete(id).catch(() => undefined);
      throw err instanceof ConveneError ? err : new ConveneError('INTERNAL', 'the recording could not start', { cause: err });
    }
    await this.db.updateTable('recordings').set({ started_at: new Date(recorder.startedAt) }).where('id', '=', id).execute();
    return { startedAt: recorder.startedAt };
  }

  /** Stop the room's recording (if any) and wait until its file is final. */
  async stop(roomId: string): Promise<void> {
    await this.finish(roomId);
  }

  private async finish(roomId: string): Promise<void> {
    const r = this.running.get(roomId);
    if (!r) return;
    this.running.delete(roomId);
    await r.recorder.stop();
    await this.complete(r.id);
  }

  private async complete(id: string): Promise<void> {
    const f = await finalizeRecording(this.opts.dir, id, this.opts.ffmpeg);
    await this.db
      .updateTable('recordings')
      .set({ ended_at: new Date(), duration_ms: f.durationMs, size_bytes: f.sizeBytes, mime_type: f.mimeType, file_name: f.fileName })
      .where('id', '=', id)
      .execute();
    this.log.info({ recording: id, ...f }, 'recording saved');
  }

  private track(p: Promise<void>): void {
    const q = p.catch((err: unknown) => this.log.error({ err }, 'recording could not be finished'));
    this.finishing.add(q);
    void q.finally(() => this.finishing.delete(q));
  }

  async list(meetingId: string): Promise<Recording[]> {
    const rows = await this.db.selectFrom('recordings').selectAll().where('meeting_id', '=', meetingId).orderBy('started_at', 'desc').execute();
    return rows.map(toRecording);
  }

  /** A finished recording's row and file path, or null. */
  async file(id: string): Promise<{ meetingId: string; path: string; mimeType: string } | null> {
    const r = await this.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r || !r.ended_at) return null;
    return { meetingId: r.meeting_id, path: path.join(this.opts.dir, r.file_name), mimeType: r.mime_type };
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((roomId) => this.finish(roomId).catch((err: unknown) => this.log.error({ err }, 'recording stop failed'))));
    await Promise.all(this.finishing);
  }
}

function toRecording(r: { id: string; meeting_id: string; started_at: Date; ended_at: Date | null; duration_ms: number; size_bytes: string | number; mime_type: string }): Recording {
  return {
    id: r.id,
    meetingId: r.meeting_id,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
    durationMs: r.ended_at ? r.duration_ms : Math.max(0, Date.now() - r.started_at.getTime()),
    sizeBytes: Number(r.size_bytes),
    mimeType: r.mime_type,
    url: `/api/recordings/${r.id}/file`,
  };
}
