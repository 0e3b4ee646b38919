import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { ApiClient } from '@convene/sdk';
import type { Message } from '@convene/protocol';
import { createUser, eventually } from '../support/bots.ts';
import { Device } from '../support/inbox.ts';
import { ServerProcess } from '../support/serverProcess.ts';
import { testServer } from '../support/server.ts';

describe('messaging in real time', () => {
  let server: RunningServer;
  const devices: Device[] = [];
  const device = async (u: { token: string }) => {
    const d = await Device.connect(server.url, u);
    devices.push(d);
    return d;
  };
  beforeAll(async () => {
    server = await testServer({ SFU_WORKERS: '1' });
  });
  afterAll(async () => {
    for (const d of devices) d.close();
    await server?.close();
  });

  it('delivers every message once, in order, to every device of every member; a retry is answered but not delivered again', async () => {
    const [alice, bob] = [await createUser(server.url, 'alice'), await createUser(server.url, 'bob')];
    const [a1, a2, b1, b2] = [await device(alice), await device(alice), await device(bob), await device(bob)];
    const dm = await alice.api.createConversation({ kind: 'dm', handle: bob.handle });
    const sent: Message[] = [];
    for (let i = 0; i < 10; i++) sent.push(await (i % 3 ? alice : bob).api.sendMessage(dm.id, `order-${i}-xxxxxxxx`, `message ${i}`));
    const retry = await alice.api.sendMessage(dm.id, 'order-1-xxxxxxxx', 'message 1');
    expect(retry.id).toBe(sent[1]!.id);
    for (const d of [a1, a2, b1, b2]) {
      await eventually(() => d.messages.length >= 10, 5_000, 'all messages delivered');
    }
    await new Promise((r) => setTimeout(r, 200)); // a duplicate delivery would arrive by now
    for (const d of [a1, a2, b1, b2]) {
      expect(d.messages.map((m) => m.seq)).toEqual(sent.map((m) => m.seq)); // once each, in order
      expect(d.messages.map((m) => m.text)).toEqual(sent.map((m) => m.text));
    }
    // Unread counts and read markers sync across a user's devices.
    // (Bob sent the last one, which marks everything before it read for him.)
    expect((await bob.api.conversation(dm.id)).unread).toBe(0);
    const late = await alice.api.sendMessage(dm.id, 'order-late-xxxxxxx', 'message 10');
    expect((await bob.api.conversation(dm.id)).unread).toBe(1);
    await bob.api.markRead(dm.id, late.seq);
    await eventually(() => [b1, b2].every((d) => d.reads.some((r) => r.conversationId === dm.id && r.seq === late.seq)), 5_000, 'read marker reaches bob’s devices');
    expect(a1.reads).toHaveLength(0);
    expect((await bob.api.conversation(dm.id)).unread).toBe(0);
    expect((await bob.api.conversations()).find((c) => c.id === dm.id)?.lastMessage?.text).toBe('message 10');
  });

  it('a member who blocked the sender gets nothing, and the sender cannot tell', async () => {
    const [owner, bob, carol] = [await createUser(server.url, 'own'), await createUser(server.url, 'bob'), await createUser(server.url, 'carol')];
    const group = await owner.api.createConversation({ kind: 'group', title: 'Mixed', handles: [bob.handle, carol.handle] });
    await bob.api.block(carol.handle);
    const [oDev, bDev] = [await device(owner), await device(bob)];
    const m = await carol.api.sendMessage(group.id, 'carol-msg-xxxxxxxx', 'hello all');
    expect(m.seq).toBeGreaterThan(0);
    await eventually(() => oDev.messages.some((x) => x.id === m.id), 5_000, 'owner gets it');
    await owner.api.sendMessage(group.id, 'owner-msg-xxxxxxxx', 'hi');
    await eventually(() => bDev.messages.some((x) => x.text === 'hi'), 5_000, 'bob gets the owner’s message');
    expect(bDev.messages.some((x) => x.id === m.id)).toBe(false);
    expect((await bob.api.messages(group.id)).some((x) => x.id === m.id)).toBe(false);
    expect((await carol.api.profile(bob.handle)).blockedByMe).toBe(false); // nothing tells carol
  });

  it('refuses bad input with stable errors', async () => {
    const alice = await createUser(server.url, 'alice');
    const bob = await createUser(server.url, 'bob');
    const dm = await alice.api.createConversation({ kind: 'dm', handle: bob.handle });
    const raw = (p: string, body: unknown) =>
      fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` }, body: JSON.stringify(body) });
    for (const body of [{}, { clientMsgId: 'short', text: 'x' }, { clientMsgId: 'valid-id-123', text: '' }, { clientMsgId: 'valid-id-123', text: 'x'.repeat(4001) }, { clientMsgId: 'valid-id-123', text: 'x', extra: 1 }]) {
      const res = await raw(`/api/conversations/${dm.id}/messages`, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('BAD_REQUEST');
    }
    const stranger = await createUser(server.url, 'stranger');
    await expect(stranger.api.messages(dm.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(stranger.api.sendMessage(dm.id, 'sneaky-msg-xxxx', 'hi')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('messaging durability', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-msg-crash-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL between and during sends: every acknowledged message is there exactly once, retries never duplicate', async () => {
    const env = { DATA_DIR: dir, SFU_WORKERS: '1', RTC_MIN_PORT: '47200', RTC_MAX_PORT: '47399' };
    server = await ServerProcess.start(env);
    const port = Number(new URL(server.url).port);
    const alice = await createUser(server.url, 'alice');
    const bob = await createUser(server.url, 'bob');
    const dm = await alice.api.createConversation({ kind: 'dm', handle: bob.handle });
    const acked = new Map<string, string>(); // clientMsgId → message id
    const pending = new Set<string>();
    let n = 0;
    let retried = 0;
    for (let round = 0; round < 3; round++) {
      // A burst of sends; the server is killed while some are in flight.
      const burst = Array.from({ length: 15 }, () => `crash-${round}-${++n}-xxxxxx`);
      for (const id of burst) pending.add(id);
      const inflight = burst.map((id, i) =>
        new Promise((r) => setTimeout(r, i * 4))
          .then(() => alice.api.sendMessage(dm.id, id, `text ${id}`))
          .then((m) => {
            acked.set(id, m.id);
            pending.delete(id);
          })
          .catch(() => undefined),
      );
      await new Promise((r) => setTimeout(r, 25));
      await server.kill();
      await Promise.all(inflight);
      server = await ServerProcess.start(env, port);
      // The client retries what was not acknowledged, with the same ids.
      for (const id of [...pending]) {
        retried++;
        const m = await alice.api.sendMessage(dm.id, id, `text ${id}`);
        if (acked.has(id)) expect(m.id).toBe(acked.get(id));
        acked.set(id, m.id);
        pending.delete(id);
      }
    }
    expect(retried).toBeGreaterThan(0); // the kills did interrupt sends
    const api = new ApiClient(server.url);
    await api.signIn({ handle: bob.handle, password: 'correct horse battery' });
    const history = await api.messages(dm.id, { limit: 200 });
    const texts = history.filter((m) => m.kind === 'text');
    expect(texts).toHaveLength(n);
    expect(new Set(texts.map((m) => m.clientMsgId)).size).toBe(n);
    for (const [id, msgId] of acked) expect(texts.filter((m) => m.clientMsgId === id).map((m) => m.id)).toEqual([msgId]);
    expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1)); // gap-free order
  }, 120_000);
});
