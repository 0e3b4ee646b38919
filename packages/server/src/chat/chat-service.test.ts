import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConveneError } from '@convene/protocol';
import type { UserRecord } from '../services.ts';
import { testBackends, type TestDatabase } from '../store/testing.ts';
import { randomId } from '../support/ids.ts';
import { DbChatService } from './chat-service.ts';

describe.each(testBackends())('DbChatService on $name', (backend) => {
  let t: TestDatabase;
  let chat: DbChatService;
  let alice: UserRecord;
  let bob: UserRecord;
  const now = Date.parse('2030-01-01T10:00:00Z');

  async function user(name: string): Promise<UserRecord> {
    const u = { id: randomId(), handle: `${name}_${Math.random().toString(36).slice(2, 10)}`, displayName: name };
    await t.db.insertInto('users').values({ id: u.id, handle: u.handle, display_name: u.displayName, password_hash: 'x' }).execute();
    return u;
  }
  async function meeting(): Promise<string> {
    const id = randomId();
    await t.db
      .insertInto('meetings')
      .values({ id, title: 't', host_id: alice.id, starts_at: new Date(now), duration_minutes: 60, time_zone: 'UTC', code: null, lobby: false, ended_at: null })
      .execute();
    return id;
  }

  beforeAll(async () => {
    t = await backend.open();
    chat = new DbChatService(t.db, { now: () => now });
    alice = await user('alice');
    bob = await user('bob');
  }, 60_000);
  afterAll(() => t.close());

  it('assigns seq 1, 2, 3… per meeting and returns the stored message', async () => {
    const m1 = await meeting();
    const m2 = await meeting();
    const { message: a } = await chat.send(m1, alice, 'client-msg-1', '  hello  ');
    expect(a).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      seq: 1,
      clientMsgId: 'client-msg-1',
      from: { id: alice.id, handle: alice.handle, displayName: 'alice' },
      text: 'hello',
      sentAt: '2030-01-01T10:00:00.000Z',
    });
    expect((await chat.send(m1, bob, 'client-msg-1', 'hi')).message.seq).toBe(2);
    expect((await chat.send(m2, bob, 'client-msg-2', 'other room')).message.seq).toBe(1);
  });

  it('is idempotent on (meeting, user, clientMsgId): a retry returns the original, never a duplicate', async () => {
    const m = await meeting();
    const first = await chat.send(m, alice, 'retry-me-1', 'original');
    const again = await chat.send(m, alice, 'retry-me-1', 'edited on retry');
    expect(again.message).toEqual(first.message);
    expect([first.created, again.created]).toEqual([true, false]);
    const concurrent = await Promise.all(Array.from({ length: 6 }, () => chat.send(m, bob, 'burst-000', 'once')));
    for (const c of concurrent) expect(c.message).toEqual(concurrent[0]!.message);
    expect(concurrent.filter((c) => c.created)).toHaveLength(1); // exactly one send stored it
    const all = await chat.history(m, undefined, 50);
    expect(all.map((x) => [x.seq, x.text])).toEqual([
      [1, 'original'],
      [2, 'once'],
    ]);
  });

  it('gives concurrent sends distinct, gap-free sequence numbers', async () => {
    const m = await meeting();
    const sent = await Promise.all(
      Array.from({ length: 24 }, (_, i) => chat.send(m, i % 2 ? alice : bob, `parallel-${i}`, `message ${i}`)),
    );
    expect(sent.map((s) => s.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    const history = await chat.history(m, undefined, 100);
    expect(history.map((h) => h.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('pages history backwards by beforeSeq, each page in ascending order', async () => {
    const m = await meeting();
    for (let i = 1; i <= 7; i++) await chat.send(m, alice, `page-msg-${i}`, `m${i}`);
    const latest = await chat.history(m, undefined, 3);
    expect(latest.map((x) => x.seq)).toEqual([5, 6, 7]);
    const older = await chat.history(m, latest[0]?.seq, 3);
    expect(older.map((x) => x.seq)).toEqual([2, 3, 4]);
    const oldest = await chat.history(m, older[0]?.seq, 3);
    expect(oldest.map((x) => x.text)).toEqual(['m1']);
    expect(await chat.history(m, 1, 3)).toEqual([]);
    expect(await chat.history(await meeting(), undefined, 10)).toEqual([]);
  });

  it('rejects empty text and unknown meetings', async () => {
    const m = await meeting();
    await expect(chat.send(m, alice, 'empty-msg', '   ')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const e = await chat.send(randomId(), alice, 'nowhere-1', 'hi').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ConveneError);
    expect((e as ConveneError).code).toBe('MEETING_UNAVAILABLE');
  });
});
