/**
 * `npm run bench [-- scenario...]`: drives Node participants (libwebrtc via @roamhq/wrtc, through
 * the SDK) against a server in its own process and prints, per scenario: server CPU µs per
 * forwarded RTP packet, forwarded packets/s, server RSS, join → first remote frame p50/p95 and
 * frames/s at subscribers. Scenarios: fanout-N (1 publisher → N subscribers), fanout-light-N (the
 * same, subscribers that receive without decoding: bench/lightSubscriber.ts), mesh-N (all publish);
 * hls-latency[-B]: Spaces broadcast glass-to-glass latency, LL-HLS vs classic (bench/hlsLatency.ts).
 */
import { spawn } from 'node:child_process';
import { Bot, createUser, eventually } from '../tests/support/bots.ts';
import { LightSubscriber } from './lightSubscriber.ts';
import { ServerProcess, cores } from '../tests/support/serverProcess.ts';
import { callsScenario, printCalls, type CallsResult } from './calls.ts';
import { printSpaces, spaceScenario, stormScenario, type SpaceResult, type StormResult } from './spaces.ts';
import { captionsScenario, printCaptions, type CaptionResult } from './captions.ts';
import { hlsLatencyScenario, printHlsLatency, type HlsLatencyResult } from './hlsLatency.ts';
import { machineReference, type Reference } from './reference.ts';

interface Result {
  scenario: string;
  usPerPacket: number;
  cpuPct: number;
  usUser: number;
  usKernel: number;
  pps: number;
  rssMb: number;
  firstFrameP50: number;
  firstFrameP95: number;
  fps: number;
  /** NACK retransmissions per second (extra sends not counted as forwarded packets). */
  rtxPps: number;
  threads: string;
  /** µs of CPU per forwarded packet in each sub-window (scheduler run time), in order. */
  usPerPacketSub: number[];
  /** The machine-speed reference (bench/reference.ts) just before and just after the window. */
  reference: [Reference | null, Reference | null];
}

const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
/**
 * The window is also measured in sub-windows of this length, each with its own CPU per packet:
 * this machine has slow phases lasting seconds (user and kernel time rise together, on any build),
 * and the per-sub-window figures show how much of a window they took.
 */
const SUB_MS = Number(process.env.BENCH_SUBWINDOW_MS ?? 2_000);

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** When each participant's media started flowing (its join finished, publishing included). */
const publishedAt = new Map<string, number>();

/** What measure() reads from a receiving participant: a decoding Bot or a LightSubscriber. */
interface Receiver {
  readonly joinedAt: number;
  readonly firstFrameAt: ReadonlyMap<string, number>;
  frames(participantId: string): number;
}

async function measure(name: string, server: ServerProcess, pairs: [Receiver, string][]): Promise<Result> {
  const refBefore = await machineReference();
  // The reference shared the server's core: let the server settle before the window opens.
  if (refBefore) await new Promise((r) => setTimeout(r, 1000));
  const cpu0 = server.cpuSplit();
  const thr0 = server.threadCpu();
  const c0 = await server.counters();
  const fwd0 = c0.forwarded;
  const frames0 = pairs.map(([b, id]) => b.frames(id));
  const t0 = Date.now();
  // BENCH_PERF=file: a `perf record -g` of the server over the measurement window (all threads and
  // the kernel; with BENCH_NODE_FLAGS=--perf-basic-prof for JavaScript names).
  const perf = process.env.BENCH_PERF
    ? spawn('perf', ['record', '-g', '-o', process.env.BENCH_PERF, '-p', String(server.child.pid), '--', 'sleep', String(WINDOW_MS / 1000)], { stdio: 'ignore' })
    : null;
  const sub: number[] = [];
  let ns = server.runNs();
  let fwdAt = fwd0;
  for (let at = SUB_MS; at <= WINDOW_MS; at += SUB_MS) {
    await new Promise((r) => setTimeout(r, t0 + at - Date.now()));
    const ns1 = server.runNs();
    const fwdNow = (await server.counters()).forwarded;
    if (fwdNow > fwdAt) sub.push((ns1 - ns) / 1000 / (fwdNow - fwdAt));
    ns = ns1;
    fwdAt = fwdNow;
  }
  await new Promise((r) => setTimeout(r, Math.max(0, t0 + WINDOW_MS - Date.now())));
  if (perf && perf.exitCode === null) await new Promise((r) => perf.once('exit', r));
  const secs = (Date.now() - t0) / 1000;
  const c1 = await server.counters();
  const split = server.cpuSplit();
  const thr1 = server.threadCpu();
  const frames = pairs.map(([b, id], i) => b.frames(id) - frames0[i]!);
  const rssMb = server.rssMb();
  const refAfter = await machineReference();
  const fwd = c1.forwarded - fwd0;
  const user = split.user - cpu0.user;
  const kernel = split.kernel - cpu0.kernel;
  const cpu = user + kernel;
  // Join → first frame counts only subscribers that joined after the publisher was already sending.
  const firsts = pairs
    .filter(([b, id]) => (publishedAt.get(id) ?? Infinity) < b.joinedAt)
    .map(([b, id]) => (b.firstFrameAt.get(id) ?? NaN) - b.joinedAt)
    .filter((x) => !Number.isNaN(x));
  // The busiest threads' CPU share, to show the spread over cores.
  // Named where the thread has a name of its own (V8's GC and compiler helpers, libuv's pool).
  const busy = thr1
    .map((t, i) => ({ name: t.name, pct: Math.round(((t.seconds - (thr0[i]?.seconds ?? 0)) / secs) * 100) }))
    .filter((t) => t.pct >= 1)
    .sort((a, b) => b.pct - a.pct)
    .map((t) => (t.name === 'node' ? `${t.pct}%` : `${t.pct}% (${t.name.trim()})`))
    .join(' ');
  return {
    scenario: name,
    usPerPacket: fwd > 0 ? (cpu * 1e6) / fwd : NaN,
    cpuPct: (cpu / secs) * 100,
    usUser: fwd > 0 ? (user * 1e6) / fwd : NaN,
    usKernel: fwd > 0 ? (kernel * 1e6) / fwd : NaN,
    pps: fwd / secs,
    rssMb,
    firstFrameP50: pct(firsts, 50),
    firstFrameP95: pct(firsts, 95),
    fps: frames.reduce((a, b) => a + b, 0) / frames.length / secs,
    rtxPps: (c1.retransmitted - c0.retransmitted) / secs,
    threads: busy,
    usPerPacketSub: sub,
    reference: [refBefore, refAfter],
  };
}

