import { ConveneError, MAX_CHAT_LENGTH, type ChatMessage } from '@convene/protocol';
import { sql, type Transaction } from 'kysely';
import type { ChatService, UserRecord } from '../services.ts';
import type { Db } from '../store/database.ts';
import { isUniqueViolation } from '../store/errors.ts';
import type { Database } from '../store/schema.ts';
import { systemClock, type Clock } from '../support/clock.ts';
import { randomId } from '../support/ids.ts';

export interface ChatServiceOptions {
  now?: Clock;
}

const MAX_ATTEMPTS = 5;
const MAX_HISTORY = 200;

/**
 * Durable chat with a per-meeting sequence number.
 * send(): one transaction locks the meeting row, returns the existing message for a repeated
 * (meeting, user, clientMsgId), else inserts with seq = max(seq)+1. unique(meeting_id, seq) is the
 * backstop: a conflict retries the whole transaction. The promise resolves after COMMIT.
 */
export class DbChatService implements ChatService {
  readonly #db: Db;
  readonly #now: Clock;

  constructor(db: Db, opts: ChatServiceOptions = {}) {
    this.#db = db;
    this.#now = opts.now ?? systemClock;
  }

  async send(meetingId: string, from: UserRecord, clientMsgId: string, text: string): Promise<{ message: ChatMessage; created: boolean }> {
    const body = text.trim();
    if (body.length === 0 || body.length > MAX_CHAT_LENGTH) throw new ConveneError('BAD_REQUEST', `text must be 1–${MAX_CHAT_LENGTH} characters`);
    if (clientMsgId.length === 0 || clientMsgId.length > 64) throw new ConveneError('BAD_REQUEST', 'clientMsgId must be 1–64 characters');
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction().execute((trx) => this.#sendOnce(trx, meetingId, from, clientMsgId, body));
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && isUniqueViolation(err, 'chat_messages_meeting_seq_key')) continue;
        throw err;
      }
    }
  }

  async #sendOnce(trx: Transaction<Database>, meetingId: string, from: UserRecord, clientMsgId: string, text: string): Promise<{ message: ChatMessage; created: boolean }> {
    const meeting = await trx.selectFrom('meetings').select('id').where('id', '=', meetingId).forNoKeyUpdate().executeTakeFirst();
    if (!meeting) throw new ConveneError('MEETING_UNAVAILABLE', 'meeting not found');
    const existing = await this.#find(trx, meetingId, from.id, clientMsgId);
    if (existing) return { message: existing, created: false };
    const { max } = await trx
      .selectFrom('chat_messages')
      .select(sql<number | null>`max(seq)`.as('max'))
      .where('meeting_id', '=', meetingId)
      .executeTakeFirstOrThrow();
    const inserted = await trx
      .insertInto('chat_messages')
      .values({ id: randomId(), meeting_id: meetingId, seq: (max ?? 0) + 1, user_id: from.id, client_msg_id: clientMsgId, text, sent_at: new Date(this.#now()) })
      // A concurrent send of the same message committed first: return that one.
      .onConflict((oc) => oc.columns(['meeting_id', 'user_id', 'client_msg_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      return { message: toMessage({ ...inserted, handle: from.handle, display_name: from.displayName }), created: true };
    }
    const raced = await this.#find(trx, meetingId, from.id, clientMsgId);
    if (!raced) throw new Error('chat message vanished after a conflicting insert');
    return { message: raced, created: false };
  }

  async history(meetingId: string, beforeSeq: number | undefined, limit: number): Promise<ChatMessage[]> {
    const n = Math.max(1, Math.min(MAX_HISTORY, Math.floor(limit) || 1));
    let q = this.#messages(this.#db).where('chat_messages.meeting_id', '=', meetingId);
    if (beforeSeq !== undefined) q = q.where('chat_messages.seq', '<', beforeSeq);
    const rows = await q.orderBy('chat_messages.seq', 'desc').limit(n).execute();
    return rows.reverse().map(toMessage);
  }

  async #find(trx: Transaction<Database>, meetingId: string, userId: string, clientMsgId: string): Promise<ChatMessage | undefined> {
    const row = await this.#messages(trx)
      .where('chat_messages.meeting_id', '=', meetingId)
      .where('chat_messages.user_id', '=', userId)
      .where('chat_messages.client_msg_id', '=', clientMsgId)
      .executeTakeFirst();
    return row && toMessage(row);
  }

  #messages(db: Db | Transaction<Database>) {
    return db
      .selectFrom('chat_messages')
      .innerJoin('users', 'users.id', 'chat_messages.user_id')
      .select([
        'chat_messages.id',
        'chat_messages.seq',
        'chat_messages.user_id',
        'chat_messages.client_msg_id',
        'chat_messages.text',
        'chat_messages.sent_at',
        'users.handle',
        'users.display_name',
      ]);
  }
}

interface MessageRow {
  id: string;
  seq: number;
  user_id: string;
  client_msg_id: string;
  text: string;
  sent_at: Date;
  handle: string;
  display_name: string;
}

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    seq: row.seq,
    clientMsgId: row.client_msg_id,
    from: { id: row.user_id, handle: row.handle, displayName: row.display_name },
    text: row.text,
    sentAt: row.sent_at.toISOString(),
  };
}
