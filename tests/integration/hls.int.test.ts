/**
 * Spaces broadcast tier: speakers' mixed audio as HLS (Debian's ffmpeg, started by the server per
 * live Space), served by our origin with CDN-friendly cache headers. The server runs in its own
 * process so its CPU under 2,000 polling HLS listeners is measured apart from the load generator.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { ServerProcess } from '../support/serverProcess.ts';

// scripts/ffmpeg.sh installs Debian's ffmpeg (root only); without it the tier is off and this skips.
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/ffmpeg.sh');
const LOAD = path.resolve(import.meta.dirname, '../support/hlsListeners.ts');
if (spawnSync('ffprobe', ['-version']).status !== 0 && process.getuid?.() === 0) spawnSync('bash', [SCRIPT], { stdio: 'ignore', timeout: 170_000 });
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;
if (!hasFfmpeg) console.warn('hls.int.test: skipped — ffmpeg/ffprobe not installed and cannot be installed here (needs root: scripts/ffmpeg.sh)');

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
function get(url: string, headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

interface Playlist {
  sequence: number;
  init: string;
  segments: { name: string; duration: number }[];
  discontinuity: boolean;
  text: string;
}
function parse(text: string): Playlist {
  const segments: Playlist['segments'] = [];
  let duration = 0;
  for (const line of text.split('\n')) {
    const inf = /^#EXTINF:([\d.]+)/.exec(line);
    if (inf) duration = Number(inf[1]);
    else if (line && !line.startsWith('#')) segments.push({ name: line.trim(), duration });
  }
  return {
    sequence: Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? -1),
    init: /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1] ?? '',
    segments,
    discontinuity: text.includes('#EXT-X-DISCONTINUITY'),
    text,
  };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hls-test-'));
let fileSeq = 0;
/** Decode init + segment with ffprobe/ffmpeg: codec, duration, mean volume (dB). */
function analyse(init: Buffer, seg: Buffer): { codec: string; duration: number; meanVolume: number } {
  const f = path.join(tmp, `s${++fileSeq}.mp4`);
  fs.writeFileSync(f, Buffer.concat([init, seg]));
  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', f], { encoding: 'utf8' })) as {
    streams: { codec_type: string; codec_name: string }[];
    format: { duration?: string };
  };
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  const vd = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', f, '-af', 'volumedetect', '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
  return { codec: audio?.codec_name ?? '', duration: Number(probe.format.duration ?? 0), meanVolume: Number(/mean_volume: (-?[\d.]+|-inf) dB/.exec(vd)?.[1] ?? -Infinity) };
}

