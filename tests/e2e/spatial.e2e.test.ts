import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import type { Bot } from '../support/bots.ts';
import { newUserPage, shot, signUp, spatialLevels, startE2e } from './browser.ts';
import { HIGH, LOW, audible, fmtLevels as fmt, joinToneBots, untilLevels, type Levels } from './spatialChecks.ts';

describe('spatial audio in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  const bots: Bot[] = [];

  beforeAll(async () => {
    ({ server, browser } = await startE2e());
  });
  afterAll(async () => {
    for (const b of bots) await b.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  const centreX = async (page: Page, id: string) => {
    const box = await page.locator(`[data-testid="tile"][data-participant-id="${id}"]`).first().boundingBox();
    if (!box) throw new Error(`no tile for ${id}`);
    return box.x + box.width / 2;
  };
  const setMode = async (page: Page, mode: 'off' | 'headphones' | 'speakers') => {
    const select = page.getByTestId('spatial-audio');
    if (!(await select.isVisible())) await page.locator('details.devices > summary').click();
    await select.selectOption(mode);
  };

  it('left tile sounds left, right tile sounds right; off is balanced; layout changes move voices', async () => {
    const t0 = Date.now();
    const suffix = String(Date.now() % 100000);
    // 740 px wide: the grid has two columns (self | first bot, second bot | empty).
    const host = await newUserPage(browser, server.url);
    await host.page.setViewportSize({ width: 740, height: 800 });
    await signUp(host.page, `sol_${suffix}`, 'Sol');
    await host.page.getByTestId('new-meeting').click();
    await host.page.getByTestId('join-button').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    await host.page.getByTestId('view-toggle').click(); // grid view
    const meetingId = new URL(host.page.url()).pathname.split('/').pop()!;

    // Two Node participants with camera and a tone each.
    bots.push(...(await joinToneBots(server.url, meetingId)));
    const [lowId, highId] = bots.map((b) => b.session.self!.id) as [string, string];
    await expect.poll(() => host.page.getByTestId('tile').count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => host.page.getByTestId('remote-audio').count(), { timeout: 10_000 }).toBe(2);

    // Which tone is on which side, from the DOM.
    const lowLeft = (await centreX(host.page, lowId)) < (await centreX(host.page, highId));
    const [leftF, rightF] = lowLeft ? [LOW, HIGH] : [HIGH, LOW];
    const [iL, iR] = lowLeft ? [0, 1] : [1, 0];
    const read = () => spatialLevels(host.page, [LOW, HIGH]);
    const until = (what: string, ok: (l: Levels) => boolean) => untilLevels(read, what, ok);

    // Headphones: each tone is clearly louder on its own side, both still audible on both.
    await setMode(host.page, 'headphones');
    const hp = await until('headphones panning', (l) => audible(l) && l.left[iL]! - l.right[iL]! > 3 && l.right[iR]! - l.left[iR]! > 3);
    expect(hp.state, fmt(hp)).toBe('running');
    expect(hp.voices.every((v) => v.routed && v.elementMuted && !v.elementPaused && v.model === 'HRTF'), fmt(hp)).toBe(true);
    console.log(`headphones (${hp.voices[0]?.model}): left tile ${leftF} Hz L-R ${(hp.left[iL]! - hp.right[iL]!).toFixed(1)} dB; right tile ${rightF} Hz R-L ${(hp.right[iR]! - hp.left[iR]!).toFixed(1)} dB`);
    await shot(host.page, 'spatial-01-headphones-grid');

    // Speakers: same sides, narrower spread.
    await setMode(host.page, 'speakers');
    // Equal-power at ±(0.96 × 30°): about 4.5 dB, well under the headphone spread; wait for the glide from the headphone angle to settle.
    const ild = (l: Levels) => [l.left[iL]! - l.right[iL]!, l.right[iR]! - l.left[iR]!];
    const sp = await until('speakers panning', (l) => audible(l) && ild(l).every((d) => d > 3 && d < 7));
    expect(sp.voices.every((v) => v.model === 'equalpower'), fmt(sp)).toBe(true);
    console.log(`speakers: left tile L-R ${(sp.left[iL]! - sp.right[iL]!).toFixed(1)} dB; right tile R-L ${(sp.right[iR]! - sp.left[iR]!).toFixed(1)} dB`);

    // Off: plain elements, unmuted and playing; both tones balanced between the channels.
    await setMode(host.page, 'off');
    const off = await until('balanced when off', (l) => audible(l) && [0, 1].every((i) => Math.abs(l.left[i]! - l.right[i]!) < 0.5));
    expect(off.voices.every((v) => !v.routed && !v.elementMuted && !v.elementPaused), fmt(off)).toBe(true);
    console.log(`off: ${LOW} Hz L-R ${(off.left[0]! - off.right[0]!).toFixed(1)} dB, ${HIGH} Hz L-R ${(off.left[1]! - off.right[1]!).toFixed(1)} dB`);

    // Layout change: wider window, three columns (self | first bot | second bot): the first bot
    // glides to the centre, the second stays right.
    await setMode(host.page, 'headphones');
    await host.page.setViewportSize({ width: 1280, height: 800 });
    const [midId, rightId] = (await centreX(host.page, lowId)) < (await centreX(host.page, highId)) ? [lowId, highId] : [highId, lowId];
    const iMid = midId === lowId ? 0 : 1;
    const iRight = 1 - iMid;
    const wide = await until('voices follow the new layout', (l) => audible(l) && Math.abs(l.left[iMid]! - l.right[iMid]!) < 1 && l.right[iRight]! - l.left[iRight]! > 3);
    expect(wide.voices.find((v) => v.participantId === rightId)?.x).toBeCloseTo(1, 1);
    await shot(host.page, 'spatial-02-headphones-wide');
    console.log(`wide: centre tile L-R ${(wide.left[iMid]! - wide.right[iMid]!).toFixed(1)} dB; right tile R-L ${(wide.right[iRight]! - wide.left[iRight]!).toFixed(1)} dB; ${Date.now() - t0} ms`);
    await host.context.close();
  });
});
