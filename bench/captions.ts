/**
 * `captions-N` scenario of `npm run bench`: N speakers in one captioned meeting each say flite
 * sentences through the SFU, at the same time; a listener records the captions. Reports word
 * recall, end of utterance → final caption (p50/p95), and server CPU, so the number of
 * simultaneous captioned speakers a node sustains can be read off runs with growing N.
 */
import type { ServerProcess } from '../tests/support/serverProcess.ts';
import { Bot, createUser } from '../tests/support/bots.ts';
import { recall, speak48k } from '../tests/support/speech.ts';

const SENTENCES = [
  'please call me back when you are free tomorrow',
  'the quick brown fox jumps over the lazy dog',
  'we will meet at the office at nine in the morning',
  'can you send me the report before lunch',
];

export interface CaptionResult {
  scenario: string;
  utterances: number;
  finals: number;
  recall: number;
  latencyP50: number;
  latencyP95: number;
  serverCpuPct: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

export async function captionsScenario(server: ServerProcess, n: number): Promise<CaptionResult> {
  const host = await createUser(server.url, 'caph');
  const meeting = await host.api.createMeeting({ title: `captions ${n}` });
  const hostBot = await Bot.join(server.url, host, meeting.id, { video: false, audio: false });
  const listener = await Bot.join(server.url, await createUser(server.url, 'capl'), meeting.id, { video: false, audio: false });
  const speakers: { bot: Bot; say: (pcm: Int16Array) => Promise<void> }[] = [];
  for (let i = 0; i < n; i++) {
    const bot = await Bot.join(server.url, await createUser(server.url, 'caps'), meeting.id, { video: false, audio: false });
    speakers.push({ bot, say: (await bot.publishVoice()).say });
  }
  const finals: { pid: string; text: string; at: number }[] = [];
  listener.session.on('caption', (c) => {
    if (c.kind === 'final') finals.push({ pid: c.participantId, text: c.text, at: c.at });
  });
  await hostBot.session.setCaptions(true);
  const audio = SENTENCES.map((s) => speak48k(s));
  const ends: { pid: string; sentence: string; end: number }[] = [];
  const cpu0 = server.cpuSeconds();
  const t0 = Date.now();
  await Promise.all(
    speakers.map(async (s, i) => {
      for (let k = 0; k < SENTENCES.length; k++) {
        const j = (i + k) % SENTENCES.length;
        await s.say(audio[j]!);
        ends.push({ pid: s.bot.session.self!.id, sentence: SENTENCES[j]!, end: Date.now() });
        await s.say(new Int16Array(48_000)); // a second of silence between sentences
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 3000));
  const secs = (Date.now() - t0) / 1000;
  const cpu = server.cpuSeconds() - cpu0;
  // Match each utterance to the first final of that speaker after it ended (within 5 s).
  const latencies: number[] = [];
  const recalls: number[] = [];
  const used = new Set<number>();
  for (const e of ends) {
    const i = finals.findIndex((f, idx) => !used.has(idx) && f.pid === e.pid && f.at >= e.end - 1000 && f.at - e.end < 5000);
    if (i < 0) {
      recalls.push(0);
      continue;
    }
    used.add(i);
    latencies.push(Math.max(0, finals[i]!.at - e.end));
    recalls.push(recall(e.sentence, finals[i]!.text));
  }
  await Promise.all([hostBot, listener, ...speakers.map((s) => s.bot)].map((b) => b.close()));
  return {
    scenario: `${n} captioned speaker${n > 1 ? 's' : ''} at once`,
    utterances: ends.length,
    finals: latencies.length,
    recall: recalls.reduce((a, b) => a + b, 0) / Math.max(1, recalls.length),
    latencyP50: pct(latencies, 50),
    latencyP95: pct(latencies, 95),
    serverCpuPct: (cpu / secs) * 100,
  };
}

export function printCaptions(results: CaptionResult[]): void {
  if (!results.length) return;
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  console.log('\n| captions scenario | utterances | with a final | mean word recall | end of utterance → final p50 / p95 ms | server CPU % |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.scenario} | ${r.utterances} | ${r.finals} | ${f(r.recall, 2)} | ${f(r.latencyP50)} / ${f(r.latencyP95)} | ${f(r.serverCpuPct, 1)} |`);
}
