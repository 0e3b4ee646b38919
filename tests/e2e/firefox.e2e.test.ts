import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { RunningServer } from '@convene/server';
import type { Bot } from '../support/bots.ts';
import { startWebServer } from './browser.ts';
import { clickTestId, firefoxMissing, firefoxShot, launchFirefox, newFirefoxPage, signUpFirefox, type Firefox } from './firefox.ts';
import { inboundTotals, mixLevels, type InboundTotals } from './pageProbes.ts';
import { HIGH, LOW, audible, fmtLevels as fmt, joinToneBots, untilLevels, type Levels } from './spatialChecks.ts';

const missing = firefoxMissing();
if (missing.length > 0) {
  console.warn(`\n!!! SKIPPING the Firefox end-to-end test: this machine lacks ${missing.join(' and ')}. scripts/test.sh (npm test) installs them as root.\n`);
}

describe.skipIf(missing.length > 0)('a meeting in real Firefox ESR (WebDriver BiDi)', () => {
  let server: RunningServer;
  let firefox: Firefox;
  let bots: Bot[] = [];

  beforeAll(async () => {
    server = await startWebServer();
    // 740 px wide: the grid has two columns (self | first bot, second bot | empty).
    firefox = await launchFirefox({ width: 740, height: 800 });
  });
  afterAll(async () => {
    for (const b of bots) await b.close().catch(() => undefined);
    await firefox?.close();
    await server?.close();
  });

  const count = (page: Page, id: string) => page.$$eval(`[data-testid="${id}"]`, (els) => els.length);
  const centreX = (page: Page, id: string) =>
    page.$eval(`[data-testid="tile"][data-participant-id="${id}"]`, (el) => {
      const r = el.getBoundingClientRect();
      return r.left + r.width / 2;
    });
  const setMode = async (page: Page, mode: 'off' | 'headphones' | 'speakers') => {
    const visible = await page.$eval('[data-testid="spatial-audio"]', (el) => el.checkVisibility()).catch(() => false);
    if (!visible) await page.locator('details.devices > summary').click();
    await page.select('[data-testid="spatial-audio"]', mode);
  };

  it('signs up, meets two participants in grid view: decodes their video, hears them placed left and right, and publishes its own camera and microphone', async () => {
    const t0 = Date.now();
    const page = await newFirefoxPage(firefox.browser, server.url);
    await signUpFirefox(page, `fox_${Date.now() % 100000}`, 'Fox');
    await clickTestId(page, 'new-meeting');
    await clickTestId(page, 'join-button');
    await page.locator('[data-testid="mic-toggle"]').setTimeout(15_000).wait();
    await clickTestId(page, 'view-toggle'); // grid view
    const meetingId = (await page.evaluate(() => location.pathname)).split('/').pop()!;
    const selfId = await page.evaluate(() => window.__convene!.session.self!.id);

    bots = await joinToneBots(server.url, meetingId);
    const [lowId, highId] = bots.map((b) => b.session.self!.id) as [string, string];
    await expect.poll(() => count(page, 'tile'), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => count(page, 'remote-audio'), { timeout: 10_000 }).toBe(2);

    // (a) Firefox decodes both cameras and receives both voices: totals keep rising.
    const stats = () => page.evaluate(inboundTotals);
    await expect.poll(async () => (await stats()).framesDecoded, { timeout: 15_000 }).toBeGreaterThan(20);
    const s1: InboundTotals = await stats();
    let s2 = s1;
    const rising = async () => {
      s2 = await stats();
      return { frames: s2.framesDecoded - s1.framesDecoded > 20, samples: s2.audioSamples > s1.audioSamples, energy: s2.audioEnergy > s1.audioEnergy };
    };
    await expect.poll(rising, { timeout: 10_000 }).toEqual({ frames: true, samples: true, energy: true });
    console.log(`Firefox receives: +${s2.framesDecoded - s1.framesDecoded} frames decoded (${s2.videoWidth} px wide), +${s2.audioSamples - s1.audioSamples} audio samples`);
    await firefoxShot(page, 'firefox-01-grid');

    // Firefox publishes: its fake camera and microphone reach both Node participants.
    await expect.poll(() => bots.every((b) => b.frames(selfId) > 10 && (b.audioEnergyFrom.get(selfId) ?? 0) > 0), { timeout: 20_000 }).toBe(true);
    console.log(`bots decode Firefox: ${bots.map((b) => `${b.frames(selfId)} frames ${b.lastFrameSize.get(selfId)?.width ?? 0} px`).join(', ')}, and hear it`);
    // The rest measures audio. Camera off: encoding 720p in three simulcast layers (and the bots
    // decoding it) can starve Firefox's audio on a 2-core machine, and the mix levels drop out.
    await clickTestId(page, 'camera-toggle');

    // Which tone is on which side, from the DOM.
    const lowLeft = (await centreX(page, lowId)) < (await centreX(page, highId));
    const [leftF, rightF] = lowLeft ? [LOW, HIGH] : [HIGH, LOW];
    const [iL, iR] = lowLeft ? [0, 1] : [1, 0];
    const until = (what: string, ok: (l: Levels) => boolean) => untilLevels(() => page.evaluate(mixLevels, [LOW, HIGH]), what, ok);
    const ild = (l: Levels) => [l.left[iL]! - l.right[iL]!, l.right[iR]! - l.left[iR]!] as const;

    // (b) Headphones: each tone clearly louder on its own side, through Firefox's HRTF panner.
    await setMode(page, 'headphones');
    const hp = await until('headphones panning', (l) => audible(l) && ild(l).every((d) => d > 3));
    expect(hp.state, fmt(hp)).toBe('running');
    expect(hp.voices.every((v) => v.routed && v.elementMuted && !v.elementPaused && v.model === 'HRTF'), fmt(hp)).toBe(true);
    console.log(`Firefox headphones (HRTF): left tile ${leftF} Hz L-R ${ild(hp)[0].toFixed(1)} dB; right tile ${rightF} Hz R-L ${ild(hp)[1].toFixed(1)} dB`);
    await firefoxShot(page, 'firefox-02-headphones');

    // Speakers: equal-power at ±(0.96 × 30°), same sides, narrower.
    await setMode(page, 'speakers');
    const sp = await until('speakers panning', (l) => audible(l) && ild(l).every((d) => d > 3 && d < 7));
    expect(sp.voices.every((v) => v.routed && v.model === 'equalpower'), fmt(sp)).toBe(true);
    console.log(`Firefox speakers (equal-power): left tile L-R ${ild(sp)[0].toFixed(1)} dB; right tile R-L ${ild(sp)[1].toFixed(1)} dB`);

    // (c) Off: balanced, the elements unmuted and playing, and Firefox still receiving audio.
    await setMode(page, 'off');
    const off = await until('balanced when off', (l) => audible(l) && [0, 1].every((i) => Math.abs(l.left[i]! - l.right[i]!) < 0.5));
    expect(off.voices.every((v) => !v.routed && !v.elementMuted && !v.elementPaused), fmt(off)).toBe(true);
    const s3 = await stats();
    await expect.poll(async () => (await stats()).audioEnergy, { timeout: 5_000 }).toBeGreaterThan(s3.audioEnergy);
    console.log(`Firefox off: ${LOW} Hz L-R ${(off.left[0]! - off.right[0]!).toFixed(1)} dB, ${HIGH} Hz L-R ${(off.left[1]! - off.right[1]!).toFixed(1)} dB; ${Date.now() - t0} ms`);
    await firefoxShot(page, 'firefox-03-off');
  });
});
