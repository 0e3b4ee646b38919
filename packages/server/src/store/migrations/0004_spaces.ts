import type { Kysely } from 'kysely';

// Spaces are meetings of kind 'space' with a topic.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('meetings').addColumn('topic', 'text').execute();
  await db.schema.createIndex('meetings_kind_starts_idx').on('meetings').columns(['kind', 'starts_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('meetings_kind_starts_idx').execute();
  await db.schema.alterTable('meetings').dropColumn('topic').execute();
}
