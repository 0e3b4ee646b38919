/**
 * Spaces scenarios of `npm run bench`:
 * - `space-N`: one speaker (Opus tone) → N audio-only WebRTC listeners. Server CPU, µs per
 *   forwarded packet, and audio continuity: the share of listeners whose received audio energy
 *   rose in every 1 s window of the measurement (a listener that stalls for a second fails).
 * - `storm-N`: N listeners join one Space at once over signalling (no media): answered joins per
 *   second, and how long the line takes to drain at the configured pace.
 */
import WebSocket from 'ws';
import { SignalingClient } from '@convene/sdk';
import type { ServerProcess } from '../tests/support/serverProcess.ts';
import { Bot, createUser, eventually } from '../tests/support/bots.ts';

export interface SpaceResult {
  scenario: string;
  listeners: number;
  serverCpuPct: number;
  usPerPacket: number;
  continuityPct: number;
  rssMb: number;
}

export async function spaceScenario(server: ServerProcess, n: number, windowMs: number): Promise<SpaceResult> {
  const host = await createUser(server.url, 'spk');
  const space = await host.api.createSpace({ title: `bench ${n}` });
  const speaker = await Bot.join(server.url, host, space.id, { video: false, audio: { frequency: 440 } });
  const speakerId = speaker.session.self!.id;
  const listeners: Bot[] = [];
  for (let i = 0; i < n; i++) listeners.push(await Bot.join(server.url, await createUser(server.url, 'lis'), space.id, { video: false, audio: false }));
  await eventually(() => listeners.every((l) => (l.audioEnergyFrom.get(speakerId) ?? 0) > 0), 60_000, 'every listener hears the speaker');
  await new Promise((r) => setTimeout(r, 2000));
  const cpu0 = server.cpuSeconds();
  const fwd0 = await server.forwarded();
  const windows = Math.max(1, Math.round(windowMs / 1000));
  const samples: number[][] = [listeners.map((l) => l.audioEnergyFrom.get(speakerId) ?? 0)];
  const t0 = Date.now();
  for (let w = 0; w < windows; w++) {
    await new Promise((r) => setTimeout(r, 1000));
    samples.push(listeners.map((l) => l.audioEnergyFrom.get(speakerId) ?? 0));
  }
  const secs = (Date.now() - t0) / 1000;
  const cpu = server.cpuSeconds() - cpu0;
  const fwd = (await server.forwarded()) - fwd0;
  const continuous = listeners.filter((_, i) => samples.every((s, w) => w === 0 || s[i]! > samples[w - 1]![i]!)).length;
  const r: SpaceResult = {
    scenario: `Space: 1 speaker → ${n} audio listeners`,
    listeners: n,
    serverCpuPct: (cpu / secs) * 100,
    usPerPacket: fwd > 0 ? (cpu * 1e6) / fwd : NaN,
    continuityPct: (continuous / n) * 100,
    rssMb: server.rssMb(),
  };
  await Promise.all([speaker, ...listeners].map((b) => b.close()));
  return r;
}

export interface StormResult {
  scenario: string;
  answeredPerSecond: number;
  joinedImmediately: number;
  queued: number;
  drainSeconds: number;
}

export async function stormScenario(server: ServerProcess, n: number): Promise<StormResult> {
  const host = await createUser(server.url, 'storm');
  const space = await host.api.createSpace({ title: `storm ${n}` });
  const hostBot = await Bot.join(server.url, host, space.id, { video: false, audio: { frequency: 440 } });
  const users = await Promise.all(Array.from({ length: n }, () => createUser(server.url, 'st')));
  const clients = users.map((u) => new SignalingClient(`${server.url.replace('http', 'ws')}/ws`, (url) => new WebSocket(url, { headers: { authorization: `Bearer ${u.token}` } }) as never, () => undefined));
  let admitted = 0;
  for (const c of clients) c.on('notification', (x) => void (x.method === 'admitted' && admitted++));
  await Promise.all(clients.map((c) => c.connect()));
  const t0 = Date.now();
  const results = await Promise.all(clients.map((c) => c.request('join', { meetingId: space.id })));
  const answered = (Date.now() - t0) / 1000;
  const joined = results.filter((r) => r.status === 'joined').length;
  const queued = results.filter((r) => r.status === 'queued').length;
  await eventually(() => admitted >= queued, 120_000, 'the line drains');
  const drain = (Date.now() - t0) / 1000;
  for (const c of clients) c.close();
  await hostBot.close();
  return { scenario: `join storm: ${n} listeners at once`, answeredPerSecond: n / answered, joinedImmediately: joined, queued, drainSeconds: drain };
}

export function printSpaces(spaces: SpaceResult[], storms: StormResult[]): void {
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  if (spaces.length) {
    console.log('\n| Space scenario | server CPU % | µs CPU / fwd packet | listeners with uninterrupted audio | server RSS MB |');
    console.log('|---|---|---|---|---|');
    for (const r of spaces) console.log(`| ${r.scenario} | ${f(r.serverCpuPct, 1)} | ${f(r.usPerPacket, 1)} | ${f(r.continuityPct)} % | ${f(r.rssMb)} |`);
  }
  if (storms.length) {
    console.log('\n| join storm | joins answered / s | joined at once | queued | line drained after s |');
    console.log('|---|---|---|---|---|');
    for (const r of storms) console.log(`| ${r.scenario} | ${f(r.answeredPerSecond)} | ${r.joinedImmediately} | ${r.queued} | ${f(r.drainSeconds, 1)} |`);
  }
}
