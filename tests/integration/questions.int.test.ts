import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Question } from '@convene/protocol';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';

/** Every question version a participant received through `questions` notifications. */
function recordQuestions(b: Bot): Question[] {
  const seen: Question[] = [];
  b.session.signaling.on('notification', (n) => {
    if (n.method === 'questions') seen.push(...n.data.questions);
  });
  return seen;
}

describe('Q&A: a moderated question stream', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  const join = async (u: Awaited<ReturnType<typeof createUser>>, id: string) => {
    const b = await Bot.join(server.url, u, id, { video: false, audio: false });
    bots.push(b);
    return b;
  };

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('pending questions reach only the author and hosts; approve, vote, answer, dismiss; retries and limits', async () => {
    const hostUser = await createUser(server.url, 'qhost');
    const space = await hostUser.api.createSpace({ title: 'Q&A' });
    const host = await join(hostUser, space.id);
    const [ua, ub] = [await createUser(server.url, 'qa'), await createUser(server.url, 'qb')];
    const a = await join(ua, space.id);
    const b = await join(ub, space.id);
    const seenByB = recordQuestions(b);
    const seenByHost = recordQuestions(host);

    // Ask: stored, the author sees it as pending, the host gets it; a retry returns the same question.
    const q1 = await a.session.questions.ask('What is on the roadmap?', 'client-q1-0001');
    expect(q1).toMatchObject({ status: 'pending', votes: 0, text: 'What is on the roadmap?', from: { handle: ua.handle } });
    const again = await a.session.questions.ask('What is on the roadmap?', 'client-q1-0001');
    expect(again.id).toBe(q1.id);
    await eventually(() => seenByHost.some((q) => q.id === q1.id && q.status === 'pending'), 5_000, 'host sees the pending question');
    const q2 = await a.session.questions.ask('Is this a bad question?', 'client-q2-0002');

    // Listeners may not moderate; nobody may upvote a pending question.
    await expect(b.session.questions.moderate(q1.id, 'approved')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(b.session.questions.vote(q1.id, true)).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    // Dismissed while pending: nobody else ever sees q2. Approved: everyone sees q1.
    await host.session.questions.moderate(q2.id, 'dismissed');
    await host.session.questions.moderate(q1.id, 'approved');
    await eventually(() => b.session.questions.get(q1.id)?.status === 'approved', 5_000, 'b sees the approved question');
    expect(seenByB.some((q) => q.status === 'pending' || q.id === q2.id)).toBe(false);
    expect((await b.session.questions.load()).map((q) => q.id)).toEqual([q1.id]);
    await eventually(() => a.session.questions.get(q2.id)?.status === 'dismissed', 5_000, 'the author learns q2 was dismissed');

    // Votes: once per person, can be taken back; counts reach everyone.
    await b.session.questions.vote(q1.id, true);
    await b.session.questions.vote(q1.id, true);
    await a.session.questions.vote(q1.id, true);
    await eventually(() => host.session.questions.get(q1.id)?.votes === 2 && b.session.questions.get(q1.id)?.votes === 2, 5_000, 'two votes counted');
    await a.session.questions.vote(q1.id, false);
    await eventually(() => b.session.questions.get(q1.id)?.votes === 1, 5_000, 'vote taken back');
    expect(b.session.questions.myVotes.has(q1.id)).toBe(true);

    // A host's own question is public at once; one question on the floor at a time.
    const q3 = await host.session.questions.ask('Welcome! What brings you here?', 'client-q3-0003');
    expect(q3.status).toBe('approved');
    await host.session.questions.moderate(q1.id, 'answering');
    await host.session.questions.moderate(q3.id, 'answering');
    await eventually(
      () => b.session.questions.get(q1.id)?.status === 'answered' && b.session.questions.get(q3.id)?.status === 'answering',
      5_000,
      'q1 answered, q3 on the floor',
    );
    expect(b.session.questions.list()[0]?.id).toBe(q3.id);

    // Dismissed after being public: everyone drops it.
    await host.session.questions.moderate(q3.id, 'dismissed');
    await eventually(() => b.session.questions.get(q3.id)?.status === 'dismissed', 5_000, 'b told q3 was dismissed');

    // A late joiner gets the public questions only; its votes list is its own.
    const uc = await createUser(server.url, 'qc');
    const c = await join(uc, space.id);
    const forC = await c.session.questions.load();
    expect(forC.map((q) => [q.id, q.status])).toEqual([[q1.id, 'answered']]);
    expect(c.session.questions.myVotes.size).toBe(0);
    const forB = await Bot.join(server.url, ub, space.id, { video: false, audio: false });
    bots.push(forB);
    await forB.session.questions.load();
    expect([...forB.session.questions.myVotes]).toEqual([q1.id]);

    // Rate limit: a burst of 3 questions, then wait.
    await c.session.questions.ask('one?');
    await c.session.questions.ask('two?');
    await c.session.questions.ask('three?');
    await expect(c.session.questions.ask('four?')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(c.session.signaling.request('askQuestion', { clientQuestionId: 'x', text: 'short id' } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(c.session.signaling.request('askQuestion', { clientQuestionId: 'client-long-1', text: 'x'.repeat(501) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  }, 90_000);

  it('votes from many people arrive as a few batched notifications', async () => {
    const hostUser = await createUser(server.url, 'bhost');
    const space = await hostUser.api.createSpace({ title: 'Batching' });
    const host = await join(hostUser, space.id);
    const q = await host.session.questions.ask('Vote for me', 'client-batch-01');
    const voters = await Promise.all(Array.from({ length: 6 }, async (_, i) => join(await createUser(server.url, `v${i}`), space.id)));
    const observer = voters[0]!;
    let frames = 0;
    observer.session.signaling.on('notification', (n) => {
      if (n.method === 'questions') frames++;
    });
    await Promise.all(voters.map((v) => v.session.questions.vote(q.id, true)));
    await eventually(() => observer.session.questions.get(q.id)?.votes === 6, 5_000, 'all six votes counted');
    expect(frames).toBeLessThanOrEqual(3);
    expect(frames).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
