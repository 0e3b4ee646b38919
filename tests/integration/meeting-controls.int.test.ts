import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { ConveneError } from '@convene/protocol';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';

const quiet = { video: false, audio: false } as const;

async function expectCode(p: Promise<unknown>, code: string): Promise<ConveneError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConveneError);
  expect((err as ConveneError).code).toBe(code);
  return err as ConveneError;
}

describe('meeting admission and host controls (signalling)', () => {
  let server: RunningServer;
  const open: Bot[] = [];
  const join = async (...a: Parameters<typeof Bot.join>) => {
    const b = await Bot.join(...a);
    open.push(b);
    return b;
  };

  beforeAll(async () => {
    server = await testServer({ CODE_ATTEMPTS_PER_MINUTE: '3', RESUME_GRACE_SECONDS: '5' });
  });
  afterAll(async () => {
    await Promise.all(open.map((b) => b.close()));
    await server?.close();
  });

  it('a wrong code and an unknown meeting give the same answer, then rate limiting', async () => {
    const host = await createUser(server.url, 'h');
    const m = await host.api.createMeeting({ title: 'Secret', code: 'right-code' });
    const guest = await createUser(server.url, 'g');
    const wrong = await expectCode(join(server.url, guest, m.id, { ...quiet, code: 'wrong-code' }), 'MEETING_UNAVAILABLE');
    const unknown = await expectCode(join(server.url, guest, 'AAAAAAAAAAAAAAAAAAAAAA', { ...quiet, code: 'wrong-code' }), 'MEETING_UNAVAILABLE');
    expect(wrong.message).toBe(unknown.message);
    await expectCode(join(server.url, guest, m.id, quiet), 'MEETING_UNAVAILABLE'); // no code at all
    await expectCode(join(server.url, guest, m.id, { ...quiet, code: 'wrong-again' }), 'MEETING_UNAVAILABLE');
    const limited = await expectCode(join(server.url, guest, m.id, { ...quiet, code: 'right-code' }), 'RATE_LIMITED');
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    // The host needs no code and is never limited.
    const h = await join(server.url, host, m.id, quiet);
    expect(h.session.self?.role).toBe('host');
  });

  it('lobby: admit and deny; removed participants need approval to come back', async () => {
    const host = await createUser(server.url, 'h');
    const m = await host.api.createMeeting({ title: 'Lobby', lobby: true });
    const h = await join(server.url, host, m.id, quiet);
    const alice = await createUser(server.url, 'alice');
    const bob = await createUser(server.url, 'bob');
    let waiting: { id: string; handle: string }[] = [];
    h.session.on('lobby', (w) => {
      waiting = w;
    });
    const a = await join(server.url, alice, m.id, quiet);
    const b = await join(server.url, bob, m.id, quiet);
    expect(a.session.state).toBe('lobby');
    expect(b.session.state).toBe('lobby');
    expect(h.session.participants.size).toBe(0); // people in the lobby are not in the meeting
    await eventually(() => waiting.length === 2, 5000, 'host sees two people waiting');
    const ids = new Map(waiting.map((p) => [p.handle, p.id]));
    await h.session.admit(ids.get(alice.handle)!);
    await eventually(() => a.session.state === 'joined', 5000, 'alice admitted');
    await h.session.deny(ids.get(bob.handle)!);
    await eventually(() => b.session.state === 'denied', 5000, 'bob denied');
    await eventually(() => h.session.participants.has(a.session.self!.id), 5000, 'host sees alice');

    // Remove Alice: she cannot come straight back, she waits in the lobby.
    await h.session.remove(a.session.self!.id);
    await eventually(() => a.session.state === 'removed', 5000, 'alice removed');
    await eventually(() => !h.session.participants.has(a.session.self!.id), 5000, 'alice gone for host');
    const again = await join(server.url, alice, m.id, quiet);
    expect(again.session.state).toBe('lobby');
  });

  it('lock keeps newcomers out; host mute with self-unmute disabled; hands queue in order; spotlight', async () => {
    const host = await createUser(server.url, 'h');
    const m = await host.api.createMeeting({ title: 'Controls' });
    const h = await join(server.url, host, m.id, quiet);
    const u1 = await createUser(server.url, 'u1');
    const u2 = await createUser(server.url, 'u2');
    const p1 = await join(server.url, u1, m.id, { video: false, audio: { frequency: 300 } });
    const p2 = await join(server.url, u2, m.id, quiet);

    await h.session.lock(true);
    await eventually(() => p1.session.room?.locked === true, 5000, 'room shows locked');
    const late = await createUser(server.url, 'late');
    await expectCode(join(server.url, late, m.id, quiet), 'MEETING_LOCKED');
    await h.session.lock(false);

    await h.session.setAllowSelfUnmute(false);
    const muted: string[] = [];
    p1.session.on('mutedByHost', (s) => muted.push(s));
    await h.session.mute(p1.session.self!.id, 'microphone');
    await eventually(() => muted.includes('microphone'), 5000, 'p1 told it was muted');
    await eventually(() => !h.session.participants.get(p1.session.self!.id)?.sources.includes('microphone'), 5000, 'host sees p1 muted');
    await expectCode(p1.session.setMuted('microphone', false), 'FORBIDDEN');
    await h.session.setAllowSelfUnmute(true);
    await p1.session.setMuted('microphone', false);
    await eventually(() => h.session.participants.get(p1.session.self!.id)?.sources.includes('microphone') === true, 5000, 'p1 unmuted');

    // Participants cannot use host controls.
    await expectCode(p2.session.mute(p1.session.self!.id, 'microphone'), 'FORBIDDEN');
    await expectCode(p2.session.spotlight(p1.session.self!.id), 'FORBIDDEN');

    await p2.session.raiseHand(true);
    await p1.session.raiseHand(true);
    await eventually(() => h.session.room?.handQueue.length === 2, 5000, 'two hands');
    expect(h.session.room?.handQueue).toEqual([p2.session.self!.id, p1.session.self!.id]);
    await h.session.lowerHandOf(p2.session.self!.id);
    await eventually(() => h.session.room?.handQueue.join() === p1.session.self!.id, 5000, 'queue advanced');

    await h.session.spotlight(p2.session.self!.id);
    await eventually(() => p1.session.room?.spotlightId === p2.session.self!.id, 5000, 'spotlight reaches everyone');

    await h.session.setRole(p1.session.self!.id, 'cohost');
    await eventually(() => p1.session.self?.role === 'cohost', 5000, 'p1 is co-host');
    await p1.session.spotlight(null);
    await expectCode(p1.session.endForAll(), 'FORBIDDEN');

    await h.session.endForAll();
    await eventually(() => p1.session.state === 'ended' && p2.session.state === 'ended', 5000, 'meeting ended for all');
    await expectCode(join(server.url, u2, m.id, quiet), 'MEETING_ENDED');
  });

  it('chat is ordered and a retried send never duplicates', async () => {
    const host = await createUser(server.url, 'h');
    const m = await host.api.createMeeting({ title: 'Chat' });
    const h = await join(server.url, host, m.id, { ...quiet, recordFrames: true });
    const u = await createUser(server.url, 'u');
    const p = await join(server.url, u, m.id, quiet);
    const got: string[] = [];
    p.session.on('chat', (c) => got.push(c.text));
    for (const t of ['one', 'two', 'three']) await h.session.sendChat(t);
    const retry1 = await p.session.signaling.request('chatSend', { clientMsgId: 'client-msg-0001', text: 'hello' });
    const retry2 = await p.session.signaling.request('chatSend', { clientMsgId: 'client-msg-0001', text: 'hello' });
    expect(retry2.message.id).toBe(retry1.message.id);
    await eventually(() => got.length >= 4, 5000, 'chat delivered');
    expect(got).toEqual(['one', 'two', 'three', 'hello']);
    // The server broadcast the retried message once: the retry was only answered.
    const helloFrames = h.received.filter((f) => f.includes('"chatMessage"') && f.includes('client-msg-0001'));
    expect(helloFrames).toHaveLength(1);
    const history = await h.session.chatHistory();
    expect(history.map((x) => x.text)).toEqual(['one', 'two', 'three', 'hello']);
    expect(history.map((x) => x.seq)).toEqual([...history.map((x) => x.seq)].sort((a, b) => a - b));
  });
});

