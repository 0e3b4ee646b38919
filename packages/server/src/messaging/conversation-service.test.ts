import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRecord } from '../services.ts';
import { DbSocialService } from '../social/social-service.ts';
import { testBackends, type TestDatabase } from '../store/testing.ts';
import { randomId } from '../support/ids.ts';
import { DbConversationService } from './conversation-service.ts';

describe.each(testBackends())('DbConversationService on $name', (backend) => {
  let t: TestDatabase;
  let social: DbSocialService;
  let convs: DbConversationService;

  async function user(name: string): Promise<UserRecord> {
    const u = { id: randomId(), handle: `${name}_${Math.random().toString(36).slice(2, 10)}`, displayName: name };
    await t.db.insertInto('users').values({ id: u.id, handle: u.handle, display_name: u.displayName, password_hash: 'x' }).execute();
    return u;
  }

  beforeAll(async () => {
    t = await backend.open();
    social = new DbSocialService(t.db);
    convs = new DbConversationService(t.db, social);
  }, 60_000);
  afterAll(() => t.close());

  it('one DM per pair, whoever opens it, even when both open it at once', async () => {
    const [a, b] = [await user('a'), await user('b')];
    const [x, y] = await Promise.all([convs.openDm(a, b.handle), convs.openDm(b, a.handle)]);
    expect(x.id).toBe(y.id);
    expect((await convs.openDm(a, b.handle.toUpperCase())).id).toBe(x.id);
    expect(x.kind).toBe('dm');
    expect(x.members.map((m) => m.handle).sort()).toEqual([a.handle, b.handle].sort());
    await expect(convs.openDm(a, a.handle)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(convs.openDm(a, 'nobody_here_123')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('orders concurrent sends gap-free, and a retried (even concurrent) send never duplicates', async () => {
    const [a, b] = [await user('a'), await user('b')];
    const dm = await convs.openDm(a, b.handle);
    const sends = Array.from({ length: 20 }, (_, i) => convs.send(i % 2 ? a : b, dm.id, `msg-${i}-xxxxxxxx`, `text ${i}`));
    // The same client message id sent three times at once: stored once.
    const dup = await Promise.all([0, 1, 2].map(() => convs.send(a, dm.id, 'same-id-xxxxxxxx', 'once')));
    const all = [...(await Promise.all(sends)), ...dup];
    expect(dup.filter((d) => d.created)).toHaveLength(1);
    expect(new Set(dup.map((d) => d.message.id)).size).toBe(1);
    const history = await convs.history(a, dm.id, undefined, 200);
    expect(history.map((m) => m.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(new Set(all.map((r) => r.message.seq)).size).toBe(21);
    // Retrying later returns the stored message, unchanged.
    const again = await convs.send(a, dm.id, 'same-id-xxxxxxxx', 'different text');
    expect(again.created).toBe(false);
    expect(again.message.text).toBe('once');
  });

  it('pages history backwards by seq', async () => {
    const [a, b] = [await user('a'), await user('b')];
    const dm = await convs.openDm(a, b.handle);
    for (let i = 1; i <= 7; i++) await convs.send(a, dm.id, `page-${i}-xxxxxxx`, `m${i}`);
    const last3 = await convs.history(b, dm.id, undefined, 3);
    expect(last3.map((m) => m.text)).toEqual(['m5', 'm6', 'm7']);
    const before = await convs.history(b, dm.id, last3[0]!.seq, 3);
    expect(before.map((m) => m.text)).toEqual(['m2', 'm3', 'm4']);
    const first = await convs.history(b, dm.id, before[0]!.seq, 3);
    expect(first.map((m) => m.text)).toEqual(['m1']);
  });

  it('unread counts and read markers (forward only, capped at the last message)', async () => {
    const [a, b] = [await user('a'), await user('b')];
    const dm = await convs.openDm(a, b.handle);
    for (let i = 1; i <= 4; i++) await convs.send(a, dm.id, `unread-${i}-xxxxx`, `m${i}`);
    expect((await convs.get(b, dm.id)).unread).toBe(4);
    expect((await convs.get(a, dm.id)).unread).toBe(0); // own messages are read
    expect(await convs.markRead(b, dm.id, 3)).toBe(3);
    expect((await convs.get(b, dm.id)).unread).toBe(1);
    expect(await convs.markRead(b, dm.id, 1)).toBe(3); // never backwards
    expect(await convs.markRead(b, dm.id, 99)).toBe(4); // never past the end
    expect((await convs.get(b, dm.id)).unread).toBe(0);
  });

  it('a blocked sender’s messages are stored and shown to the sender, hidden from the blocker', async () => {
    const [a, b] = [await user('a'), await user('b')];
    const dm = await convs.openDm(a, b.handle);
    await convs.send(a, dm.id, 'before-block-xxxx', 'before');
    await social.setBlock(b, a.handle, true);
    const { message } = await convs.send(a, dm.id, 'after-block-xxxx', 'after');
    expect(message.seq).toBe(2);
    expect((await convs.history(a, dm.id, undefined, 10)).map((m) => m.text)).toEqual(['before', 'after']);
    expect((await convs.history(b, dm.id, undefined, 10)).map((m) => m.text)).toEqual([]);
    expect((await convs.get(b, dm.id)).unread).toBe(0);
    expect((await convs.get(b, dm.id)).lastMessage).toBeNull();
    await social.setBlock(b, a.handle, false);
    expect((await convs.history(b, dm.id, undefined, 10)).map((m) => m.text)).toEqual(['before', 'after']);
  });

  it('groups: creator adds and removes, members leave, outsiders see nothing, 100 members at most', async () => {
    const [owner, m1, m2, outsider] = [await user('owner'), await user('m1'), await user('m2'), await user('out')];
    const g = await convs.createGroup(owner, 'Team', [m1.handle]);
    expect(g.members.map((m) => m.role)).toEqual(['owner', 'member']);
    await expect(convs.addMember(m1, g.id, m2.handle)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await convs.addMember(owner, g.id, m2.handle);
    expect((await convs.memberIds(g.id)).sort()).toEqual([owner.id, m1.id, m2.id].sort());
    await expect(convs.removeMember(m1, g.id, m2.handle)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await convs.removeMember(m2, g.id, m2.handle); // leaving
    await convs.removeMember(owner, g.id, m1.handle);
    expect(await convs.memberIds(g.id)).toEqual([owner.id]);
    await expect(convs.history(m1, g.id, undefined, 10)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(convs.send(outsider, g.id, 'intruder-xxxxxxx', 'hi')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const texts = (await convs.history(owner, g.id, undefined, 10)).map((m) => `${m.kind}:${m.text}`);
    expect(texts).toEqual(['system:owner created the group "Team"', 'system:owner added m2', 'system:m2 left', 'system:owner removed m1']);

    const many = await Promise.all(Array.from({ length: 99 }, (_, i) => user(`u${i}`)));
    const big = await convs.createGroup(owner, 'Big', many.map((u) => u.handle));
    expect(big.members).toHaveLength(100);
    await expect(convs.addMember(owner, big.id, m1.handle)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
