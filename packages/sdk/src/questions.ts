import type { Question, QuestionStatus } from '@convene/protocol';
import { TypedEmitter } from './emitter.ts';
import { randomId } from './media.ts';
import type { SignalingClient } from './signaling.ts';

/** Order of the list: the question on the floor, then open ones by votes, then the rest. */
const RANK: Record<QuestionStatus, number> = { answering: 0, approved: 1, pending: 2, answered: 3, dismissed: 4 };

export type QuestionEvents = {
  /** The list changed (sorted as `list()`). */
  changed: [Question[]];
};

/**
 * The Q&A stream of a meeting or Space as one client sees it (hosts: everything; others: approved
 * questions and their own). Kept up to date from `questions` notifications; `load()` after joining
 * (and after a resume) fetches the current list.
 */
export class QuestionStream extends TypedEmitter<QuestionEvents> {
  private readonly byId = new Map<string, Question>();
  /** Questions I upvoted. */
  readonly myVotes = new Set<string>();

  constructor(private readonly sig: SignalingClient) {
    super();
  }

  async load(): Promise<Question[]> {
    const r = await this.sig.request('questionList', {});
    this.byId.clear();
    for (const q of r.questions) this.byId.set(q.id, q);
    this.myVotes.clear();
    for (const id of r.myVotes) this.myVotes.add(id);
    return this.changed();
  }

  /** Notifications: newer versions of questions. */
  apply(questions: Question[]): void {
    for (const q of questions) this.byId.set(q.id, q);
    this.changed();
  }

  list(): Question[] {
    return [...this.byId.values()].sort((a, b) => RANK[a.status] - RANK[b.status] || (a.status === 'approved' ? b.votes - a.votes : 0) || a.seq - b.seq);
  }

  get(id: string): Question | undefined {
    return this.byId.get(id);
  }

  /** Ask; a retry of the same call (same clientQuestionId) never asks twice. */
  async ask(text: string, clientQuestionId = randomId()): Promise<Question> {
    const { question } = await this.sig.request('askQuestion', { clientQuestionId, text });
    this.apply([question]);
    return question;
  }

  async vote(questionId: string, vote: boolean): Promise<void> {
    await this.sig.request('voteQuestion', { questionId, vote });
    if (vote) this.myVotes.add(questionId);
    else this.myVotes.delete(questionId);
    this.changed();
  }

  /** Hosts and co-hosts. */
  async moderate(questionId: string, status: Exclude<QuestionStatus, 'pending'>): Promise<void> {
    await this.sig.request('moderateQuestion', { questionId, status });
  }

  private changed(): Question[] {
    const l = this.list();
    this.emit('changed', l);
    return l;
  }
}
