import { ConveneError, MAX_QUESTION_LENGTH, type Question, type QuestionStatus } from '@convene/protocol';
import { sql, type Transaction } from 'kysely';
import type { UserRecord } from '../services.ts';
import type { Db } from '../store/database.ts';
import { isUniqueViolation } from '../store/errors.ts';
import type { Database } from '../store/schema.ts';
import { systemClock, type Clock } from '../support/clock.ts';
import { randomId } from '../support/ids.ts';

const MAX_ATTEMPTS = 5;
/** Questions a room loads and shows; older ones stay stored. */
export const MAX_LISTED = 500;
/** Statuses on which people may vote. */
const VOTABLE: ReadonlySet<string> = new Set(['approved', 'answering']);

/**
 * Durable Q&A: questions per meeting with a gap-free sequence (same scheme as chat: the meeting
 * row is locked, seq = max + 1, unique(meeting_id, seq) as the backstop), idempotent on
 * (meeting, user, clientQuestionId); one vote per person per question (primary key). Every
 * method resolves after COMMIT.
 */
export class DbQuestionService {
  readonly #db: Db;
  readonly #now: Clock;

  constructor(db: Db, opts: { now?: Clock } = {}) {
    this.#db = db;
    this.#now = opts.now ?? systemClock;
  }

