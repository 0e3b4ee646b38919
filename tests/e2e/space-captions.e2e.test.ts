/**
 * Live captions in a Space, in real Chromium: the host turns captions on; a Node speaker on stage
 * says a flite sentence as Opus; a browser listener shows captions and reads the words live,
 * attributed to the speaker, then finds the final line in the transcript panel. The host's
 * overlay (on by default for whoever turned captions on) shows them too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { Bot, createUser } from '../support/bots.ts';
import { speak48k } from '../support/speech.ts';
import { bestLine, captionsReady, SENTENCE } from './captionProbes.ts';
import { newUserPage, shot, signUp, startE2e } from './browser.ts';

const ready = captionsReady('space captions e2e');

describe.skipIf(!ready)('live captions in a Space, in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  const bots: Bot[] = [];

  beforeAll(async () => {
    ({ server, browser } = await startE2e({ SFU_WORKERS: '1' }));
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await browser?.close();
    await server?.close();
  });

  it('a listener shows captions and reads the stage speaker’s words live and in the transcript', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await signUp(host.page, `scap_host_${suffix}`, 'Hana Host');
    await host.page.getByTestId('spaces-link').click();
    await host.page.getByTestId('space-title-input').fill('Captioned Space');
    await host.page.getByTestId('space-start-now').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    const spaceId = new URL(host.page.url()).pathname.split('/').pop()!;
    // The host's fake microphone beeps: mute it, only the speaker talks.
    await expect.poll(() => host.page.evaluate(() => (window.__convene!.session.self?.sources ?? []).includes('microphone')), { timeout: 10_000 }).toBe(true);
    await host.page.getByTestId('mic-toggle').click();
    await host.page.getByTestId('captions-toggle').click();
    await expect.poll(() => host.page.getByTestId('captions-toggle').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');

    // A Node speaker, brought on stage, with a voice.
    const speakerUser = await createUser(server.url, 'scap');
    const speaker = await Bot.join(server.url, speakerUser, spaceId, { video: false, audio: false });
    bots.push(speaker);
    const speakerId = speaker.session.self!.id;
    const speakerName = speaker.session.self!.displayName;
    await host.page.evaluate((id) => window.__convene!.session.setOnStage(id, true), speakerId);
    await expect.poll(() => speaker.session.onStage, { timeout: 10_000 }).toBe(true);
    const voice = await speaker.publishVoice();

    // A browser listener: captions are on in the Space but off on their screen until they ask.
    const listener = await newUserPage(browser, server.url);
    await signUp(listener.page, `scap_lis_${suffix}`, 'Lena Listener');
    await listener.page.getByTestId('spaces-link').click();
    await listener.page.getByTestId(`listen-${spaceId}`).click({ timeout: 10_000 });
    await listener.page.getByTestId('request-speak').waitFor({ timeout: 20_000 });
    await expect.poll(() => listener.page.getByTestId('captions-show-toggle').isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await listener.page.getByTestId('caption-overlay').count()).toBe(0);
    await listener.page.getByTestId('captions-show-toggle').click();
    await listener.page.getByTestId('caption-overlay').waitFor({ state: 'attached', timeout: 5000 });

    // The speaker talks (again, until the words show: the engine may miss a first utterance).
    const sentence = speak48k(SENTENCE);
    let talking = true;
    const talk = (async () => {
      while (talking) {
        await voice.say(sentence);
        await new Promise((r) => setTimeout(r, 1200)); // silence ends the utterance
      }
    })();
    const started = Date.now();
    let seen = { words: 0, text: '' };
    try {
      await expect
        .poll(async () => (seen = await bestLine(listener.page, 'caption-line', speakerId)).words, { timeout: 30_000, interval: 250 })
        .toBeGreaterThanOrEqual(3);
      console.log(`[space captions e2e] listener's overlay after ${Date.now() - started} ms: "${seen.text}"`);
      expect(seen.text.startsWith(`${speakerName}:`)).toBe(true);
      await shot(listener.page, 'space-captions-01-listener-overlay');

      // The host's overlay shows the same speaker's words.
      await expect.poll(async () => (await bestLine(host.page, 'caption-line', speakerId)).words, { timeout: 20_000, interval: 250 }).toBeGreaterThanOrEqual(2);

      // The listener's transcript panel lists a final line, with the speaker's name.
      await listener.page.getByTestId('transcript-toggle').click();
      await expect.poll(async () => (await bestLine(listener.page, 'transcript-line', speakerId)).words, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      expect((await bestLine(listener.page, 'transcript-line', speakerId)).text).toContain(speakerName);
      await shot(listener.page, 'space-captions-02-listener-transcript');
    } finally {
      talking = false;
      await talk;
    }
    await listener.context.close();
    await host.context.close();
  }, 150_000);
});