/**
 * `fanout-N`: 1 publisher → N decoding libwebrtc subscribers. `fanout-light-N`: the same with
 * LightSubscribers (media received and counted, not decoded; bench/lightSubscriber.ts).
 */
async function fanout(server: ServerProcess, n: number, light = false): Promise<Result> {
  const host = await createUser(server.url, 'pub');
  const meeting = await host.api.createMeeting({ title: `fanout ${n}` });
  const width = Number(process.env.BENCH_WIDTH ?? 1280);
  const height = Number(process.env.BENCH_HEIGHT ?? 720);
  const pub = await Bot.join(server.url, host, meeting.id, { video: { width, height, fps: 30 } });
  const pubId = pub.session.self!.id;
  publishedAt.set(pubId, Date.now());
  // BENCH_TILE=WxH: subscribers draw the publisher that small (the SFU then sends a lower layer),
  // which keeps 40 decoding clients from starving the 2-core machine the server shares.
  const tile = process.env.BENCH_TILE?.split('x').map(Number);
  // Let the publisher's bandwidth estimate ramp up before anyone subscribes.
  await new Promise((r) => setTimeout(r, 4000));
  const subs: (Bot | LightSubscriber)[] = [];
  for (let i = 0; i < n; i++) {
    const u = await createUser(server.url, 'sub');
    const s = light ? await LightSubscriber.join(server.url, u, meeting.id) : await Bot.join(server.url, u, meeting.id, { video: false, audio: false });
    if (tile) {
      const show = () => {
        for (const t of s.session.remoteTracks.values()) if (t.kind === 'video') s.session.setTileSize(t.consumerId, tile[0]!, tile[1]!);
      };
      show();
      s.session.on('trackAdded', show);
    }
    subs.push(s);
  }
  await eventually(() => subs.every((s) => s.frames(pubId) > 0), 30_000, 'every subscriber decodes a frame');
  await new Promise((r) => setTimeout(r, 2000));
  const label = `fanout 1→${n}${light ? ' (light subscribers)' : ''}${tile ? ` (tiles ${process.env.BENCH_TILE})` : ''}`;
  const r = await measure(label, server, subs.map((s) => [s, pubId] as [Receiver, string]));
  await Promise.all([pub, ...subs].map((b) => b.close()));
  return r;
}

/** `rooms-K`: K rooms at once, each one 720p publisher → 5 subscribers; shows rooms spread over workers. */
async function rooms(server: ServerProcess, k: number): Promise<Result> {
  const all: Bot[] = [];
  const pairs: [Bot, string][] = [];
  for (let r = 0; r < k; r++) {
    const host = await createUser(server.url, 'room');
    const meeting = await host.api.createMeeting({ title: `room ${r}` });
    const pub = await Bot.join(server.url, host, meeting.id, { video: { width: 1280, height: 720, fps: 30 } });
    const pubId = pub.session.self!.id;
    publishedAt.set(pubId, Date.now());
    all.push(pub);
    for (let i = 0; i < 5; i++) {
      const s = await Bot.join(server.url, await createUser(server.url, 'sub'), meeting.id, { video: false, audio: false });
      all.push(s);
      pairs.push([s, pubId]);
    }
  }
  await eventually(() => pairs.every(([b, id]) => b.frames(id) > 0), 60_000, 'every subscriber decodes');
  await new Promise((r) => setTimeout(r, 2000));
  const r = await measure(`${k} rooms × (1→5)`, server, pairs);
  await Promise.all(all.map((b) => b.close()));
  return r;
}

