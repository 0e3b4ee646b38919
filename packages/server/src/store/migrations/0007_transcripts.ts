import type { Kysely } from 'kysely';

// Live captions' final lines, kept after the room closes (the host downloads the transcript later).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('transcript_lines')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** Display name when spoken (attribution as it was shown). */
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('spoken_at', 'timestamptz', (c) => c.notNull())
    /** When this captions session started (WebVTT cue times count from the first session). */
    .addColumn('session_started_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('transcript_lines_pkey', ['meeting_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('transcript_lines').execute();
}
