import { describe, expect, it } from 'vitest';
import type { Question, QuestionStatus } from '@convene/protocol';
import { canVote, qaSections, seenKeys, unseen } from './qa.ts';

let seq = 0;
const q = (id: string, status: QuestionStatus, handle = 'ann', votes = 0): Question => ({
  id,
  seq: ++seq,
  clientQuestionId: `c-${id}-xxxxxxxx`,
  from: { id: `u-${handle}`, handle, displayName: handle.toUpperCase() },
  text: `question ${id}`,
  status,
  votes,
  askedAt: new Date(0).toISOString(),
});

const host = { moderator: true, selfHandle: 'hana' };
const ann = { moderator: false, selfHandle: 'ann' };
const bob = { moderator: false, selfHandle: 'bob' };

describe('Q&A sections', () => {
  const list = [q('a', 'answering', 'bob'), q('b', 'approved', 'bob', 3), q('c', 'approved', 'ann', 1), q('d', 'pending', 'ann'), q('e', 'pending', 'bob'), q('f', 'answered', 'bob'), q('g', 'dismissed', 'ann'), q('h', 'dismissed', 'bob')];

  it('hosts see the floor, open questions, everything pending, answered; never dismissed ones', () => {
    const s = qaSections(list, host);
    expect(s.answering?.id).toBe('a');
    expect(s.open.map((x) => x.id)).toEqual(['b', 'c']);
    expect(s.pending.map((x) => x.id)).toEqual(['d', 'e']);
    expect(s.mine).toEqual([]);
    expect(s.answered.map((x) => x.id)).toEqual(['f']);
  });

  it('others see public questions plus only their own pending and dismissed ones', () => {
    const s = qaSections(list, ann);
    expect(s.answering?.id).toBe('a');
    expect(s.open.map((x) => x.id)).toEqual(['b', 'c']);
    expect(s.pending).toEqual([]);
    expect(s.mine.map((x) => [x.id, x.status])).toEqual([
      ['d', 'pending'],
      ['g', 'dismissed'],
    ]);
    expect(qaSections(list, bob).mine.map((x) => x.id)).toEqual(['e', 'h']);
  });

  it('only approved questions and the one on the floor take votes', () => {
    expect(list.filter(canVote).map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('Q&A badges', () => {
  it('counts public questions from others not seen yet, and pending ones for moderators', () => {
    const list = [q('a', 'approved', 'bob'), q('b', 'approved', 'ann'), q('c', 'pending', 'bob'), q('d', 'answered', 'bob')];
    expect(unseen(list, new Set(), ann)).toEqual({ questions: 1, pending: 0 });
    expect(unseen(list, new Set(), host)).toEqual({ questions: 2, pending: 1 });
    expect(unseen(list, new Set(seenKeys(list)), host)).toEqual({ questions: 0, pending: 0 });
  });

  it('a question seen while pending counts again once it is approved', () => {
    const seen = new Set(seenKeys([q('x', 'pending', 'bob')]));
    expect(unseen([q('x', 'pending', 'bob')], seen, host)).toEqual({ questions: 0, pending: 0 });
    expect(unseen([q('x', 'approved', 'bob')], seen, host)).toEqual({ questions: 1, pending: 0 });
  });
});
