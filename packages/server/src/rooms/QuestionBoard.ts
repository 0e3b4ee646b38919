import { ConveneError, type Question, type QuestionStatus } from '@convene/protocol';
import type { DbQuestionService } from '../questions/question-service.ts';
import { TokenBucket } from '../signaling/TokenBucket.ts';
import type { Member } from './Member.ts';
import { can } from './permissions.ts';
import type { Room } from './Room.ts';

/** Statuses everyone may see. */
const PUBLIC: ReadonlySet<QuestionStatus> = new Set(['approved', 'answering', 'answered']);
/** Changes are sent in bursts: 10,000 listeners upvoting make two messages a second, not 10,000. */
export const QUESTION_BATCH_MS = 500;
/** Asking: a burst of 3, then one every 10 s per person. Voting: 10 a second. */
const ASK_BURST = 3;
const ASK_PER_SECOND = 0.1;
const VOTE_BURST = 10;
const VOTE_PER_SECOND = 10;

/**
 * The moderated question stream of one room. Questions are durable (DbQuestionService); this
 * class decides who sees what and batches the changes:
 * - hosts and co-hosts see every question, pending ones included, and moderate;
 * - everyone else sees approved / answering / answered questions and their own;
 * - a question dismissed after it was public is sent once more (status dismissed) so clients drop it;
 *   one dismissed while pending is never shown to anyone but its author and the hosts.
 */
export class QuestionBoard {
  private readonly changed = new Map<string, Question>();
  /** Questions that were public at some point in this room's life. */
  private readonly wasPublic = new Set<string>();
  private readonly askLimits = new WeakMap<Member, TokenBucket>();
  private readonly voteLimits = new WeakMap<Member, TokenBucket>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly room: Room,
    private readonly store: DbQuestionService,
  ) {}

  static moderator(m: Member): boolean {
    return can(m.role, 'moderateQuestions');
  }

  /** In a list: moderators see all, others the public questions and their own. */
  private listedFor(m: Member, q: Question): boolean {
    return QuestionBoard.moderator(m) || q.from.id === m.user.id || PUBLIC.has(q.status);
  }

  async ask(m: Member, clientQuestionId: string, text: string): Promise<Question> {
    limit(this.askLimits, m, ASK_BURST, ASK_PER_SECOND, 'too many questions; wait a few seconds');
    const { question, created } = await this.store.ask(this.room.id, m.user, clientQuestionId, text, QuestionBoard.moderator(m));
    if (created) this.changedQuestion(question);
    return question;
  }

  async vote(m: Member, questionId: string, up: boolean): Promise<void> {
    limit(this.voteLimits, m, VOTE_BURST, VOTE_PER_SECOND, 'too many votes');
    const q = await this.store.vote(this.room.id, questionId, m.user.id, up);
    if (q) this.changedQuestion(q);
  }

  async moderate(m: Member, questionId: string, status: Exclude<QuestionStatus, 'pending'>): Promise<void> {
    if (!QuestionBoard.moderator(m)) throw new ConveneError('FORBIDDEN', 'only hosts and co-hosts moderate questions');
    for (const q of await this.store.setStatus(this.room.id, questionId, status)) this.changedQuestion(q);
  }

  async list(m: Member): Promise<{ questions: Question[]; myVotes: string[] }> {
    const [all, myVotes] = await Promise.all([this.store.list(this.room.id), this.store.myVotes(this.room.id, m.user.id)]);
    for (const q of all) if (PUBLIC.has(q.status)) this.wasPublic.add(q.id);
    return { questions: all.filter((q) => this.listedFor(m, q)), myVotes };
  }

  private changedQuestion(q: Question): void {
    if (PUBLIC.has(q.status)) this.wasPublic.add(q.id);
    this.changed.set(q.id, q);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), QUESTION_BATCH_MS);
    this.timer.unref();
  }

  /** One payload for all moderators, one shared payload for the audience, own extras per author. */
  flush(): void {
    this.timer = null;
    if (this.changed.size === 0) return;
    const all = [...this.changed.values()].sort((a, b) => a.seq - b.seq);
    this.changed.clear();
    const audience = all.filter((q) => PUBLIC.has(q.status) || (q.status === 'dismissed' && this.wasPublic.has(q.id)));
    const privateOnes = all.filter((q) => !audience.includes(q));
    const toModerators = { method: 'questions', data: { questions: all } } as const;
    const toAudience = { method: 'questions', data: { questions: audience } } as const;
    for (const m of this.room.joined()) {
      if (QuestionBoard.moderator(m)) {
        m.notify(toModerators);
        continue;
      }
      const own = privateOnes.filter((q) => q.from.id === m.user.id);
      if (own.length > 0) m.notify({ method: 'questions', data: { questions: [...audience, ...own].sort((a, b) => a.seq - b.seq) } });
      else if (audience.length > 0) m.notify(toAudience);
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.changed.clear();
  }
}

function limit(map: WeakMap<Member, TokenBucket>, m: Member, burst: number, perSecond: number, message: string): void {
  let b = map.get(m);
  if (!b) map.set(m, (b = new TokenBucket(burst, perSecond)));
  if (!b.take()) throw new ConveneError('RATE_LIMITED', message, { retryAfterMs: Math.ceil(1000 / perSecond) });
}
