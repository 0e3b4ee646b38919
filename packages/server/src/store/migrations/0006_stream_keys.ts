import { sql, type Kysely } from 'kysely';

// Stream keys: bearer tokens a host gives to OBS/ffmpeg/GStreamer to publish into a meeting or
// Space over WHIP (RFC 9725). Only the SHA-256 of the key is stored; one key per host and meeting.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stream_keys')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('stream_keys_meeting_user_key', ['meeting_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stream_keys').execute();
}
