/**
 * Autoplay rules in real Chromium (`--autoplay-policy=user-gesture-required`): a participant who
 * opens a meeting link in a fresh tab and has not clicked, tapped or typed anything yet, with a
 * Node participant sending a tone.
 *
 * Chromium then lets the page's AudioContext run (that policy restricts Web Audio only in
 * cross-origin frames) but rejects an unmuted <audio> element's play(). What must hold:
 * - before any gesture the voice is heard through whatever is allowed: the running context
 *   (routed, the tone in the mix) or the element (unmuted, playing, inbound energy rising);
 * - on the first click everything held back starts: the elements play, the context runs.
 *
 * The page is driven only through withoutGesture() (CDP without user activation) until the
 * click: Playwright's own evaluate and locators would count as a gesture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import type { SpatialMode } from '../../apps/web/src/audio/spatial.ts';
import { Bot, createUser } from '../support/bots.ts';
import { launch, newUserPage, shot, signUp, startWebServer, withoutGesture } from './browser.ts';
import { inboundTotals, mixLevels } from './pageProbes.ts';
import { LOW } from './spatialChecks.ts';

describe('remote audio under Chromium autoplay rules (no user gesture yet)', () => {
  let server: RunningServer;
  let browser: Browser;
  const bots: Bot[] = [];

  beforeAll(async () => {
    server = await startWebServer();
    browser = await launch('user-gesture-required');
  });
  afterAll(async () => {
    for (const b of bots) await b.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  /** Polls the page (without a gesture) until `ok` holds on three readings in a row. */
  async function settle<T>(read: () => Promise<T>, what: string, ok: (now: T, before: T) => boolean, ms = 15_000): Promise<T> {
    const end = Date.now() + ms;
    let before = await read();
    let streak = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const now = await read();
      streak = ok(now, before) ? streak + 1 : 0;
      if (streak >= 3) return now;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(now)}`);
      before = now;
    }
  }

  /** Signs up in one tab, then opens the meeting in a fresh tab and joins it without a gesture. */
  async function joinWithoutGesture(mode: SpatialMode): Promise<{ context: BrowserContext; page: Page; probe: () => Promise<Probe> }> {
    const home = await newUserPage(browser, server.url);
    await signUp(home.page, `ap_${mode}_${Date.now() % 100000}`, 'Ada');
    await home.page.getByTestId('new-meeting').click();
    await home.page.getByTestId('join-button').waitFor();
    const url = home.page.url();
    await home.page.evaluate((m) => localStorage.setItem('convene.spatialAudio', m), mode);
    await home.page.close();

    const { context } = home;
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    await page.goto(url);
    const ask = <A, R>(fn: (a: A) => R | Promise<R>, arg: A) => withoutGesture(context, page, fn, arg);
    const has = (testId: string) => ask((id) => document.querySelector(`[data-testid="${id}"]`) !== null, testId);
    await settle(() => has('join-button'), 'the pre-join screen', (x) => x, 10_000);
    // An untrusted click (a script's, not the user's): joins, grants no user activation.
    await ask(() => (document.querySelector('[data-testid="join-button"]') as HTMLButtonElement).click(), null);
    await settle(() => has('mic-toggle'), 'the meeting room', (x) => x, 15_000);

    const meetingId = new URL(url).pathname.split('/').pop()!;
    bots.push(await Bot.join(server.url, await createUser(server.url, 'tone'), meetingId, { audio: { frequency: LOW }, video: { width: 320, height: 180, fps: 10 } }));
    const probe = async (): Promise<Probe> => {
      const [activated, levels, stats] = await Promise.all([ask(() => navigator.userActivation.hasBeenActive, null), ask(mixLevels, [LOW]), ask(inboundTotals, undefined)]);
      const voice = levels.voices[0];
      // JSON turned -Infinity (silence) into null.
      const db = Math.max(levels.left[0] ?? -Infinity, levels.right[0] ?? -Infinity);
      return { activated, state: levels.state, voice, db, energy: stats.audioEnergy, samples: stats.audioSamples };
    };
    return { context, page, probe };
  }

  /** Somewhere harmless on the page: a real click, the user's first gesture. */
  const click = (page: Page) => page.mouse.click(640, 12);

  it('spatial audio on: heard before any gesture; on the first click the element plays (muted) and the voice goes through the panner', async () => {
    const { context, probe, page } = await joinWithoutGesture('headphones');
    const viaWebAudio = (p: Probe) => p.state === 'running' && !!p.voice?.routed && p.db > -70;
    const viaElement = (p: Probe, before: Probe) => !!p.voice && !p.voice.elementMuted && !p.voice.elementPaused && p.energy > before.energy;
    const heard = await settle(probe, 'the voice heard before any gesture', (now, before) => !!now.voice && now.samples > before.samples && (viaWebAudio(now) || viaElement(now, before)));
    expect(heard.activated, 'no user activation so far').toBe(false);
    console.log(`headphones, before any gesture: context ${heard.state}, heard ${viaWebAudio(heard) ? `through Web Audio (${heard.db.toFixed(1)} dB in the mix)` : 'through the element'}; element muted=${heard.voice?.elementMuted} paused=${heard.voice?.elementPaused}`);

    await click(page);
    const after = await settle(probe, 'everything playing after the click', (now) => now.state === 'running' && !!now.voice?.routed && !!now.voice.elementMuted && !now.voice.elementPaused && now.db > -70);
    expect(after.activated).toBe(true);
    expect(after.voice?.model).toBe('HRTF');
    console.log(`headphones, after the click: context ${after.state}, routed, element muted and playing, ${after.db.toFixed(1)} dB in the mix`);
    await shot(page, 'autoplay-01-headphones-after-click'); // only now: Playwright's screenshot runs page scripts
    await context.close();
  });

  it('spatial audio off: the element autoplay refused starts on the first click, unmuted, and the voice is heard', async () => {
    const { context, probe, page } = await joinWithoutGesture('off');
    const before = await settle(probe, 'audio arriving', (now, prev) => !!now.voice && now.samples > prev.samples);
    expect(before.activated, 'no user activation so far').toBe(false);
    expect(before.voice?.elementMuted, 'never muted while spatial audio is off').toBe(false);
    // The case this test is about: Chromium refused play() without a gesture.
    expect(before.voice?.elementPaused, 'Chromium refuses an unmuted element before any gesture').toBe(true);
    console.log(`off, before any gesture: element muted=${before.voice?.elementMuted} paused=${before.voice?.elementPaused}, inbound audio energy ${before.energy.toFixed(3)}`);

    await click(page);
    const after = await settle(probe, 'the element playing after the click', (now, prev) => !!now.voice && !now.voice.elementMuted && !now.voice.elementPaused && now.energy > prev.energy);
    expect(after.voice?.routed).toBe(false);
    console.log(`off, after the click: element unmuted and playing, inbound audio energy ${before.energy.toFixed(3)} -> ${after.energy.toFixed(3)}`);
    await context.close();
  });
});

interface Probe {
  activated: boolean;
  state: string;
  voice: { routed: boolean; elementMuted: boolean; elementPaused: boolean; model: string | null } | undefined;
  /** Louder channel of the mix at the tone's frequency. */
  db: number;
  energy: number;
  samples: number;
}
