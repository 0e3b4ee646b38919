/**
 * The Space stage follows whoever speaks, in real Chromium: the host's big tile shows a Node
 * speaker while it talks, then the browser listener who was approved and turned on video once
 * they talk — and it stays there (no flicker) while they keep talking.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { Bot, createUser } from '../support/bots.ts';
import { inboundStats, launchWithAudioFile, newUserPage, shot, signUp, startE2e } from './browser.ts';

/** 10 s of a 440 Hz tone, 48 kHz mono 16-bit: the listener's fake microphone (it loops). */
function toneWav(dir: string): string {
  const rate = 48_000;
  const n = rate * 10;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12_000), 44 + i * 2);
  const f = path.join(dir, 'tone.wav');
  fs.writeFileSync(f, b);
  return f;
}

describe('Space stage follows the speaker in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let speakerBrowser: Browser;
  const bots: Bot[] = [];

  beforeAll(async () => {
    ({ server, browser } = await startE2e());
    speakerBrowser = await launchWithAudioFile(toneWav(fs.mkdtempSync(path.join(os.tmpdir(), 'stage-e2e-'))));
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await speakerBrowser?.close();
    await browser?.close();
    await server?.close();
  });

  const selfId = (page: Page) => page.evaluate(() => window.__convene!.session.self!.id);
  const mainTileId = (page: Page) =>
    page.getByTestId('main-tile').locator('[data-testid="tile"]').getAttribute('data-participant-id', { timeout: 1000 }).catch(() => null);
  const micOn = (page: Page) => page.evaluate(() => (window.__convene!.session.self?.sources ?? []).includes('microphone'));

  it('the host’s big tile follows a Node speaker, then the approved browser listener with video when they talk, without flicker', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await signUp(host.page, `hope_${suffix}`, 'Hope Host');
    await host.page.getByTestId('spaces-link').click();
    await host.page.getByTestId('space-title-input').fill('Who is talking?');
    await host.page.getByTestId('space-start-now').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    const spaceId = new URL(host.page.url()).pathname.split('/').pop()!;
    // The host stays quiet: the fake device's beep must not take the stage.
    await expect.poll(() => micOn(host.page), { timeout: 10_000 }).toBe(true);
    await host.page.getByTestId('mic-toggle').click();
    await expect.poll(() => micOn(host.page), { timeout: 10_000 }).toBe(false);

    // A Node speaker with a camera and a 660 Hz voice, brought on stage by the host.
    const solUser = await createUser(server.url, 'sol');
    const sol = await Bot.join(server.url, solUser, spaceId, { video: false, audio: false });
    bots.push(sol);
    const solId = sol.session.self!.id;
    await host.page.evaluate((id) => window.__convene!.session.setOnStage(id, true), solId);
    await expect.poll(() => sol.session.onStage, { timeout: 10_000 }).toBe(true);
    sol.speaking = false;
    await sol.publishVideo({ width: 320, height: 180, fps: 15 });
    await sol.publishAudio({ frequency: 660 });

    // The listener (a browser whose microphone plays a tone) asks to speak and is approved.
    const lctx = await speakerBrowser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone'] });
    const lp = await lctx.newPage();
    lp.on('pageerror', (e) => console.error('[listener page error]', e.message));
    await lp.goto(server.url);
    await signUp(lp, `lux_${suffix}`, 'Lux Listener');
    await lp.getByTestId('spaces-link').click();
    await lp.getByTestId(`listen-${spaceId}`).click({ timeout: 10_000 });
    await lp.getByTestId('request-speak').click({ timeout: 20_000 });
    const luxId = await selfId(lp);
    await host.page.getByTestId('people-toggle').click();
    await host.page.getByTestId(`approve-${luxId}`).click({ timeout: 10_000 });
    await lp.getByTestId('mic-toggle').waitFor({ timeout: 10_000 });
    await expect.poll(() => micOn(lp), { timeout: 10_000 }).toBe(true);
    await lp.getByTestId('mic-toggle').click(); // quiet for now
    await expect.poll(() => micOn(lp), { timeout: 10_000 }).toBe(false);
    await lp.getByTestId('camera-toggle').click();
    await expect.poll(() => lp.evaluate(() => window.__convene!.session.self?.sources ?? []), { timeout: 10_000 }).toContain('camera');

    // Sol talks: the host's big tile shows Sol.
    sol.speaking = true;
    await expect.poll(() => mainTileId(host.page), { timeout: 15_000 }).toBe(solId);
    await shot(host.page, 'space-stage-01-node-speaker');

    // Sol stops, Lux talks: the big tile moves to Lux, shows Lux's video, and stays.
    sol.speaking = false;
    await lp.getByTestId('mic-toggle').click();
    const t0 = Date.now();
    await expect.poll(() => mainTileId(host.page), { timeout: 15_000 }).toBe(luxId);
    const followedMs = Date.now() - t0;
    const frames = (await inboundStats(host.page)).framesDecoded;
    await expect.poll(async () => (await inboundStats(host.page)).framesDecoded, { timeout: 10_000 }).toBeGreaterThan(frames + 20);
    const playing = await host.page
      .getByTestId('main-tile')
      .locator('video')
      .evaluate((v: HTMLVideoElement) => ({ w: v.videoWidth, ready: v.readyState }));
    expect(playing.w).toBeGreaterThan(0);
    // Browsers publish VP8 (simulcast; what recording and the broadcast take), not H.264.
    const codecs = await host.page.evaluate(async () => {
      const stats = await window.__convene!.session.peerConnections.recv!.getStats();
      const out = new Set<string>();
      stats.forEach((s: { type: string; kind?: string; codecId?: string; framesDecoded?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.framesDecoded ?? 0) > 0) out.add((stats.get(s.codecId ?? '') as { mimeType?: string } | undefined)?.mimeType ?? '');
      });
      return [...out];
    });
    expect(codecs).toEqual(['video/VP8']);
    expect(playing.ready).toBeGreaterThanOrEqual(2);
    const seen = new Set<string | null>();
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      seen.add(await mainTileId(host.page));
      await host.page.waitForTimeout(200);
    }
    expect([...seen]).toEqual([luxId]);
    await shot(host.page, 'space-stage-02-browser-speaker');
    console.info(`[space-speaker.e2e] big tile followed the browser speaker in ${followedMs} ms`);
    // Closing the tab leaves at once (pagehide → leave): the seat is not held for the 30 s resume grace.
    const tClose = Date.now();
    await lctx.close({ reason: 'tab closed' });
    await expect.poll(() => host.page.evaluate((id) => window.__convene!.session.participants.has(id), luxId), { timeout: 10_000 }).toBe(false);
    console.info(`[space-speaker.e2e] closed tab left the Space after ${Date.now() - tClose} ms`);
    await host.context.close();
  }, 150_000);
});
