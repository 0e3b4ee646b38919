import type { Question, QuestionStatus } from '@convene/protocol';

/** Statuses everyone sees; only these can be upvoted (answered ones stay visible, without votes). */
const PUBLIC: ReadonlySet<QuestionStatus> = new Set(['approved', 'answering', 'answered']);
const VOTABLE: ReadonlySet<QuestionStatus> = new Set(['approved', 'answering']);

/** The Q&A panel's sections for one viewer. Input is `QuestionStream.list()` order (kept). */
export interface QaSections {
  /** The question on the floor (at most one). */
  answering: Question | null;
  /** Approved, by votes. */
  open: Question[];
  /** Moderators: waiting for approval. */
  pending: Question[];
  /** Everyone else: their own questions not (or no longer) public, with their status. */
  mine: Question[];
  answered: Question[];
}

export interface Viewer {
  moderator: boolean;
  selfHandle: string;
}

export function isMine(q: Question, v: Viewer): boolean {
  return q.from.handle === v.selfHandle;
}

export function canVote(q: Question): boolean {
  return VOTABLE.has(q.status);
}

/** What this viewer may see: moderators everything; others public questions and their own. */
export function visibleTo(q: Question, v: Viewer): boolean {
  return v.moderator || PUBLIC.has(q.status) || isMine(q, v);
}

export function qaSections(list: readonly Question[], v: Viewer): QaSections {
  const s: QaSections = { answering: null, open: [], pending: [], mine: [], answered: [] };
  for (const q of list) {
    if (!visibleTo(q, v)) continue;
    switch (q.status) {
      case 'answering':
        // Only one at a time on the server; should two show up briefly, keep the first.
        if (s.answering) s.open.push(q);
        else s.answering = q;
        break;
      case 'approved':
        s.open.push(q);
        break;
      case 'answered':
        s.answered.push(q);
        break;
      case 'pending':
        (v.moderator ? s.pending : s.mine).push(q);
        break;
      case 'dismissed':
        // Moderators see dismissed ones nowhere (they dismissed them); authors see "not shown".
        if (!v.moderator && isMine(q, v)) s.mine.push(q);
        break;
    }
  }
  return s;
}

/**
 * Badge counts while the panel is closed: public questions (approved or on the floor) from others
 * that this person has not seen yet, and, for moderators, pending questions not seen yet.
 */
export function unseen(list: readonly Question[], seen: ReadonlySet<string>, v: Viewer): { questions: number; pending: number } {
  let questions = 0;
  let pending = 0;
  for (const q of list) {
    if (seen.has(`${q.id}:${q.status === 'pending' ? 'p' : 'a'}`) || isMine(q, v)) continue;
    if (q.status === 'approved' || q.status === 'answering') questions++;
    else if (q.status === 'pending' && v.moderator) pending++;
  }
  return { questions, pending };
}

/** Seen-keys for the questions in `list` (a question seen pending is new again once approved). */
export function seenKeys(list: readonly Question[]): string[] {
  return list.map((q) => `${q.id}:${q.status === 'pending' ? 'p' : 'a'}`);
}