  async ask(meetingId: string, from: UserRecord, clientQuestionId: string, text: string, approved: boolean): Promise<{ question: Question; created: boolean }> {
    const body = text.trim();
    if (body.length === 0 || body.length > MAX_QUESTION_LENGTH) throw new ConveneError('BAD_REQUEST', `a question is 1–${MAX_QUESTION_LENGTH} characters`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction().execute((trx) => this.#askOnce(trx, meetingId, from, clientQuestionId, body, approved));
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && isUniqueViolation(err, 'questions_meeting_seq_key')) continue;
        throw err;
      }
    }
  }

  async #askOnce(trx: Transaction<Database>, meetingId: string, from: UserRecord, cid: string, text: string, approved: boolean): Promise<{ question: Question; created: boolean }> {
    const meeting = await trx.selectFrom('meetings').select('id').where('id', '=', meetingId).forNoKeyUpdate().executeTakeFirst();
    if (!meeting) throw new ConveneError('MEETING_UNAVAILABLE', 'meeting not found');
    const existing = await this.#select(trx).where('questions.meeting_id', '=', meetingId).where('questions.user_id', '=', from.id).where('questions.client_question_id', '=', cid).executeTakeFirst();
    if (existing) return { question: toQuestion(existing), created: false };
    const { max } = await trx.selectFrom('questions').select(sql<number | null>`max(seq)`.as('max')).where('meeting_id', '=', meetingId).executeTakeFirstOrThrow();
    const row = await trx
      .insertInto('questions')
      .values({
        id: randomId(),
        meeting_id: meetingId,
        seq: (max ?? 0) + 1,
        user_id: from.id,
        client_question_id: cid,
        text,
        status: approved ? 'approved' : 'pending',
        asked_at: new Date(this.#now()),
      })
      .onConflict((oc) => oc.columns(['meeting_id', 'user_id', 'client_question_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return { question: toQuestion({ ...row, handle: from.handle, display_name: from.displayName }), created: true };
    const raced = await this.#select(trx).where('questions.meeting_id', '=', meetingId).where('questions.user_id', '=', from.id).where('questions.client_question_id', '=', cid).executeTakeFirst();
    if (!raced) throw new Error('question vanished after a conflicting insert');
    return { question: toQuestion(raced), created: false };
  }

  /** The newest MAX_LISTED questions of a meeting, in the order asked. */
  async list(meetingId: string): Promise<Question[]> {
    const rows = await this.#select(this.#db).where('questions.meeting_id', '=', meetingId).orderBy('questions.seq', 'desc').limit(MAX_LISTED).execute();
    return rows.reverse().map(toQuestion);
  }

  async myVotes(meetingId: string, userId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('question_votes')
      .innerJoin('questions', 'questions.id', 'question_votes.question_id')
      .select('question_votes.question_id')
      .where('questions.meeting_id', '=', meetingId)
      .where('question_votes.user_id', '=', userId)
      .execute();
    return rows.map((r) => r.question_id);
  }

  /** Add or take back a vote. Returns the question when its count changed, else null. */
  async vote(meetingId: string, questionId: string, userId: string, up: boolean): Promise<Question | null> {
    return this.#db.transaction().execute(async (trx) => {
      const q = await trx.selectFrom('questions').select(['id', 'status']).where('id', '=', questionId).where('meeting_id', '=', meetingId).forNoKeyUpdate().executeTakeFirst();
      if (!q) throw new ConveneError('NOT_FOUND', 'no such question');
      if (up && !VOTABLE.has(q.status)) throw new ConveneError('BAD_REQUEST', 'only approved questions can be upvoted');
      const changed = up
        ? await trx.insertInto('question_votes').values({ question_id: questionId, user_id: userId }).onConflict((oc) => oc.doNothing()).returning('user_id').executeTakeFirst()
        : await trx.deleteFrom('question_votes').where('question_id', '=', questionId).where('user_id', '=', userId).returning('user_id').executeTakeFirst();
      if (!changed) return null;
      await trx
        .updateTable('questions')
        .set({ votes: sql<number>`votes + ${up ? 1 : -1}` })
        .where('id', '=', questionId)
        .execute();
      return toQuestion(await this.#select(trx).where('questions.id', '=', questionId).executeTakeFirstOrThrow());
    });
  }

  /**
   * Set a question's status. Marking one `answering` returns any other `answering` question of the
   * meeting to `answered` (one question is on the floor at a time). Returns every changed question.
   */
  async setStatus(meetingId: string, questionId: string, status: Exclude<QuestionStatus, 'pending'>): Promise<Question[]> {
    return this.#db.transaction().execute(async (trx) => {
      const q = await trx.selectFrom('questions').select(['id', 'status']).where('id', '=', questionId).where('meeting_id', '=', meetingId).forNoKeyUpdate().executeTakeFirst();
      if (!q) throw new ConveneError('NOT_FOUND', 'no such question');
      if (q.status === status) return [];
      const ids = [questionId];
      if (status === 'answering') {
        const others = await trx.updateTable('questions').set({ status: 'answered' }).where('meeting_id', '=', meetingId).where('status', '=', 'answering').returning('id').execute();
        ids.push(...others.map((o) => o.id));
      }
      await trx.updateTable('questions').set({ status }).where('id', '=', questionId).execute();
      const rows = await this.#select(trx).where('questions.id', 'in', ids).orderBy('questions.seq').execute();
      return rows.map(toQuestion);
    });
  }

  #select(db: Db | Transaction<Database>) {
    return db
      .selectFrom('questions')
      .innerJoin('users', 'users.id', 'questions.user_id')
      .select([
        'questions.id',
        'questions.seq',
        'questions.user_id',
        'questions.client_question_id',
        'questions.text',
        'questions.status',
        'questions.votes',
        'questions.asked_at',
        'users.handle',
        'users.display_name',
      ]);
  }
}

interface QuestionRow {
  id: string;
  seq: number;
  user_id: string;
  client_question_id: string;
  text: string;
  status: string;
  votes: number;
  asked_at: Date;
  handle: string;
  display_name: string;
}

function toQuestion(r: QuestionRow): Question {
  return {
    id: r.id,
    seq: r.seq,
    clientQuestionId: r.client_question_id,
    from: { id: r.user_id, handle: r.handle, displayName: r.display_name },
    text: r.text,
    status: r.status as QuestionStatus,
    votes: Number(r.votes),
    askedAt: r.asked_at.toISOString(),
  };
}
