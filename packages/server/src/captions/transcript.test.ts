import { afterAll, describe, expect, it } from 'vitest';
import { testBackends } from '../store/testing.ts';
import { TranscriptStore, transcriptText, transcriptVtt, type TranscriptLine } from './transcript.ts';

const silent = { error: () => undefined } as never;

describe('transcript formats', () => {
  const t0 = Date.UTC(2026, 10, 22, 10, 0, 0);
  const lines: TranscriptLine[] = [
    { userId: 'u1', name: 'Ada', at: t0 + 5_000, text: 'hello there', sessionStartedAt: t0 },
    { userId: 'u2', name: 'Bo <b>', at: t0 + 12_500, text: 'a --> b & <c>', sessionStartedAt: t0 },
  ];
  it('plain text with wall-clock times and names', () => {
    expect(transcriptText(lines)).toBe('[10:00:05] Ada: hello there\n[10:00:12] Bo <b>: a --> b & <c>\n');
  });
  it('WebVTT cues from the first session, escaped text and voice names', () => {
    expect(transcriptVtt(lines)).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Ada>hello there\n\n00:00:08.500 --> 00:00:12.500\n<v Bo b>a → b &amp; &lt;c>\n');
  });
});

describe.each(testBackends())('TranscriptStore on $name', (backend) => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('appends in order with gap-free seq, across sessions, per meeting', async () => {
    const { db, close } = await backend.open();
    closers.push(close);
    await db.insertInto('users').values({ id: 'u1', handle: 'ada', display_name: 'Ada', password_hash: 'x' }).execute();
    for (const id of ['m1', 'm2']) {
      await db.insertInto('meetings').values({ id, title: id, host_id: 'u1', starts_at: new Date(), duration_minutes: 30, time_zone: 'UTC', code: null, lobby: false }).execute();
    }
    const store = new TranscriptStore(db, silent);
    const at = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.append(i % 2 ? 'm1' : 'm2', { userId: 'u1', name: 'Ada', at: at + i, text: `line ${i}`, sessionStartedAt: at - (i < 10 ? 1000 : 0) })),
    );
    const m1 = await store.lines('m1');
    expect(m1.map((l) => l.text)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19].map((i) => `line ${i}`));
    const seqs = await db.selectFrom('transcript_lines').select('seq').where('meeting_id', '=', 'm2').orderBy('seq').execute();
    expect(seqs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
