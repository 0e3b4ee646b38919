import { callRecordSchema, ConveneError, MAX_GROUP_MEMBERS, MAX_MESSAGE_LENGTH, type CallRecord, type Conversation, type Message, type UserRef } from '@convene/protocol';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { UserRecord } from '../services.ts';
import type { DbSocialService } from '../social/social-service.ts';
import type { Db } from '../store/database.ts';
import { isUniqueViolation } from '../store/errors.ts';
import type { Database, MessagesTable } from '../store/schema.ts';
import { systemClock, type Clock } from '../support/clock.ts';
import { randomId } from '../support/ids.ts';

const MAX_HISTORY = 200;
const LIST_LIMIT = 200;
const NOT_FOUND = 'conversation not found';

export type ConversationView = Omit<Conversation, 'activeCall'>;

/**
 * Direct conversations (one per pair of users) and group chats, with durable, ordered messages.
 *
 * Ordering: each message takes `conversations.last_seq + 1` inside a transaction that updates the
 * conversation row first (a row lock), so sequence numbers are gap-free and totally ordered per
 * conversation. Idempotence: unique(conversation_id, sender_id, client_msg_id); a retried send
 * returns the stored message with `created: false`. Every promise resolves after COMMIT.
 *
 * Blocking: a message whose sender the viewer blocked is hidden from that viewer (history,
 * unread counts, real-time delivery) but stored and shown to everyone else, so the blocked
 * sender cannot tell.
 */
export class DbConversationService {
  readonly #db: Db;
  readonly #social: DbSocialService;
  readonly #now: Clock;

  constructor(db: Db, social: DbSocialService, opts: { now?: Clock } = {}) {
    this.#db = db;
    this.#social = social;
    this.#now = opts.now ?? systemClock;
  }

