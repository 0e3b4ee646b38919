import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';
import { toneShare, whepPlay, type WhepPlayer } from '../support/whep.ts';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!hasFfmpeg) console.warn('whep.int.test: skipped — ffmpeg not installed (scripts/ffmpeg.sh, root)');

describe.runIf(hasFfmpeg)('WHEP playback of a Space', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  const players: WhepPlayer[] = [];

  beforeAll(async () => {
    // One WebRTC audience seat: the second viewer must be sent to the HLS tier.
    server = await testServer({ SPACE_WEBRTC_LISTENERS: '1' });
  });
  afterAll(async () => {
    await Promise.all(players.map((p) => p.stop().catch(() => 0)));
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('a player gets the speakers mixed and the main video; counts as audience; full → 503 with the HLS link; DELETE', async () => {
    const hostUser = await createUser(server.url, 'phost');
    const space = await hostUser.api.createSpace({ title: 'Watch with WHEP' });
    const url = `${server.url}/whep/${space.id}`;
    expect((await whepPlay(url)).status).toBe(404); // nobody there yet: not live

    const host = await Bot.join(server.url, hostUser, space.id, { video: { width: 320, height: 180, fps: 15 }, audio: { frequency: 440 } });
    bots.push(host);
    const speakerUser = await createUser(server.url, 'pspk');
    const speaker = await Bot.join(server.url, speakerUser, space.id, { video: false, audio: false });
    bots.push(speaker);
    await host.session.setOnStage(speaker.session.self!.id, true);
    await eventually(() => speaker.session.onStage, 5_000, 'speaker on stage');
    await speaker.publishAudio({ frequency: 660 });

    const player = await whepPlay(url);
    players.push(player);
    expect(player.status).toBe(201);
    expect(player.location).toMatch(new RegExp(`^/whep/${space.id}/`));
    await eventually(() => player.frames > 10, 20_000, 'the player decodes the main video');
    // Both voices at once in the one audio track: a mix, not a switch between speakers.
    await eventually(
      () => {
        const pcm = player.recentAudio();
        return toneShare(pcm, 440) > 0.1 && toneShare(pcm, 660) > 0.1;
      },
      20_000,
      'the player hears both speakers mixed',
    );
    await eventually(() => host.session.room?.audienceCount === 1, 5_000, 'the viewer counts as audience');

    const second = await whepPlay(url);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('10');
    expect(second.headers.get('link')).toContain(`/hls/${space.id}/index.m3u8`);

    expect((await fetch(new URL(player.location!, server.url), { method: 'PATCH', headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, body: 'a=end-of-candidates' })).status).toBe(405);
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    expect(await player.stop()).toBe(200);
    await eventually(() => host.session.room?.audienceCount === 0, 5_000, 'the viewer left the audience');
    expect(await player.stop()).toBe(404);
  }, 120_000);
});
