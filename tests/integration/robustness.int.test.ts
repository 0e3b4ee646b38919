import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '@convene/server';
import { MAX_FRAME_BYTES } from '@convene/protocol';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';

function rawSocket(url: string, token: string): Promise<{ ws: WebSocket; frames: unknown[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    ws.on('open', () => resolve({ ws, frames }));
    ws.on('error', reject);
  });
}

describe('bad input and dropped connections', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  beforeAll(async () => {
    server = await testServer({ RESUME_GRACE_SECONDS: '10' });
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('answers malformed and unknown frames with stable codes, refuses oversized frames, and other rooms carry on', async () => {
    const host = await createUser(server.url, 'h');
    const m = await host.api.createMeeting({ title: 'Busy' });
    const a = await Bot.join(server.url, host, m.id, { video: false, audio: false });
    bots.push(a);
    const other = await createUser(server.url, 'o');
    const b = await Bot.join(server.url, other, m.id, { video: false, audio: false });
    bots.push(b);

    const evil = await createUser(server.url, 'evil');
    const { ws, frames } = await rawSocket(server.url, evil.token);
    ws.send('not json {');
    ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'launchMissiles', data: {} }));
    ws.send(JSON.stringify({ kind: 'request', id: 2, method: 'join', data: { meetingId: 42 } }));
    ws.send(JSON.stringify({ kind: 'request', id: 3, method: 'chatSend', data: { clientMsgId: 'abcdefgh', text: 'hi' } }));
    ws.send(JSON.stringify({ kind: 'request', id: 4, method: 'join', data: { meetingId: m.id, extra: true } }));
    ws.send(JSON.stringify({ hello: 'world' }));
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await eventually(() => frames.length >= 7, 5000, 'seven error replies');
    const codes = frames.map((f) => (f as { error: { code: string }; id: number | null }).error.code);
    expect(codes).toEqual(['BAD_REQUEST', 'UNKNOWN_METHOD', 'BAD_REQUEST', 'NOT_JOINED', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST']);
    expect((frames[1] as { id: number }).id).toBe(1);

    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closed).toBe(1009); // message too big

    // The meeting next door is unaffected.
    await a.session.sendChat('still here');
    const seen: string[] = [];
    b.session.on('chat', (c) => seen.push(c.text));
    await a.session.sendChat('and working');
    await eventually(() => seen.includes('and working'), 5000, 'chat still flows');
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/convene_bad_frames_total\{code="BAD_REQUEST"\} [1-9]/);
  });

  it('HTTP bodies are validated with the same error shape', async () => {
    const res = await fetch(`${server.url}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"handle":1}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('BAD_REQUEST');
    const unauth = await fetch(`${server.url}/api/meetings`);
    expect(unauth.status).toBe(401);
  });

  it('a receiving connection that never connects is recovered by the SDK (ICE restart) and media flows', async () => {
    const host = await createUser(server.url, 'stuckh');
    const m = await host.api.createMeeting({ title: 'Stuck' });
    const pub = await Bot.join(server.url, host, m.id, { video: { width: 320, height: 180, fps: 15 }, audio: false });
    bots.push(pub);
    // The first subscribe offer points at a port nobody listens on (libwebrtc does not even try
    // ports below 1024), and our answer withholds our candidates: neither side can reach the
    // other, so the connection would sit in 'new' for good.
    let offers = 0;
    const states: string[] = [];
    const sub = await Bot.join(server.url, await createUser(server.url, 'stucks'), m.id, {
      video: false,
      audio: false,
      connectTimeoutMs: 3000,
      rewriteSubscribeSdp: (sdp) => (++offers === 1 ? sdp.replace(/^(a=candidate:\S+ \d+ udp \d+ \S+ )\d+/gim, (_, head: string) => `${head}9`) : sdp),
    });
    bots.push(sub);
    sub.session.on('media', (which, state) => states.push(`${which}:${state}`));
    const pubId = pub.session.self!.id;
    await eventually(() => sub.frames(pubId) > 0, 20_000, 'frames after the watchdog restarted ICE').catch((e: unknown) => {
      throw new Error(`${String(e)}; offers ${offers}; states ${states.join(' ')}`);
    });
    expect(offers).toBeGreaterThan(1); // a fresh offer (ICE restart) was needed
    // (The state event can trail the first frames: wait for it rather than read it once.)
    await eventually(() => sub.session.peerConnections.recv?.connectionState === 'connected', 5_000, 'receiving connection connected');
  });

  it('resumes after the signalling socket is cut, without leaving the meeting, and media keeps flowing', async () => {
    const host = await createUser(server.url, 'h');
    const m = await host.api.createMeeting({ title: 'Flaky' });
    const a = await Bot.join(server.url, host, m.id);
    bots.push(a);
    const guest = await createUser(server.url, 'g');
    const b = await Bot.join(server.url, guest, m.id);
    bots.push(b);
    const aId = a.session.self!.id;
    const bId = b.session.self!.id;
    await eventually(() => a.frames(bId) > 5 && b.frames(aId) > 5, 20_000, 'media both ways');
    const left: string[] = [];
    a.session.on('participantsLeft', (ps) => left.push(...ps.map((p) => p.id)));
    const states: string[] = [];
    b.session.on('state', (s) => states.push(s));

    b.session.simulateSocketDrop();
    await eventually(() => states.includes('reconnecting') && b.session.state === 'joined', 10_000, 'b resumed');
    expect(b.session.self!.id).toBe(bId); // same seat
    const before = a.frames(bId);
    const beforeB = b.frames(aId);
    await eventually(() => a.frames(bId) > before + 10 && b.frames(aId) > beforeB + 10, 15_000, 'media continues after resume');
    // Signalling still works after the resume.
    const got: string[] = [];
    a.session.on('chat', (c) => got.push(c.text));
    await b.session.sendChat('back');
    await eventually(() => got.includes('back'), 5000, 'chat after resume');
    expect(left).toEqual([]); // nobody saw b leave

    // ICE restart: new credentials on both connections, same tracks, media keeps flowing.
    const ufrags = () =>
      [b.session.peerConnections.send, b.session.peerConnections.recv].map((pc) => /a=ice-ufrag:(\S+)/.exec(pc!.remoteDescription!.sdp)?.[1]);
    const before1 = ufrags();
    expect(await b.session.restartIce()).toBe(true);
    const after1 = ufrags();
    expect(after1[0]).not.toBe(before1[0]);
    expect(after1[1]).not.toBe(before1[1]);
    const a1 = a.frames(bId);
    const b1 = b.frames(aId);
    await eventually(() => a.frames(bId) > a1 + 10 && b.frames(aId) > b1 + 10, 15_000, 'media flows after an ICE restart');

    // A network change that kills ICE: both peer connections are rebuilt (server transports reset),
    // the seat is kept, and media flows both ways again.
    const removed: string[] = [];
    a.session.on('trackRemoved', (t) => removed.push(t.participantId));
    await b.session.reconnectMedia();
    await eventually(() => removed.includes(bId), 10_000, 'a drops b’s old tracks');
    const a2 = a.frames(bId);
    const b2 = b.frames(aId);
    await eventually(() => a.frames(bId) > a2 + 10 && b.frames(aId) > b2 + 10, 20_000, 'media flows after a media restart');
    expect(b.session.self!.id).toBe(bId);
  });
});