  /** The DM between `me` and `handle`, created on first use. */
  async openDm(me: UserRecord, handle: string): Promise<ConversationView> {
    const other = await this.#social.userByHandle(handle);
    if (!other) throw new ConveneError('NOT_FOUND', 'no such user');
    if (other.id === me.id) throw new ConveneError('BAD_REQUEST', 'you cannot message yourself');
    const key = [me.id, other.id].sort().join(':');
    const existing = await this.#db.selectFrom('conversations').select('id').where('dm_key', '=', key).executeTakeFirst();
    if (existing) return this.get(me, existing.id);
    const id = randomId();
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx.insertInto('conversations').values({ id, kind: 'dm', title: null, created_by: me.id, dm_key: key }).execute();
        await trx
          .insertInto('conversation_members')
          .values([
            { conversation_id: id, user_id: me.id, role: 'member' },
            { conversation_id: id, user_id: other.id, role: 'member' },
          ])
          .execute();
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Both opened the DM at once: use the one that won.
      const won = await this.#db.selectFrom('conversations').select('id').where('dm_key', '=', key).executeTakeFirstOrThrow();
      return this.get(me, won.id);
    }
    return this.get(me, id);
  }

  async createGroup(me: UserRecord, title: string, handles: readonly string[]): Promise<ConversationView> {
    const ids = new Set<string>();
    for (const h of new Set(handles.map((x) => x.toLowerCase()))) {
      const u = await this.#social.userByHandle(h);
      if (!u) throw new ConveneError('NOT_FOUND', `no such user: ${h}`);
      if (u.id !== me.id) ids.add(u.id);
    }
    if (ids.size + 1 > MAX_GROUP_MEMBERS) throw new ConveneError('BAD_REQUEST', `a group has at most ${MAX_GROUP_MEMBERS} members`);
    const id = randomId();
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('conversations').values({ id, kind: 'group', title, created_by: me.id, dm_key: null }).execute();
      await trx
        .insertInto('conversation_members')
        .values([{ conversation_id: id, user_id: me.id, role: 'owner' as const }, ...[...ids].map((u) => ({ conversation_id: id, user_id: u, role: 'member' as const }))])
        .execute();
    });
    await this.systemMessage(id, `${me.displayName} created the group "${title}"`);
    return this.get(me, id);
  }

  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.#db.selectFrom('conversation_members').select('user_id').where('conversation_id', '=', conversationId).execute();
    return rows.map((r) => r.user_id);
  }

  async #requireMember(userId: string, conversationId: string): Promise<void> {
    const row = await this.#db
      .selectFrom('conversation_members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    // Not a member and no such conversation look the same.
    if (!row) throw new ConveneError('NOT_FOUND', NOT_FOUND);
  }

  async get(me: UserRecord | { id: string }, conversationId: string): Promise<ConversationView> {
    const list = await this.#views(me.id, [conversationId]);
    const c = list[0];
    if (!c) throw new ConveneError('NOT_FOUND', NOT_FOUND);
    return c;
  }

  async list(me: UserRecord): Promise<ConversationView[]> {
    const rows = await this.#db
      .selectFrom('conversation_members')
      .innerJoin('conversations', 'conversations.id', 'conversation_members.conversation_id')
      .select('conversations.id')
      .where('conversation_members.user_id', '=', me.id)
      .orderBy('conversations.last_message_at', 'desc')
      .limit(LIST_LIMIT)
      .execute();
    return this.#views(me.id, rows.map((r) => r.id));
  }

  async #views(viewerId: string, ids: readonly string[]): Promise<ConversationView[]> {
    if (ids.length === 0) return [];
    const convs = await this.#db
      .selectFrom('conversations')
      .innerJoin('conversation_members as me', (j) => j.onRef('me.conversation_id', '=', 'conversations.id').on('me.user_id', '=', viewerId))
      .select(['conversations.id', 'conversations.kind', 'conversations.title', 'conversations.created_by', 'conversations.last_seq', 'conversations.last_message_at', 'me.last_read_seq'])
      .where('conversations.id', 'in', [...ids])
      .execute();
    const members = await this.#db
      .selectFrom('conversation_members')
      .innerJoin('users', 'users.id', 'conversation_members.user_id')
      .select(['conversation_members.conversation_id', 'conversation_members.role', 'users.id', 'users.handle', 'users.display_name'])
      .where('conversation_members.conversation_id', 'in', [...ids])
      .orderBy('conversation_members.joined_at')
      .execute();
    const hidden = this.#hiddenSenders(viewerId);
    const unread = await this.#db
      .selectFrom('messages')
      .innerJoin('conversation_members as me', (j) => j.onRef('me.conversation_id', '=', 'messages.conversation_id').on('me.user_id', '=', viewerId))
      .select(['messages.conversation_id', sql<number>`count(*)::int`.as('n')])
      .where('messages.conversation_id', 'in', [...ids])
      .whereRef('messages.seq', '>', 'me.last_read_seq')
      .where((eb) => eb.or([eb('messages.sender_id', 'is', null), eb('messages.sender_id', '<>', viewerId)]))
      .where((eb) => eb.or([eb('messages.sender_id', 'is', null), eb('messages.sender_id', 'not in', hidden)]))
      .groupBy('messages.conversation_id')
      .execute();
    const unreadBy = new Map(unread.map((u) => [u.conversation_id, u.n]));
    const lastRows = await this.#messages(this.#db)
      .where('messages.conversation_id', 'in', [...ids])
      .where((eb) => eb.or([eb('messages.sender_id', 'is', null), eb('messages.sender_id', 'not in', hidden)]))
      .where(({ eb, selectFrom }) =>
        eb(
          'messages.seq',
          '=',
          selectFrom('messages as m2')
            .select(sql<number>`max(m2.seq)`.as('mx'))
            .whereRef('m2.conversation_id', '=', 'messages.conversation_id')
            .where((e2) => e2.or([e2('m2.sender_id', 'is', null), e2('m2.sender_id', 'not in', this.#hiddenSenders(viewerId))])),
        ),
      )
      .execute();
    const lastBy = new Map(lastRows.map((r) => [r.conversation_id, toMessage(r)]));
    const order = new Map(ids.map((id, i) => [id, i]));
    return convs
      .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
      .map((c) => ({
        id: c.id,
        kind: c.kind,
        title: c.title,
        createdBy: c.created_by,
        members: members.filter((m) => m.conversation_id === c.id).map((m) => ({ id: m.id, handle: m.handle, displayName: m.display_name, role: m.role })),
        lastSeq: c.last_seq,
        lastReadSeq: c.last_read_seq,
        unread: unreadBy.get(c.id) ?? 0,
        lastMessage: lastBy.get(c.id) ?? null,
      }));
  }

  /** Subquery: senders the viewer blocked. */
  #hiddenSenders(viewerId: string) {
    return this.#db.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', viewerId);
  }

  async send(me: UserRecord, conversationId: string, clientMsgId: string, text: string): Promise<{ message: Message; created: boolean }> {
    const body = text.trim();
    if (body.length === 0 || body.length > MAX_MESSAGE_LENGTH) throw new ConveneError('BAD_REQUEST', `text must be 1–${MAX_MESSAGE_LENGTH} characters`);
    await this.#requireMember(me.id, conversationId);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction().execute(async (trx) => {
          const existing = await this.#find(trx, conversationId, me.id, clientMsgId);
          if (existing) return { message: existing, created: false };
          const message = await this.#append(trx, conversationId, { sender_id: me.id, client_msg_id: clientMsgId, kind: 'text', text: body, call_id: null, data: null });
          return { message, created: true };
        });
      } catch (err) {
        // The same message sent twice at once: the second transaction conflicts; the retry finds the first.
        if (attempt < 3 && isUniqueViolation(err, 'messages_client_msg_key')) continue;
        throw err;
      }
    }
  }

  /** A message written by the server (membership changes). */
  async systemMessage(conversationId: string, text: string): Promise<Message> {
    return this.#db.transaction().execute((trx) => this.#append(trx, conversationId, { sender_id: null, client_msg_id: null, kind: 'system', text, call_id: null, data: null }));
  }

  /** The record a finished call leaves in its conversation; written once per call. */
  async callRecordMessage(conversationId: string, record: CallRecord, text: string): Promise<Message> {
    return this.#db.transaction().execute(async (trx) => {
      const existing = await this.#messages(trx).where('messages.conversation_id', '=', conversationId).where('messages.call_id', '=', record.callId).executeTakeFirst();
      if (existing) return toMessage(existing);
      return this.#append(trx, conversationId, { sender_id: null, client_msg_id: null, kind: 'call', text, call_id: record.callId, data: JSON.stringify(record) });
    });
  }

  async #append(
    trx: Transaction<Database>,
    conversationId: string,
    m: { sender_id: string | null; client_msg_id: string | null; kind: 'text' | 'call' | 'system'; text: string; call_id: string | null; data: string | null },
  ): Promise<Message> {
    const now = new Date(this.#now());
    // Row lock on the conversation: the next sequence number, and the order of concurrent sends.
    const conv = await trx
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1), last_message_at: now }))
      .where('id', '=', conversationId)
      .returning('last_seq')
      .executeTakeFirst();
    if (!conv) throw new ConveneError('NOT_FOUND', NOT_FOUND);
    const id = randomId();
    await trx.insertInto('messages').values({ id, conversation_id: conversationId, seq: conv.last_seq, sent_at: now, ...m }).execute();
    if (m.sender_id) {
      // Sending reads everything before it.
      await trx.updateTable('conversation_members').set({ last_read_seq: conv.last_seq }).where('conversation_id', '=', conversationId).where('user_id', '=', m.sender_id).execute();
    }
    const row = await this.#messages(trx).where('messages.id', '=', id).executeTakeFirstOrThrow();
    return toMessage(row);
  }

  async history(me: UserRecord, conversationId: string, beforeSeq: number | undefined, limit: number): Promise<Message[]> {
    await this.#requireMember(me.id, conversationId);
    const n = Math.max(1, Math.min(MAX_HISTORY, Math.floor(limit) || 1));
    let q = this.#messages(this.#db)
      .where('messages.conversation_id', '=', conversationId)
      .where((eb) => eb.or([eb('messages.sender_id', 'is', null), eb('messages.sender_id', 'not in', this.#hiddenSenders(me.id))]));
    if (beforeSeq !== undefined) q = q.where('messages.seq', '<', beforeSeq);
    const rows = await q.orderBy('messages.seq', 'desc').limit(n).execute();
    return rows.reverse().map(toMessage);
  }

  /** Read marker only moves forward. Returns the marker now stored. */
  async markRead(me: UserRecord, conversationId: string, seq: number): Promise<number> {
    await this.#requireMember(me.id, conversationId);
    await this.#db
      .updateTable('conversation_members')
      .set((eb) => ({ last_read_seq: sql<number>`least(greatest(${eb.ref('last_read_seq')}, ${seq}), (select last_seq from conversations where id = ${conversationId}))` }))
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', me.id)
      .execute();
    const row = await this.#db
      .selectFrom('conversation_members')
      .select('last_read_seq')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', me.id)
      .executeTakeFirstOrThrow();
    return row.last_read_seq;
  }

  async #group(me: UserRecord, conversationId: string): Promise<{ createdBy: string }> {
    await this.#requireMember(me.id, conversationId);
    const c = await this.#db.selectFrom('conversations').select(['kind', 'created_by']).where('id', '=', conversationId).executeTakeFirstOrThrow();
    if (c.kind !== 'group') throw new ConveneError('BAD_REQUEST', 'only group chats have members to change');
    return { createdBy: c.created_by };
  }

  async addMember(me: UserRecord, conversationId: string, handle: string): Promise<UserRef> {
    const g = await this.#group(me, conversationId);
    if (g.createdBy !== me.id) throw new ConveneError('FORBIDDEN', 'only the group creator can add members');
    const u = await this.#social.userByHandle(handle);
    if (!u) throw new ConveneError('NOT_FOUND', 'no such user');
    const count = (await this.memberIds(conversationId)).length;
    if (count >= MAX_GROUP_MEMBERS) throw new ConveneError('BAD_REQUEST', `a group has at most ${MAX_GROUP_MEMBERS} members`);
    const r = await this.#db
      .insertInto('conversation_members')
      .values({ conversation_id: conversationId, user_id: u.id, role: 'member' })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) await this.systemMessage(conversationId, `${me.displayName} added ${u.displayName}`);
    return u;
  }

  async removeMember(me: UserRecord, conversationId: string, handle: string): Promise<UserRef> {
    const g = await this.#group(me, conversationId);
    const u = await this.#social.userByHandle(handle);
    if (!u) throw new ConveneError('NOT_FOUND', 'no such user');
    if (u.id !== me.id && g.createdBy !== me.id) throw new ConveneError('FORBIDDEN', 'only the group creator can remove members');
    if (u.id === g.createdBy && u.id !== me.id) throw new ConveneError('FORBIDDEN', 'the creator cannot be removed');
    const r = await this.#db.deleteFrom('conversation_members').where('conversation_id', '=', conversationId).where('user_id', '=', u.id).executeTakeFirst();
    if (Number(r.numDeletedRows) > 0) {
      await this.systemMessage(conversationId, u.id === me.id ? `${me.displayName} left` : `${me.displayName} removed ${u.displayName}`);
    }
    return u;
  }

  async #find(trx: Transaction<Database>, conversationId: string, senderId: string, clientMsgId: string): Promise<Message | undefined> {
    const row = await this.#messages(trx)
      .where('messages.conversation_id', '=', conversationId)
      .where('messages.sender_id', '=', senderId)
      .where('messages.client_msg_id', '=', clientMsgId)
      .executeTakeFirst();
    return row && toMessage(row);
  }

  #messages(db: Db | Transaction<Database>) {
    return db
      .selectFrom('messages')
      .leftJoin('users', 'users.id', 'messages.sender_id')
      .select([
        'messages.id',
        'messages.conversation_id',
        'messages.seq',
        'messages.sender_id',
        'messages.client_msg_id',
        'messages.kind',
        'messages.text',
        'messages.data',
        'messages.sent_at',
        'users.handle',
        'users.display_name',
      ]);
  }
}

/** A message row with its sender's public names (null for server-written messages). */
type MessageRow = Omit<Selectable<MessagesTable>, 'call_id'> & { handle: string | null; display_name: string | null };

function toMessage(row: MessageRow): Message {
  let call: CallRecord | null = null;
  if (row.kind === 'call' && row.data) {
    const parsed = callRecordSchema.safeParse(JSON.parse(row.data));
    call = parsed.success ? parsed.data : null;
  }
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    clientMsgId: row.client_msg_id,
    from: row.sender_id && row.handle !== null ? { id: row.sender_id, handle: row.handle, displayName: row.display_name ?? '' } : null,
    kind: row.kind,
    text: row.text,
    call,
    sentAt: row.sent_at.toISOString(),
  };
}
