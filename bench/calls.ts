/**
 * `calls-N` scenario of `npm run bench`: N 1:1 video calls placed from DMs, BENCH_CALL_WAVE at a
 * time (default 5). Each: caller's device startCall → caller joins the call's room and publishes
 * 320×180 video + audio → callee's device rings → accept → callee joins and publishes. Reports
 * calls set up per second (ring → media flowing both ways), ring latency, accept → first remote
 * frame at the callee, and start → media both ways, as p50/p95.
 */
import type { ServerProcess } from '../tests/support/serverProcess.ts';
import { Bot, createUser, eventually } from '../tests/support/bots.ts';
import { Device } from '../tests/support/inbox.ts';

export interface CallsResult {
  scenario: string;
  callsPerSecond: number;
  ringP50: number;
  ringP95: number;
  acceptToFrameP50: number;
  acceptToFrameP95: number;
  setupP50: number;
  setupP95: number;
  serverCpuPct: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

export async function callsScenario(server: ServerProcess, n: number): Promise<CallsResult> {
  const wave = Number(process.env.BENCH_CALL_WAVE ?? 5);
  // Accounts, follows and DMs first: not part of call setup.
  const pairs = [];
  for (let i = 0; i < n; i++) {
    const caller = await createUser(server.url, 'caller');
    const callee = await createUser(server.url, 'callee');
    await callee.api.follow(caller.handle);
    const dm = await caller.api.createConversation({ kind: 'dm', handle: callee.handle });
    pairs.push({ caller, callee, dm, callerDev: await Device.connect(server.url, caller), calleeDev: await Device.connect(server.url, callee) });
  }
  const ring: number[] = [];
  const acceptToFrame: number[] = [];
  const setup: number[] = [];
  const bots: Bot[] = [];
  const cpu0 = server.cpuSeconds();
  const t0 = Date.now();
  for (let w = 0; w < n; w += wave) {
    await Promise.all(
      pairs.slice(w, w + wave).map(async (p) => {
        const start = Date.now();
        const call = await p.callerDev.inbox.startCall(p.dm.id, 'video');
        const [a] = await Promise.all([
          Bot.join(server.url, p.caller, call.meetingId, { video: { width: 320, height: 180, fps: 15 } }),
          eventually(() => p.calleeDev.ringsFor(call.id).length > 0, 10_000, 'ring'),
        ]);
        bots.push(a);
        ring.push(p.calleeDev.ringsFor(call.id)[0]!.at - start);
        const accepted = Date.now();
        await p.calleeDev.inbox.acceptCall(call.id);
        const b = await Bot.join(server.url, p.callee, call.meetingId, { video: { width: 320, height: 180, fps: 15 } });
        bots.push(b);
        const aId = a.session.self!.id;
        const bId = b.session.self!.id;
        await eventually(() => b.frames(aId) > 0 && a.frames(bId) > 0, 30_000, 'media both ways');
        acceptToFrame.push(b.firstFrameAt.get(aId)! - accepted);
        setup.push(Math.max(b.firstFrameAt.get(aId)!, a.firstFrameAt.get(bId)!) - start);
      }),
    );
  }
  const secs = (Date.now() - t0) / 1000;
  const cpu = server.cpuSeconds() - cpu0;
  await Promise.all(bots.map((b) => b.close()));
  for (const p of pairs) {
    p.callerDev.close();
    p.calleeDev.close();
  }
  return {
    scenario: `${n} calls, ${wave} at a time`,
    callsPerSecond: n / secs,
    ringP50: pct(ring, 50),
    ringP95: pct(ring, 95),
    acceptToFrameP50: pct(acceptToFrame, 50),
    acceptToFrameP95: pct(acceptToFrame, 95),
    setupP50: pct(setup, 50),
    setupP95: pct(setup, 95),
    serverCpuPct: (cpu / secs) * 100,
  };
}

export function printCalls(results: CallsResult[]): void {
  if (results.length === 0) return;
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  console.log('\n| calls scenario | calls set up / s | ring latency p50 / p95 ms | accept → first remote frame p50 / p95 ms | start → media both ways p50 / p95 ms | server CPU % |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.scenario} | ${f(r.callsPerSecond, 2)} | ${f(r.ringP50)} / ${f(r.ringP95)} | ${f(r.acceptToFrameP50)} / ${f(r.acceptToFrameP95)} | ${f(r.setupP50)} / ${f(r.setupP95)} | ${f(r.serverCpuPct, 1)} |`);
  }
}
