/**
 * Join storm on a Space: hundreds of listeners arrive at once. Nobody gets an error or an
 * outage: the first ones take the WebRTC seats at the admission pace, the rest wait in a FIFO
 * line with a clear status, and the speaker's audio to listeners already in never stops.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { SignalingClient } from '@convene/sdk';
import type { Notification, RequestResult } from '@convene/protocol';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';

const SEATS = 40;
const RATE = 20;
const STORM = 150;

describe('Space join storm', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  const clients: SignalingClient[] = [];
  beforeAll(async () => {
    server = await testServer({ SPACE_WEBRTC_LISTENERS: String(SEATS), SPACE_JOINS_PER_SECOND: String(RATE), SFU_WORKERS: '1' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it(`${STORM} listeners at once: seats filled at the admission pace, the rest queued in order, speaker audio uninterrupted`, async () => {
    const hostUser = await createUser(server.url, 'stormhost');
    const space = await hostUser.api.createSpace({ title: 'Launch' });
    const host = await Bot.join(server.url, hostUser, space.id, { video: false, audio: { frequency: 440 } });
    const early = await Bot.join(server.url, await createUser(server.url, 'early'), space.id, { video: false, audio: false });
    bots.push(host, early);
    const hostId = host.session.self!.id;
    await eventually(() => (early.audioEnergyFrom.get(hostId) ?? 0) > 0, 15_000, 'the early listener hears the host');

    // Watch the early listener's audio while the storm runs: it must keep rising every 500 ms.
    const energy: number[] = [];
    const sampler = setInterval(() => energy.push(early.audioEnergyFrom.get(hostId) ?? 0), 500);

    const users = await Promise.all(Array.from({ length: STORM }, (_, i) => createUser(server.url, `s${i}`)));
    const events = new Map<number, Notification[]>();
    const admitted: number[] = []; // client indexes, in the order they were let in
    const t0 = Date.now();
    const results = await Promise.all(
      users.map(async (u, i) => {
        const c = new SignalingClient(`${server.url.replace('http', 'ws')}/ws`, (url) => new WebSocket(url, { headers: { authorization: `Bearer ${u.token}` } }) as never, () => undefined);
        clients[i] = c;
        events.set(i, []);
        c.on('notification', (n) => {
          events.get(i)!.push(n);
          if (n.method === 'admitted') admitted.push(i);
        });
        await c.connect();
        return c.request('join', { meetingId: space.id });
      }),
    );
    const elapsed = Date.now() - t0;
    const joinedNow = results.filter((r) => r.status === 'joined').length;
    const queued = results.map((r, i) => ({ r, i })).filter((x): x is { r: Extract<RequestResult<'join'>, { status: 'queued' }>; i: number } => x.r.status === 'queued');
    expect(joinedNow + queued.length).toBe(STORM); // every join answered: joined or queued
    // Admissions follow the pace: at most one second's worth (plus the time the storm took) at once.
    expect(joinedNow).toBeLessThanOrEqual(RATE + Math.ceil((elapsed / 1000) * RATE) + 1);
    // 'busy' (waiting for the pace); 'full' only once the storm took long enough for the seats to fill.
    const couldFill = joinedNow + Math.ceil((elapsed / 1000) * RATE) + RATE >= SEATS - 1;
    expect(queued.every((q) => q.r.position >= 1 && (q.r.reason === 'busy' || (couldFill && q.r.reason === 'full')))).toBe(true);

    // The line drains until the seats are full; then the rest wait, told their place and "full".
    await eventually(() => joinedNow + admitted.length >= SEATS - 1, 15_000, 'seats fill up');
    await new Promise((r) => setTimeout(r, 500));
    expect(joinedNow + admitted.length).toBe(SEATS - 1); // the early listener holds one seat
    const placeOf = (i: number): { position: number; reason: string } => {
      const last = events.get(i)!.filter((n) => n.method === 'queued').at(-1);
      const r = results[i] as Extract<RequestResult<'join'>, { status: 'queued' }>;
      return last?.method === 'queued' ? last.data : { position: r.position, reason: r.reason };
    };
    const waiting = queued.filter((q) => !admitted.includes(q.i)).map((q) => ({ i: q.i, ...placeOf(q.i) }));
    // Everyone still in line knows a distinct place, 1..n, and why they wait.
    expect(waiting.map((w) => w.position).sort((a, b) => a - b)).toEqual(waiting.map((_, k) => k + 1));
    expect(waiting.every((w) => w.reason === 'full')).toBe(true);

    // Five listeners leave: exactly the first five in line get in (first come, first served).
    const seated = results.map((r, i) => ({ r, i })).filter((x) => x.r.status === 'joined').slice(0, 5);
    // (Leaving frees the seat at once; a dropped socket keeps it for the resume grace period.)
    for (const s of seated) await clients[s.i]!.request('leave', {});
    const before = admitted.length;
    await eventually(() => admitted.length === before + 5, 10_000, 'five more admitted');
    const firstFive = waiting.filter((w) => w.position <= 5).map((w) => w.i).sort();
    expect(admitted.slice(before).sort()).toEqual(firstFive);
    clearInterval(sampler);

    // The speaker was never interrupted for the listener already in.
    for (let i = 2; i < energy.length; i++) expect(energy[i]!, `audio energy at sample ${i}`).toBeGreaterThan(energy[i - 2]!);
    expect((await fetch(`${server.url}/healthz`)).ok).toBe(true);
    expect(host.session.room?.audienceCount).toBeLessThanOrEqual(SEATS);
  }, 90_000);
});
