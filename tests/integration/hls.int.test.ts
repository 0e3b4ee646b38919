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
  /** The last EXT-X-MAP (the current ffmpeg run's init section). */
  init: string;
  maps: string[];
  segments: { name: string; duration: number; msn: number }[];
  parts: { name: string; duration: number; msn: number; index: number }[];
  preloadHint: string;
  discontinuity: boolean;
  text: string;
}
const PART = /^#EXT-X-PART:DURATION=([\d.]+),URI="([^"]+)"/;
function parse(text: string): Playlist {
  const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? -1);
  const segments: Playlist['segments'] = [];
  const parts: Playlist['parts'] = [];
  let duration = 0;
  for (const line of text.split('\n')) {
    const inf = /^#EXTINF:([\d.]+)/.exec(line);
    const part = PART.exec(line);
    if (inf) duration = Number(inf[1]);
    else if (part) parts.push({ name: part[2]!, duration: Number(part[1]), msn: sequence + segments.length, index: parts.filter((x) => x.msn === sequence + segments.length).length });
    else if (line && !line.startsWith('#')) segments.push({ name: line.trim(), duration, msn: sequence + segments.length });
  }
  const maps = [...text.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)].map((m) => m[1]!);
  return {
    sequence,
    init: maps.at(-1) ?? '',
    maps,
    segments,
    parts,
    preloadHint: /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(text)?.[1] ?? '',
    discontinuity: text.includes('#EXT-X-DISCONTINUITY\n'),
    text,
  };
}
/** The (msn, part) after the last listed part: what a low-latency player asks for next. */
function nextPart(p: Playlist): { msn: number; part: number } {
  const last = p.parts.at(-1)!;
  const closed = p.segments.at(-1)?.msn === last.msn;
  return closed ? { msn: last.msn + 1, part: 0 } : { msn: last.msn, part: last.index + 1 };
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
  const blocking = async (msn: number, part: number): Promise<{ ms: number; res: Res; p: Playlist }> => {
    const t = Date.now();
    const res = await get(`${base}/index.m3u8?_HLS_msn=${msn}&_HLS_part=${part}`);
    return { ms: Date.now() - t, res, p: parse(res.body.toString('utf8')) };
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

  it('speakers’ mixed audio appears as LL-HLS: playlist with parts, blocking reload, preload hint, fMP4 AAC parts and segments with energy, silence when nobody speaks, cache headers, 404s', async () => {
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

    // Low-Latency HLS (draft-pantos-hls-rfc8216bis-16): server control, part info, parts, preload hint.
    const llText = pl.text;
    expect(llText).toMatch(/^#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=[\d.]+$/m);
    const partTarget = Number(/^#EXT-X-PART-INF:PART-TARGET=([\d.]+)$/m.exec(llText)?.[1]);
    expect(partTarget).toBeGreaterThan(0.2);
    expect(partTarget).toBeLessThan(0.5);
    expect(Number(/PART-HOLD-BACK=([\d.]+)/.exec(llText)?.[1])).toBeGreaterThanOrEqual(3 * partTarget - 1e-3);
    expect(pl.parts.length).toBeGreaterThanOrEqual(3);
    for (const x of pl.parts) {
      expect(x.duration).toBeLessThanOrEqual(partTarget);
      expect(x.duration).toBeGreaterThan(0.85 * partTarget);
    }
    expect(llText).toMatch(/#EXT-X-PART:DURATION=[\d.]+,URI="[^"]+",INDEPENDENT=YES/);
    expect(pl.preloadHint).toMatch(/^[a-z0-9]+-\d+\.\d+\.m4s$/);
    expect(pl.text.split('\n').filter(Boolean).at(-1)).toMatch(/^#EXT-X-PRELOAD-HINT:TYPE=PART,/);

    // Blocking reload: the next part; then the one after it, which cannot exist for another ~part duration.
    const n1 = nextPart(parse((await get(`${base}/index.m3u8`)).body.toString()));
    const b1 = await blocking(n1.msn, n1.part);
    expect(b1.res.status).toBe(200);
    expect(b1.res.headers['cache-control']).toBe('public, max-age=6');
    expect(b1.ms).toBeLessThan(3000);
    const n2 = nextPart(b1.p);
    const before2 = parse((await get(`${base}/index.m3u8`)).body.toString());
    expect(before2.parts.some((x) => x.msn === n2.msn && x.index === n2.part)).toBe(false); // not there yet
    const b2 = await blocking(n2.msn, n2.part);
    expect(b2.res.status).toBe(200);
    expect(b2.p.parts.some((x) => x.msn === n2.msn && x.index === n2.part)).toBe(true);
    expect(b2.ms).toBeGreaterThan(100); // it waited for the part to be written…
    expect(b2.ms).toBeLessThan(1500); // …and answered as soon as it was (parts come every ~0.32 s)
    report.blockingReloadMs = [b1.ms, b2.ms];
    // The preload-hinted part: held until ffmpeg writes it, then served (immutable).
    const th = Date.now();
    const hinted = await get(`${base}/${b2.p.preloadHint}`);
    report.preloadHintHeldMs = Date.now() - th;
    expect(hinted.status).toBe(200);
    expect(hinted.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Date.now() - th).toBeLessThan(1500);
    // Out of bounds: too far ahead (more than two segments past the live edge; +10 leaves room for
    // segments written meanwhile on a loaded machine) → 400 at once; _HLS_part without _HLS_msn → 400.
    expect((await get(`${base}/index.m3u8?_HLS_msn=${n2.msn + 10}&_HLS_part=0`)).status).toBe(400);
    expect((await get(`${base}/index.m3u8?_HLS_part=1`)).status).toBe(400);
    expect((await get(`${base}/index.m3u8?_HLS_msn=abc`)).status).toBe(400);

    // Parts decode on their own (AAC with the tones), and a full segment is exactly its parts concatenated.
    const lp = b2.p;
    const full = lp.segments.at(-1)!;
    const its = lp.parts.filter((x) => x.msn === full.msn);
    expect(its.length).toBe(3);
    const partBodies = await Promise.all(its.map(async (x) => (await get(`${base}/${x.name}`)).body));
    const fullBody = (await get(`${base}/${full.name}`)).body;
    expect(Buffer.concat(partBodies).equals(fullBody)).toBe(true);
    const llInit = (await get(`${base}/${lp.init}`)).body;
    for (const body of partBodies) {
      const a = analyse(llInit, body);
      expect(a.codec).toBe('aac');
      expect(a.duration).toBeGreaterThan(0.25);
      // Tone, not silence (≈ −91 dB); a part is only 0.32 s, so late packets on a loaded machine
      // (mixed as silence) can pull one down a few dB.
      expect(a.meanVolume).toBeGreaterThan(-40);
    }
    const fa = analyse(llInit, fullBody);
    expect(fa.duration).toBeGreaterThan(0.9);
    expect(fa.meanVolume).toBeGreaterThan(-30);
    report.partBytes = partBodies.map((b) => b.length);

    // Nobody speaks → silent segments; then the tone comes back: time until a segment with it is listed.
    for (const b of speakers) b.speaking = false;
    await sleep(2500);
    const quiet = await latest();
    const q = analyse(quiet.init, quiet.seg);
    expect(q.meanVolume).toBeLessThan(-80);
    report.meanVolumeSilent = q.meanVolume;
    // The tone comes back: a low-latency player (blocking reloads, part by part) gets a part with
    // it long before a classic player sees the full segment listed.
    const seenParts = new Set(quiet.p.parts.map((x) => x.name));
    const seen = new Set(quiet.p.segments.map((x) => x.name));
    const onAt = Date.now();
    for (const b of speakers) b.speaking = true;
    let partLatency = -1;
    let latency = -1;
    let cur = quiet.p;
    // Latency counts until the playlist listing the part (segment) arrived, not our decoding after it.
    while (latency < 0 && Date.now() - onAt < 8000) {
      const n = nextPart(cur);
      cur = (await blocking(n.msn, n.part)).p;
      const listedAt = Date.now() - onAt;
      for (const x of cur.parts) {
        if (seenParts.has(x.name)) continue;
        seenParts.add(x.name);
        if (partLatency < 0 && analyse(quiet.init, (await get(`${base}/${x.name}`)).body).meanVolume > -60) partLatency = listedAt;
      }
      for (const x of cur.segments) {
        if (seen.has(x.name)) continue;
        seen.add(x.name);
        if (analyse(quiet.init, (await get(`${base}/${x.name}`)).body).meanVolume > -60) latency = listedAt;
      }
    }
    expect(partLatency).toBeGreaterThan(0);
    expect(latency).toBeGreaterThan(0);
    expect(partLatency).toBeLessThanOrEqual(latency);
    report.toneToListedPartMs = partLatency;
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

  it('the main video is in the broadcast: a still dark picture while nobody has video, the speaker’s camera (H.264 480×270) once it is on, and back', async () => {
    /** Mean brightness (0–255) of the last video frame of init + segment, and the stream's codec and size. */
    const lastFrame = (init: Buffer, seg: Buffer): { codec: string; size: string; luma: number } => {
      const f = path.join(tmp, `v${++fileSeq}.mp4`);
      fs.writeFileSync(f, Buffer.concat([init, seg]));
      const v = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_streams', '-of', 'json', f], { encoding: 'utf8' })) as {
        streams: { codec_name: string; width: number; height: number }[];
      };
      const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', f, '-map', '0:v', '-vf', 'scale=48:27,format=gray', '-f', 'rawvideo', '-'], { maxBuffer: 16 << 20 });
      const last = raw.subarray(raw.length - 48 * 27);
      const s = v.streams[0];
      return { codec: s?.codec_name ?? '', size: s ? `${s.width}x${s.height}` : '', luma: last.reduce((a, x) => a + x, 0) / last.length };
    };
    const still = await latest();
    const before = lastFrame(still.init, still.seg);
    expect(before).toMatchObject({ codec: 'h264', size: '480x270' });
    expect(before.luma).toBeLessThan(60); // the dark filler picture
    await host.publishVideo({ width: 640, height: 360, fps: 15 });
    let on = before;
    const tOn = Date.now();
    while (Date.now() - tOn < 30_000) {
      const l = await latest();
      on = lastFrame(l.init, l.seg);
      if (on.luma > 80) break;
      await sleep(300);
    }
    expect(on.luma).toBeGreaterThan(80); // the host's camera (grey moving bars)
    report.videoOnMs = Date.now() - tOn;
    await host.session.unpublish('camera');
    let off = on;
    const tOff = Date.now();
    while (Date.now() - tOff < 15_000) {
      const l = await latest();
      off = lastFrame(l.init, l.seg);
      if (off.luma < 60) break;
      await sleep(300);
    }
    expect(off.luma).toBeLessThan(60);
    report.videoOffMs = Date.now() - tOff;
  }, 60_000);

  it('ffmpeg killed while the Space is live: restarted, new names, discontinuity and a new map in the same playlist, sequence keeps growing', async () => {
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
      if (p && p.init !== before.init && p.segments.some((x) => x.name.startsWith(p.init.replace('-init.mp4', '-')))) {
        after = p;
        break;
      }
    }
    expect(after).not.toBeNull();
    report.restartToNewSegmentMs = Date.now() - killedAt;
    expect(after!.discontinuity).toBe(true);
    // One continuous playlist across runs: the new run's segments carry on the sequence, new names.
    const lastBefore = before.segments.at(-1)!.msn;
    const fresh = after!.segments.filter((x) => x.name.startsWith(after!.init.replace('-init.mp4', '-')));
    expect(fresh.length).toBeGreaterThan(0);
    for (const x of fresh) expect(x.msn).toBeGreaterThan(lastBefore);
    expect(new Set(after!.segments.map((x) => x.name)).size).toBe(after!.segments.length);
    for (const x of fresh) expect(before.segments.map((y) => y.name)).not.toContain(x.name);
    const lines = after!.text.split('\n');
    expect(lines[lines.indexOf(`#EXT-X-MAP:URI="${after!.init}"`) - 1]).toBe('#EXT-X-DISCONTINUITY');
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