async function mesh(server: ServerProcess, n: number): Promise<Result> {
  const host = await createUser(server.url, 'mesh');
  const meeting = await host.api.createMeeting({ title: `mesh ${n}` });
  const bots: Bot[] = [];
  for (let i = 0; i < n; i++) {
    const u = i === 0 ? host : await createUser(server.url, 'mesh');
    const b = await Bot.join(server.url, u, meeting.id, { video: { width: 320, height: 180, fps: 15 } });
    publishedAt.set(b.session.self!.id, Date.now());
    bots.push(b);
  }
  const ids = bots.map((b) => b.session.self!.id);
  const pairs: [Bot, string][] = bots.flatMap((b, i) => ids.filter((_, j) => j !== i).map((id) => [b, id] as [Bot, string]));
  await eventually(() => pairs.every(([b, id]) => b.frames(id) > 0), 60_000, 'everyone sees everyone');
  await new Promise((r) => setTimeout(r, 2000));
  const r = await measure(`all publish ${n}`, server, pairs);
  await Promise.all(bots.map((b) => b.close()));
  return r;
}

const scenarios = process.argv.slice(2).length ? process.argv.slice(2) : ['fanout-1', 'fanout-10', 'fanout-40', 'mesh-2', 'mesh-4', 'mesh-8', 'mesh-16'];
const results: Result[] = [];
const callResults: CallsResult[] = [];
const spaceResults: SpaceResult[] = [];
const stormResults: StormResult[] = [];
const captionResults: CaptionResult[] = [];
const hlsResults: HlsLatencyResult[] = [];
for (const s of scenarios) {
  const [kind] = s.split('-');
  const n = Number(s.split('-').at(-1));
  const server = await ServerProcess.start({
    SFU_WORKERS: process.env.SFU_WORKERS ?? '0',
    // BENCH_DATABASE_URL: measure the media server without the embedded PGlite's memory.
    ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
  });
  try {
    if (s.startsWith('hls-latency')) {
      const r = await hlsLatencyScenario(server, Number(s.split('-')[2] ?? 10));
      hlsResults.push(r);
      console.log(JSON.stringify(r));
      continue;
    }
    if (kind === 'captions') {
      const r = await captionsScenario(server, n);
      captionResults.push(r);
      console.log(JSON.stringify(r));
      continue;
    }
    if (kind === 'space') {
      const r = await spaceScenario(server, n, WINDOW_MS);
      spaceResults.push(r);
      console.log(JSON.stringify(r));
      continue;
    }
    if (kind === 'storm') {
      const r = await stormScenario(server, n);
      stormResults.push(r);
      console.log(JSON.stringify(r));
      continue;
    }
    if (kind === 'calls') {
      const c = await callsScenario(server, n);
      callResults.push(c);
      console.log(JSON.stringify(c));
      continue;
    }
    const r = kind === 'fanout' ? await fanout(server, n, s.startsWith('fanout-light-')) : kind === 'rooms' ? await rooms(server, n) : await mesh(server, n);
    results.push(r);
    console.log(JSON.stringify(r));
  } catch (err) {
    console.error(`scenario ${s} failed:`, err);
  } finally {
    await server.stop();
  }
}
const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const spread = (xs: number[]) => (xs.length ? `${f(pct(xs, 50), 1)} (${f(Math.min(...xs), 1)}–${f(Math.max(...xs), 1)})` : '–');
console.log(`\nConvene benchmark — ${cores} cores, node ${process.version}, window ${WINDOW_MS / 1000}s\n`);
if (results.length > 0) {
  console.log(`| scenario | server µs CPU / fwd packet (user + kernel) | per ${SUB_MS / 1000} s: median (min–max) | reference µs before / after | ÷ reference | fwd packets/s | server CPU % | server RSS MB | join→first frame p50 / p95 ms | subscriber fps | NACK resent/s | busy server threads |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const [b, a] = r.reference;
    const refs = [b, a].filter((x): x is Reference => x !== null).map((x) => x.us);
    const ref = refs.length ? refs.reduce((x, y) => x + y, 0) / refs.length : NaN;
    console.log(`| ${r.scenario} | ${f(r.usPerPacket, 1)} (${f(r.usUser, 1)} + ${f(r.usKernel, 1)}) | ${spread(r.usPerPacketSub)} | ${f(b?.us ?? NaN, 2)} / ${f(a?.us ?? NaN, 2)} | ${f(r.usPerPacket / ref, 2)} | ${f(r.pps)} | ${f(r.cpuPct, 1)} | ${f(r.rssMb)} | ${f(r.firstFrameP50)} / ${f(r.firstFrameP95)} | ${f(r.fps, 1)} | ${f(r.rtxPps)} | ${r.threads} |`);
  }
}
printCalls(callResults);
printSpaces(spaceResults, stormResults);
printCaptions(captionResults);
printHlsLatency(hlsResults);
process.exit(0);
