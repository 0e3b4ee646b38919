import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { testServer } from '../support/server.ts';
import { launch, newUserPage, signUp } from './browser.ts';

const ARTIFACTS = path.resolve('artifacts/e2e');
const WEB_DIST = path.resolve('apps/web/dist');

function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const FFMPEG = hasFfmpeg();
if (!FFMPEG) console.warn('broadcast.e2e: skipped — no ffmpeg on PATH (scripts/ffmpeg.sh installs it; npm test calls it)');

/** A free TCP port: the Space's `hls.playlistUrl` is built from PUBLIC_URL, so the server needs a known port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The broadcast player's element and hls.js progress, as the page sees them. */
function player(page: Page) {
  return page.evaluate(() => {
    const b = window.__conveneBroadcast;
    if (!b) return null;
    const a = b.audio;
    const buffered = a.buffered.length ? a.buffered.end(a.buffered.length - 1) - a.buffered.start(0) : 0;
    return { mode: b.mode, fragments: b.fragments, currentTime: a.currentTime, readyState: a.readyState, paused: a.paused, buffered };
  });
}

describe.skipIf(!FFMPEG)('Spaces broadcast tier (HLS) in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error('build the web app first (npm run build)');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const port = await freePort();
    server = await testServer({ WEB_DIST, SPACE_WEBRTC_LISTENERS: '1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  const state = (page: Page) => page.evaluate(() => window.__convene?.session.state ?? null);

  it('a listener queued for a full Space hears the broadcast, then is admitted and the broadcast stops', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await signUp(host.page, `bea_${suffix}`, 'Bea Host');
    await host.page.getByTestId('spaces-link').click();
    await host.page.getByTestId('space-title-input').fill('Broadcast hour');
    await host.page.getByTestId('space-start-now').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    await expect.poll(() => host.page.evaluate(() => window.__convene!.session.self?.sources ?? []), { timeout: 10_000 }).toContain('microphone');
    const spaceId = new URL(host.page.url()).pathname.split('/').pop()!;

    // The first listener takes the only WebRTC seat.
    const first = await newUserPage(browser, server.url);
    await signUp(first.page, `fin_${suffix}`, 'Fin First');
    await first.page.getByTestId('spaces-link').click();
    await first.page.getByTestId(`listen-${spaceId}`).click({ timeout: 10_000 });
    await first.page.getByTestId('request-speak').waitFor({ timeout: 15_000 });

    // The second listener (phone-sized) finds the Space full and gets the broadcast.
    const second = await newUserPage(browser, server.url);
    await second.page.setViewportSize({ width: 390, height: 844 });
    await signUp(second.page, `sia_${suffix}`, 'Sia Second');
    await second.page.getByTestId('spaces-link').click();
    await second.page.getByTestId(`listen-${spaceId}`).click({ timeout: 10_000 });
    await expect.poll(() => state(second.page), { timeout: 15_000 }).toBe('queued');
    expect(await second.page.evaluate(() => window.__convene!.session.queue)).toEqual({ position: 1, reason: 'full' });
    await second.page.getByTestId('broadcast').waitFor({ timeout: 10_000 });
    await expect.poll(() => second.page.getByTestId('broadcast-status').textContent(), { timeout: 20_000 }).toContain('Listening via broadcast');
    expect(await second.page.getByTestId('broadcast-status').textContent()).toContain('#1 in line');

    // hls.js loads fragments, the buffer grows, and the element plays (time advancing).
    await expect.poll(async () => (await player(second.page))?.fragments ?? 0, { timeout: 20_000 }).toBeGreaterThan(1);
    expect((await player(second.page))?.mode).toBe('mse');
    await expect.poll(async () => (await player(second.page))?.readyState ?? 0, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const t0 = (await player(second.page))!.currentTime;
    await expect.poll(async () => (await player(second.page))?.currentTime ?? 0, { timeout: 10_000 }).toBeGreaterThan(t0 + 1);
    const p = (await player(second.page))!;
    expect(p.paused).toBe(false);
    expect(p.buffered).toBeGreaterThan(0);
    expect(await second.page.getByTestId('broadcast').getAttribute('data-phase')).toBe('playing');

    // Audio is flowing: the element's own output (captureStream) has energy (the host's beep).
    const level = await second.page.evaluate(async () => {
      const a = window.__conveneBroadcast!.audio as HTMLVideoElement & { captureStream(): MediaStream };
      const ctx = new AudioContext();
      await ctx.resume();
      const src = ctx.createMediaStreamSource(a.captureStream());
      const an = ctx.createAnalyser();
      an.fftSize = 2048;
      src.connect(an);
      const buf = new Float32Array(an.fftSize);
      let peak = 0;
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 100));
        an.getFloatTimeDomainData(buf);
        for (const v of buf) peak = Math.max(peak, Math.abs(v));
      }
      await ctx.close();
      return peak;
    });
    expect(level).toBeGreaterThan(0.01);

    // The broadcast's video (the host's camera as the main video, H.264 480×270) is decoded too.
    const frames = () => second.page.evaluate(() => {
      const v = window.__conveneBroadcast!.audio;
      return { width: v.videoWidth, decoded: v.getVideoPlaybackQuality().totalVideoFrames };
    });
    const f0 = await frames();
    expect(f0.width).toBe(480);
    await expect.poll(async () => (await frames()).decoded, { timeout: 10_000 }).toBeGreaterThan(f0.decoded + 10);
    await shot(second.page, 'broadcast-video');

    // Pause and play again from the controls.
    await second.page.getByTestId('broadcast-toggle').click();
    await expect.poll(() => second.page.getByTestId('broadcast').getAttribute('data-phase'), { timeout: 5000 }).toBe('paused');
    await second.page.getByTestId('broadcast-toggle').click();
    await expect.poll(() => second.page.getByTestId('broadcast').getAttribute('data-phase'), { timeout: 10_000 }).toBe('playing');
    await shot(second.page, 'broadcast-01-queued-listener-phone');

    // A third visitor: the list offers "Listen via broadcast"; it plays without taking a seat or a place in line.
    const third = await newUserPage(browser, server.url);
    await signUp(third.page, `tao_${suffix}`, 'Tao Third');
    await third.page.getByTestId('spaces-link').click();
    await third.page.getByTestId(`broadcast-${spaceId}`).click({ timeout: 10_000 });
    expect(new URL(third.page.url()).search).toBe('?listen=broadcast');
    await expect.poll(async () => (await player(third.page))?.fragments ?? 0, { timeout: 20_000 }).toBeGreaterThan(1);
    const u0 = (await player(third.page))?.currentTime ?? 0;
    await expect.poll(async () => (await player(third.page))?.currentTime ?? 0, { timeout: 10_000 }).toBeGreaterThan(u0 + 1);
    expect(await third.page.evaluate(() => window.__convene?.session ?? null)).toBeNull();
    expect(await third.page.getByTestId('space-join').textContent()).toBe('Join live');
    await shot(third.page, 'broadcast-02-broadcast-only');
    await third.context.close();

    // The first listener leaves: the second is admitted, the broadcast stops and is torn down.
    await first.page.getByTestId('leave').click();
    await expect.poll(() => state(first.page), { timeout: 10_000 }).toBe('left');
    await expect.poll(() => state(second.page), { timeout: 20_000 }).toBe('joined');
    await second.page.getByTestId('request-speak').waitFor({ timeout: 15_000 });
    expect(await second.page.getByTestId('broadcast').count()).toBe(0);
    expect(await player(second.page)).toBeNull();
    expect(await second.page.evaluate(() => [...document.querySelectorAll('audio')].filter((a) => a.src.includes('/hls/') || (!a.paused && a.srcObject == null)).length)).toBe(0);
    await shot(second.page, 'broadcast-03-admitted');
    await first.context.close();
    await second.context.close();
    await host.context.close();
  });
});