/** Children of a process (ffmpeg processes the server spawned). */
function children(pid: number, name: string): number[] {
  const out: number[] = [];
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const c = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    for (const p of c.split(/\s+/).filter(Boolean).map(Number)) {
      try {
        if (fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === name) out.push(p);
      } catch {
        // exited
      }
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(hasFfmpeg)('Spaces HLS broadcast', () => {
  let server: ServerProcess;
  const bots: Bot[] = [];
  let spaceId = '';
  let base = '';
  let host: Bot;
  let speakers: Bot[] = [];
  let listener: Bot;
  const report: Record<string, unknown> = {};

  const playlist = async (): Promise<Playlist | null> => {
    const r = await get(`${base}/index.m3u8`);
    return r.status === 200 ? parse(r.body.toString('utf8')) : null;
  };
  const latest = async (): Promise<{ init: Buffer; seg: Buffer; p: Playlist }> => {
    const p = (await playlist())!;
    const [i, s] = await Promise.all([get(`${base}/${p.init}`), get(`${base}/${p.segments.at(-1)!.name}`)]);
    return { init: i.body, seg: s.body, p };
  };

  beforeAll(async () => {
    const lo = 43000 + (process.pid % 20) * 100;
    server = await ServerProcess.start({ SFU_WORKERS: '2', RTC_MIN_PORT: String(lo), RTC_MAX_PORT: String(lo + 99), LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close().catch(() => undefined)));
    await server?.stop();
    agent.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
    console.log('HLS report', JSON.stringify(report, null, 2));
  });

  it('speakers’ mixed audio appears as HLS: playlist, fMP4 AAC segments with energy, silence when nobody speaks, cache headers, 404s', async () => {
    const hostUser = await createUser(server.url, 'hlshost');
    const space = await hostUser.api.createSpace({ title: 'Broadcast' });
    spaceId = space.id;
    base = `${server.url}/hls/${spaceId}`;
    expect((await get(`${base}/index.m3u8`)).status).toBe(404); // not live yet
    const t0 = Date.now();
    host = await Bot.join(server.url, hostUser, spaceId, { video: false, audio: { frequency: 440 } });
    bots.push(host);
    const hostId = host.session.self!.id;
    for (const f of [550, 660]) {
      const u = await createUser(server.url, 'hlsspk');
      const b = await Bot.join(server.url, u, spaceId, { video: false, audio: false });
      bots.push(b);
      await host.session.setOnStage(b.session.self!.id, true);
      await eventually(() => b.session.onStage, 5_000, 'speaker on stage');
      await b.publishAudio({ frequency: f });
      speakers.push(b);
    }
    speakers = [host, ...speakers];
    listener = await Bot.join(server.url, await createUser(server.url, 'hlslis'), spaceId, { video: false, audio: false });
    bots.push(listener);
    await eventually(() => (listener.audioEnergyFrom.get(hostId) ?? 0) > 0, 15_000, 'the WebRTC listener hears the host');

    let p: Playlist | null = null;
    const end = Date.now() + 15_000;
    while (!(p && p.segments.length >= 2) && Date.now() < end) {
      await sleep(200);
      p = await playlist();
    }
    expect(p?.segments.length).toBeGreaterThanOrEqual(2);
    report.firstPlaylistAfterJoinMs = Date.now() - t0;
    const info = await hostUser.api.space(spaceId);
    expect(info.hls).toEqual({ status: 'live', playlistUrl: expect.stringContaining(`/hls/${spaceId}/index.m3u8`) as unknown });

    // Playlist: live, fMP4, ~1 s segments, short cache, ETag revalidation.
    const pr = await get(`${base}/index.m3u8`);
    expect(pr.headers['content-type']).toContain('application/vnd.apple.mpegurl');
    expect(pr.headers['cache-control']).toBe('public, max-age=1');
    expect(pr.headers['access-control-allow-origin']).toBe('*');
    expect(pr.body.toString()).not.toContain('#EXT-X-ENDLIST');
    expect((await get(`${base}/index.m3u8`, { 'if-none-match': String(pr.headers.etag) })).status).toBe(304);
    const pl = parse(pr.body.toString());
    expect(pl.init).toMatch(/-init\.mp4$/);
    const durations = pl.segments.map((s) => s.duration);
    for (const d of durations) {
      expect(d).toBeGreaterThan(0.9);
      expect(d).toBeLessThan(1.2);
    }
    report.segmentDurations = durations;

    // Segments: immutable, audio/mp4, AAC that decodes with the three tones' energy in it.
    await sleep(1500); // let a segment fill with all three speakers
    const { init, seg, p: p2 } = await latest();
    const sr = await get(`${base}/${p2.segments.at(-1)!.name}`);
    expect(sr.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(sr.headers['content-type']).toBe('audio/mp4');
    const loud = analyse(init, seg);
    expect(loud.codec).toBe('aac');
    expect(loud.duration).toBeGreaterThan(0.5);
    expect(loud.meanVolume).toBeGreaterThan(-30);
    report.segmentBytes = seg.length;
    report.meanVolumeSpeaking = loud.meanVolume;

    // Nobody speaks → silent segments; then the tone comes back: time until a segment with it is listed.
    for (const b of speakers) b.speaking = false;
    await sleep(2500);
    const quiet = await latest();
    const q = analyse(quiet.init, quiet.seg);
    expect(q.meanVolume).toBeLessThan(-80);
    report.meanVolumeSilent = q.meanVolume;
    const seen = new Set(quiet.p.segments.map((s) => s.name));
    const onAt = Date.now();
    for (const b of speakers) b.speaking = true;
    let latency = -1;
    while (latency < 0 && Date.now() - onAt < 8000) {
      await sleep(50);
      const cur = (await playlist())!;
      for (const s of cur.segments) {
        if (seen.has(s.name)) continue;
        seen.add(s.name);
        const body = (await get(`${base}/${s.name}`)).body;
        if (analyse(quiet.init, body).meanVolume > -60) latency = Date.now() - onAt;
      }
    }
    expect(latency).toBeGreaterThan(0);
    report.toneToListedSegmentMs = latency;

    // Strict ids and names, nothing outside the output directory.
    const bad = [
      `${server.url}/hls/not-a-space-id-0000000/index.m3u8`,
      `${server.url}/hls/..%2F..%2Fetc%2Fpasswd/index.m3u8`,
      `${base}/..%2Fspace.sdp`,
      `${base}/space.sdp`,
      `${base}/${pl.init.replace('init.mp4', '1.m4s')}`,
      `${base}/..%2F..%2F..%2Fetc%2Fpasswd`,
    ];
    for (const u of bad) expect((await get(u)).status, u).toBe(404);
  });

  it('ffmpeg killed while the Space is live: restarted, new names, discontinuity, sequence keeps growing', async () => {
    const before = (await playlist())!;
    const pids = children(server.child.pid!, 'ffmpeg');
    expect(pids.length).toBe(1);
    process.kill(pids[0]!, 'SIGKILL');
    const killedAt = Date.now();
    let after: Playlist | null = null;
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      await sleep(200);
      const p = await playlist();
      if (p && p.init !== before.init && p.segments.length > 0) {
        after = p;
        break;
      }
    }
    expect(after).not.toBeNull();
    report.restartToNewSegmentMs = Date.now() - killedAt;
    expect(after!.discontinuity).toBe(true);
    expect(after!.sequence).toBeGreaterThan(before.sequence + before.segments.length - 1);
    expect(new Set(after!.segments.map((s) => s.name)).size).toBe(after!.segments.length);
    for (const s of after!.segments) expect(before.segments.map((x) => x.name)).not.toContain(s.name);
  });

  it('2,000 HLS listeners polling on loopback: origin CPU measured, the WebRTC listener’s audio keeps flowing', async () => {
    const hostId = host.session.self!.id;
    // Baseline: same Space, same speakers, no HLS listeners.
    const idle0 = server.cpuSeconds();
    await sleep(4000);
    const idleCpu = (server.cpuSeconds() - idle0) / 4;

    // The load generator runs in its own process: this one hosts the WebRTC bots.
    const N = 2000;
    const energy: number[] = [];
    const gen = spawn(process.execPath, ['--import', 'tsx', LOAD, `${base}/index.m3u8`, String(N), '2000', '10000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    gen.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise<void>((resolve) => gen.once('close', () => resolve()));
    await sleep(1000); // node start-up of the generator
    const cpuLoad0 = server.cpuSplit();
    const tLoad0 = Date.now();
    while (Date.now() - tLoad0 < 9000) {
      await sleep(500);
      energy.push(listener.audioEnergyFrom.get(hostId) ?? 0);
    }
    const cpu1 = server.cpuSplit();
    const secs = (Date.now() - tLoad0) / 1000;
    await done;
    const r = JSON.parse(out) as { seconds: number; requests: number; playlists: number; segments: number; bytes: number; errors: Record<string, number>; playlistP50Ms: number; playlistP99Ms: number; clientCpuSeconds: number };
    const serverCores = (cpu1.user + cpu1.kernel - cpuLoad0.user - cpuLoad0.kernel) / secs;
    const rate = r.requests / r.seconds;
    Object.assign(report, {
      load: {
        listeners: N,
        requestsPerSecond: Math.round(rate),
        playlistsPerSecond: Math.round(r.playlists / r.seconds),
        segmentsPerSecond: Math.round(r.segments / r.seconds),
        megabitsPerSecond: Math.round((r.bytes * 8) / r.seconds / 1e5) / 10,
        errors: r.errors,
        playlistP50Ms: r.playlistP50Ms,
        playlistP99Ms: r.playlistP99Ms,
        serverCpuIdleCores: Math.round(idleCpu * 100) / 100,
        serverCpuUnderLoadCores: Math.round(serverCores * 100) / 100,
        serverCpuMicrosPerRequest: Math.round(((serverCores - idleCpu) / rate) * 1e6),
        loadGeneratorCpuCores: Math.round((r.clientCpuSeconds / r.seconds) * 100) / 100,
        webrtcListenerEnergySamples: energy.length,
      },
    });
    expect(r.errors).toEqual({});
    expect(rate).toBeGreaterThan(500); // ~1,750 req/s measured; the machine is shared, keep margin
    // The WebRTC listener hears the speakers throughout: energy rises in every 500 ms window.
    for (let i = 1; i < energy.length; i++) expect(energy[i]!, `window ${i}`).toBeGreaterThan(energy[i - 1]!);
  });

  it('the Space ends: playlist 404, ffmpeg gone', async () => {
    await host.session.endForAll();
    await eventually(() => children(server.child.pid!, 'ffmpeg').length === 0, 10_000, 'ffmpeg stopped');
    const r = await get(`${base}/index.m3u8`);
    expect(r.status).toBe(404);
    expect(r.headers['cache-control']).toBe('public, max-age=2');
  });
});
