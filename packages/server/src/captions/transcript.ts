import { sql } from 'kysely';
import type { Db } from '../store/database.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface TranscriptLine {
  userId: string;
  name: string;
  /** ms since the epoch when the final caption was produced. */
  at: number;
  text: string;
  /** When the captions session that produced it started (ms). */
  sessionStartedAt: number;
}

/**
 * Final caption lines of every meeting, stored as they come so the transcript outlives the room.
 * Appends of one meeting are chained (gap-free seq in spoken order); a failed write is logged
 * and never blocks captions.
 */
export class TranscriptStore {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  append(meetingId: string, line: TranscriptLine): Promise<void> {
    const prev = this.chains.get(meetingId) ?? Promise.resolve();
    const next = prev
      .then(() =>
        this.db.transaction().execute(async (trx) => {
          const { max } = await trx.selectFrom('transcript_lines').select(sql<number | null>`max(seq)`.as('max')).where('meeting_id', '=', meetingId).executeTakeFirstOrThrow();
          await trx
            .insertInto('transcript_lines')
            .values({
              meeting_id: meetingId,
              seq: Number(max ?? 0) + 1,
              user_id: line.userId,
              name: line.name,
              text: line.text,
              spoken_at: new Date(line.at),
              session_started_at: new Date(line.sessionStartedAt),
            })
            .execute();
        }),
      )
      .then(
        () => undefined,
        (err: unknown) => this.log.error({ err, meetingId }, 'transcript line not stored'),
      );
    this.chains.set(meetingId, next);
    void next.then(() => {
      if (this.chains.get(meetingId) === next) this.chains.delete(meetingId);
    });
    return next;
  }

  async lines(meetingId: string): Promise<TranscriptLine[]> {
    await this.chains.get(meetingId);
    const rows = await this.db.selectFrom('transcript_lines').selectAll().where('meeting_id', '=', meetingId).orderBy('seq').execute();
    return rows.map((r) => ({ userId: r.user_id, name: r.name, text: r.text, at: r.spoken_at.getTime(), sessionStartedAt: r.session_started_at.getTime() }));
  }

  /** Pending writes (shutdown waits for them). */
  async flush(): Promise<void> {
    await Promise.all(this.chains.values());
  }
}

export function transcriptText(lines: TranscriptLine[]): string {
  return lines.map((l) => `[${new Date(l.at).toISOString().slice(11, 19)}] ${l.name}: ${l.text}`).join('\n') + '\n';
}

/**
 * https://www.w3.org/TR/webvtt1/#file-structure — cue times count from the first captions
 * session; each cue runs from the previous line (at most 4 s before its end) to its own end.
 */
export function transcriptVtt(lines: TranscriptLine[]): string {
  const origin = lines.reduce((m, l) => Math.min(m, l.sessionStartedAt), Infinity);
  const ts = (ms: number) => {
    const t = Math.max(0, ms);
    const h = Math.floor(t / 3_600_000);
    const m = Math.floor((t % 3_600_000) / 60_000);
    const s = Math.floor((t % 60_000) / 1000);
    const f = Math.floor(t % 1000);
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(f).padStart(3, '0')}`;
  };
  const cues = lines.map((l, i) => {
    const end = l.at - origin;
    const start = Math.max(i > 0 ? lines[i - 1]!.at - origin : 0, end - 4000);
    const safe = l.text.replace(/-->/g, '→').replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
    return `${ts(start)} --> ${ts(end)}\n<v ${l.name.replace(/[<>&]/g, '')}>${safe}`;
  });
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}
