/**
 * Recording with consent: the host records a meeting; everyone is told; the file holds the mixed
 * audio of both speakers and the video of whoever spoke (active speaker), muxed without
 * re-encoding; it is listed and served with HTTP Range, to the host only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recording } from '@convene/protocol';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';
import { toneShare } from '../support/whep.ts';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/ffmpeg.sh');
if (spawnSync('ffprobe', ['-version']).status !== 0 && process.getuid?.() === 0) spawnSync('bash', [SCRIPT], { stdio: 'ignore', timeout: 170_000 });
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;
if (!hasFfmpeg) console.warn('recording.int.test: skipped — ffmpeg not installed (scripts/ffmpeg.sh, root)');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rec-test-'));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Children of this process named `name` (the server runs in-process). */
function children(name: string): number[] {
  const out: number[] = [];
  for (const tid of fs.readdirSync(`/proc/${process.pid}/task`)) {
    const c = fs.readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'utf8').trim();
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

describe.runIf(hasFfmpeg)('Recording', () => {
  let server: RunningServer;
  const bots: Bot[] = [];

  beforeAll(async () => {
    server = await testServer({ RECORDINGS_DIR: path.join(tmp, 'recordings') });
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('records mixed audio and the active speaker’s video; everyone is told; host-only playback with Range; ffmpeg death keeps the file', async () => {
    const hostUser = await createUser(server.url, 'rhost');
    const guestUser = await createUser(server.url, 'rguest');
    const meeting = await hostUser.api.createMeeting({ title: 'Recorded' });
    // Different sizes so the recorded frames show whose video it is: host 100/200/400 px wide, guest 160/320/640.
    const host = await Bot.join(server.url, hostUser, meeting.id, { video: { width: 400, height: 224, fps: 15 }, audio: { frequency: 440 } });
    const guest = await Bot.join(server.url, guestUser, meeting.id, { video: { width: 640, height: 360, fps: 15 }, audio: { frequency: 660 } });
    bots.push(host, guest);
    const hostId = host.session.self!.id;
    const guestId = guest.session.self!.id;
    guest.speaking = false;
    await eventually(() => guest.frames(hostId) > 10 && host.frames(guestId) > 10, 20_000, 'video both ways');

    await expect(guest.session.setRecording(true)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await host.session.setRecording(true);
    await eventually(() => guest.session.room?.recording != null, 5_000, 'the guest is told the meeting is recorded');
    await eventually(() => guest.session.room?.activeSpeakerId === hostId, 10_000, 'host is the active speaker');
    await wait(3000);
    host.speaking = false;
    guest.speaking = true;
    await eventually(() => host.session.room?.activeSpeakerId === guestId, 10_000, 'guest becomes the active speaker');
    await wait(3000);
    await host.session.setRecording(false);
    await eventually(() => guest.session.room?.recording === null, 5_000, 'the guest is told recording stopped');

    const auth = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });
    const list = (await (await fetch(`${server.url}/api/meetings/${meeting.id}/recordings`, { headers: auth(hostUser) })).json()) as { recordings: Recording[] };
    expect(list.recordings).toHaveLength(1);
    const rec = list.recordings[0]!;
    expect(rec).toMatchObject({ meetingId: meeting.id, mimeType: 'video/webm' });
    expect(rec.endedAt).not.toBeNull();
    expect(rec.durationMs).toBeGreaterThan(5000);
    expect(rec.durationMs).toBeLessThan(30_000);

    // Meeting recordings are the host's: anyone else gets the same 404 as for nothing at all.
    expect((await fetch(`${server.url}/api/meetings/${meeting.id}/recordings`, { headers: auth(guestUser) })).status).toBe(404);
    expect((await fetch(`${server.url}${rec.url}`, { headers: auth(guestUser) })).status).toBe(404);
    expect((await fetch(`${server.url}${rec.url}`)).status).toBe(401);

    const part = await fetch(`${server.url}${rec.url}`, { headers: { ...auth(hostUser), range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${rec.sizeBytes}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const full = Buffer.from(await (await fetch(`${server.url}${rec.url}`, { headers: auth(hostUser) })).arrayBuffer());
    expect(full.length).toBe(rec.sizeBytes);
    const file = path.join(tmp, 'rec.webm');
    fs.writeFileSync(file, full);

    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' })) as { streams: { codec_type: string; codec_name: string }[] };
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:opus', 'video:vp8']);

    // Audio: both voices, each while it spoke.
    const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a', '-ac', '1', '-ar', '48000', '-f', 's16le', '-'], { maxBuffer: 64 << 20 });
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
    const half = Math.floor(samples.length / 2);
    expect(toneShare(samples.subarray(0, half), 440)).toBeGreaterThan(0.2);
    expect(toneShare(samples.subarray(half), 660)).toBeGreaterThan(0.2);

    // Video: decodes; shows the host first, then the guest once the guest spoke.
    const widths = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=width', '-of', 'csv=p=0', file], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
    expect(widths.length).toBeGreaterThan(30);
    const hostWidths = new Set([100, 200, 400]);
    const guestWidths = new Set([160, 320, 640]);
    expect(hostWidths.has(widths[0]!)).toBe(true);
    expect(guestWidths.has(widths.at(-1)!)).toBe(true);

    // ffmpeg dies mid-recording: the recording stops, everyone is told, what was written is kept.
    await host.session.setRecording(true);
    await eventually(() => guest.session.room?.recording != null, 5_000, 'recording again');
    await wait(2000);
    const ffmpegs = children('ffmpeg');
    expect(ffmpegs.length).toBeGreaterThan(0);
    for (const pid of ffmpegs) process.kill(pid, 'SIGKILL');
    await eventually(() => guest.session.room?.recording === null, 10_000, 'everyone told the recording stopped');
    let after: Recording[] = [];
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      after = ((await (await fetch(`${server.url}/api/meetings/${meeting.id}/recordings`, { headers: auth(hostUser) })).json()) as { recordings: Recording[] }).recordings;
      if (after.length === 2 && after.every((r) => r.endedAt)) break;
      await wait(200);
    }
    expect(after).toHaveLength(2);
    expect(after[0]!.endedAt).not.toBeNull();
    expect(after[0]!.sizeBytes).toBeGreaterThan(1000);
    expect(after[0]!.durationMs).toBeGreaterThan(500);
  }, 120_000);

  it('a recording a crash left open is finalized from its parts at start-up', async () => {
    const hostUser = await createUser(server.url, 'crash');
    const meeting = await hostUser.api.createMeeting({ title: 'Crashed while recording' });
    const user = await server.services.accounts.userForSession(hostUser.token);
    const dir = path.join(tmp, 'recovered');
    fs.mkdirSync(dir, { recursive: true });
    const id = 'crashedrecording0001';
    // Parts as a killed server leaves them: Opus in WebM, VP8 in IVF.
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'libopus', '-f', 'webm', path.join(dir, `${id}.audio.webm`)]);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10:duration=2', '-c:v', 'libvpx', '-f', 'ivf', path.join(dir, `${id}.video.ivf`)]);
    await server.services.db
      .insertInto('recordings')
      .values({ id, meeting_id: meeting.id, started_by: user!.id, started_at: new Date(Date.now() - 5000), mime_type: 'audio/webm', file_name: `${id}.webm` })
      .execute();
    const { RecordingService } = await import('../../packages/server/src/recording/RecordingService.ts');
    const svc = new RecordingService(server.services.db, server.pool, { enabled: true, ffmpeg: 'ffmpeg', dir, slots: 2 }, server.log);
    await svc.init();
    const [rec] = await svc.list(meeting.id);
    expect(rec).toMatchObject({ id, mimeType: 'video/webm' });
    expect(rec!.endedAt).not.toBeNull();
    expect(rec!.durationMs).toBeGreaterThan(1500);
    expect(fs.existsSync(path.join(dir, `${id}.webm`))).toBe(true);
    expect(fs.existsSync(path.join(dir, `${id}.audio.webm`))).toBe(false);
    await svc.close();
  }, 60_000);
});
