/**
 * `npm run bench -- hls-latency[-B]`: glass-to-glass latency of the Spaces broadcast tier.
 * A speaker bot (WebRTC, Opus; bench/toneMic.ts, paced on the wall clock) is silent, then sends
 * a 1 kHz tone burst whose first sample has a known wall-clock time; two simulated HLS players (bench/hlsPlayer.ts) that joined a few seconds earlier,
 * one low-latency (parts, blocking reload) and one classic (full segments, three target
 * durations behind), decode what they fetch (ffmpeg) and find the burst's first loud sample.
 * Per burst and player: "arrival" = burst start → the part/segment holding its onset is at the
 * player; "playout" = burst start → the player's playout clock reaches the onset. B bursts
 * (default 10), fresh players each time, so where a player joins relative to parts and segments
 * varies as it does for real listeners. Prints p50/p95.
 */
import { spawn } from 'node:child_process';
import type { ServerProcess } from '../tests/support/serverProcess.ts';
import { Bot, createUser } from '../tests/support/bots.ts';
import { SimPlayer, type Media } from './hlsPlayer.ts';
import { ToneMic } from './toneMic.ts';

export interface HlsLatencyResult {
  scenario: string;
  bursts: number;
  llArrival: number[];
  llPlayout: number[];
  classicArrival: number[];
  classicPlayout: number[];
  /** Media seconds per wall second seen by the LL players (1.0 = the pipeline keeps real time). */
  mediaRate: number[];
}

const TONE_MS = 400;
const THRESHOLD = 1000; // 16-bit; the bot's tone peaks at 8000, digital silence decodes to ~0

/** Decode init + fragments to 48 kHz mono s16; index of the first loud sample counted from the end. */
function onsetFromEnd(init: Buffer, data: Buffer): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const ff = spawn('ffmpeg', ['-hide_banner', '-v', 'error', '-i', 'pipe:0', '-ac', '1', '-ar', '48000', '-f', 's16le', 'pipe:1'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    ff.stdout.on('data', (c: Buffer) => chunks.push(c));
    ff.on('error', reject);
    ff.on('close', () => {
      const pcm = Buffer.concat(chunks);
      const n = pcm.length / 2;
      for (let i = 0; i < n; i++) if (Math.abs(pcm.readInt16LE(i * 2)) > THRESHOLD) return resolve(n - i);
      resolve(null);
    });
    ff.stdin.on('error', () => undefined);
    ff.stdin.end(Buffer.concat([init, data]));
  });
}

/** Watches one player's media after `t0` for the burst; resolves { arrival, playout } in ms. */
function watch(player: SimPlayer, t0: number): Promise<{ arrival: number; playout: number }> {
  return new Promise((resolve) => {
    let chain = Promise.resolve();
    let done = false;
    player.onMedia = (m: Media) => {
      if (m.arrivedAt < t0) return;
      // Decode one at a time, in arrival order; the playout clock as it stood when this media came in.
      const startsAt = player.playout(m.start);
      chain = chain.then(async () => {
        if (done) return;
        const fromEnd = await onsetFromEnd(player.init, m.data);
        if (fromEnd === null) return;
        done = true;
        const onset = m.end - fromEnd / 48_000;
        resolve({ arrival: m.arrivedAt - t0, playout: Math.max(startsAt + (onset - m.start) * 1000, m.arrivedAt) - t0 });
      });
    };
  });
}

export async function hlsLatencyScenario(server: ServerProcess, bursts: number): Promise<HlsLatencyResult> {
  const host = await createUser(server.url, 'g2g');
  const space = await host.api.createSpace({ title: 'glass to glass' });
  const speaker = await Bot.join(server.url, host, space.id, { video: false, audio: false });
  const mic = new ToneMic();
  await speaker.session.publishMicrophone(mic.track);
  const base = `${server.url}/hls/${space.id}`;
  let live = false;
  const until = Date.now() + 20_000;
  while (!live && Date.now() < until) {
    live = (await fetch(`${base}/index.m3u8`)).status === 200;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!live) throw new Error('the broadcast did not go live');
  await new Promise((r) => setTimeout(r, 3000)); // a full playlist window of silence
  const r: HlsLatencyResult = { scenario: `glass to glass, ${bursts} bursts`, bursts, llArrival: [], llPlayout: [], classicArrival: [], classicPlayout: [], mediaRate: [] };
  for (let b = 0; b < bursts; b++) {
    const ll = new SimPlayer(base, 'll');
    const classic = new SimPlayer(base, 'classic');
    await Promise.all([ll.start(), classic.start()]);
    // Join at a random point relative to parts and segments, then let both settle.
    await new Promise((res) => setTimeout(res, 3000 + Math.random() * 1000));
    const t0 = mic.burstAt(20, TONE_MS);
    const got = Promise.all([watch(ll, t0), watch(classic, t0)]);
    const timeout = new Promise<null>((res) => setTimeout(() => res(null), 15_000));
    const res = await Promise.race([got, timeout]);
    await Promise.all([ll.stop(), classic.stop()]);
    r.mediaRate.push(Math.round(ll.mediaRate() * 1000) / 1000);
    if (!res) {
      console.error(`burst ${b}: not detected within 15 s`);
      continue;
    }
    const [l, c] = res;
    r.llArrival.push(l.arrival);
    r.llPlayout.push(l.playout);
    r.classicArrival.push(c.arrival);
    r.classicPlayout.push(c.playout);
    console.error(`burst ${b}: LL arrival ${l.arrival} ms, playout ${Math.round(l.playout)} ms; classic arrival ${c.arrival} ms, playout ${Math.round(c.playout)} ms`);
    await new Promise((res2) => setTimeout(res2, 1000)); // silence before the next players join
  }
  mic.stop();
  await speaker.close();
  return r;
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export function printHlsLatency(results: HlsLatencyResult[]): void {
  if (!results.length) return;
  const f = (xs: number[]) => `${Math.round(pct(xs, 50))} / ${Math.round(pct(xs, 95))}`;
  console.log('\n| HLS glass-to-glass (speaker bot → simulated player), ms p50 / p95 | bursts | burst → media at player | burst → played out |');
  console.log('|---|---|---|---|');
  for (const r of results) {
    console.log(`| LL-HLS (parts, blocking reload, PART-HOLD-BACK) | ${r.llArrival.length}/${r.bursts} | ${f(r.llArrival)} | ${f(r.llPlayout)} |`);
    console.log(`| classic (full segments, 3 target durations behind) | ${r.classicArrival.length}/${r.bursts} | ${f(r.classicArrival)} | ${f(r.classicPlayout)} |`);
  }
}
