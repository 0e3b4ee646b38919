import { sql, type Kysely } from 'kysely';

// Social graph, conversations (DMs and groups), durable messages and call records.
// Never edit a released migration; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('verified', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await db.schema.alterTable('users').addColumn('who_can_call', 'text', (c) => c.notNull().defaultTo('following')).execute();
  await db.schema.alterTable('users').addColumn('call_only_messaged', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await db.schema.alterTable('meetings').addColumn('kind', 'text', (c) => c.notNull().defaultTo('meeting')).execute();

  await db.schema
    .createTable('follows')
    .addColumn('follower_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('followee_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('follows_pkey', ['follower_id', 'followee_id'])
    .execute();
  await db.schema.createIndex('follows_followee_idx').on('follows').column('followee_id').execute();

  await db.schema
    .createTable('blocks')
    .addColumn('blocker_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('blocked_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('blocks_pkey', ['blocker_id', 'blocked_id'])
    .execute();
  await db.schema.createIndex('blocks_blocked_idx').on('blocks').column('blocked_id').execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // DMs only: "<smaller user id>:<larger user id>", unique, so one DM per pair.
    .addColumn('dm_key', 'text', (c) => c.unique())
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('conversation_members')
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('last_read_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('conversation_members_pkey', ['conversation_id', 'user_id'])
    .execute();
  await db.schema.createIndex('conversation_members_user_idx').on('conversation_members').column('user_id').execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    // null for messages the server writes (call records, membership changes).
    .addColumn('sender_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('client_msg_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text')
    // Structured payload of server-written messages (a call record as JSON).
    .addColumn('data', 'text')
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('messages_conversation_seq_key', ['conversation_id', 'seq'])
    .addUniqueConstraint('messages_client_msg_key', ['conversation_id', 'sender_id', 'client_msg_id'])
    .execute();

  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('media', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('answered_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('calls_conversation_idx').on('calls').columns(['conversation_id', 'state']).execute();
  await db.schema.createIndex('calls_meeting_idx').on('calls').column('meeting_id').execute();

  await db.schema
    .createTable('call_members')
    .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('invited_at', 'timestamptz', (c) => c.notNull())
    .addColumn('joined_at', 'timestamptz')
    .addPrimaryKeyConstraint('call_members_pkey', ['call_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['call_members', 'calls', 'messages', 'conversation_members', 'conversations', 'blocks', 'follows']) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.alterTable('meetings').dropColumn('kind').execute();
  for (const c of ['call_only_messaged', 'who_can_call', 'verified']) await db.schema.alterTable('users').dropColumn(c).execute();
}
