/**
 * Live captions in real Chromium: the host turns captions on; a second browser whose fake
 * microphone plays a flite sentence joins; the host sees the words live in the caption overlay,
 * attributed to the speaker, lists them in the transcript panel and downloads a WebVTT file.
 * The speaker then opts out and the host sees "captions off for this speaker".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { testServer } from '../support/server.ts';
import { fliteWavFile } from '../support/speech.ts';
import { captionsReady, SENTENCE, wordsIn } from './captionProbes.ts';
import { launch, launchWithAudioFile, newUserPage, signUp } from './browser.ts';

const ARTIFACTS = path.resolve('artifacts/e2e');
const WEB_DIST = path.resolve('apps/web/dist');
const ready = captionsReady('captions e2e');

describe.skipIf(!ready)('live captions in real Chromium', () => {
  let server: RunningServer;
  let hostBrowser: Browser;
  let speakerBrowser: Browser;
  let tmp: string;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error('build the web app first (npm run build)');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-captions-'));
    const wav = fliteWavFile(SENTENCE, path.join(tmp, 'sentence.wav'));
    server = await testServer({ WEB_DIST, SFU_WORKERS: '1' });
    [hostBrowser, speakerBrowser] = await Promise.all([launch(), launchWithAudioFile(wav)]);
  });
  afterAll(async () => {
    await hostBrowser?.close();
    await speakerBrowser?.close();
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

  it('host turns captions on, sees the speaker’s words attributed live, in the transcript, and downloads WebVTT', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(hostBrowser, server.url);
    await signUp(host.page, `cap_host_${suffix}`, 'Alice');
    await host.page.getByTestId('new-meeting').click();
    await host.page.getByTestId('join-button').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    // The host's fake microphone beeps: mute it, only the speaker talks.
    await host.page.getByTestId('mic-toggle').click();
    const meetingPath = new URL(host.page.url()).pathname;

    // Captions on (the only language offered is shown); the host's overlay is on by default.
    await host.page.getByTestId('captions-menu').locator('summary').click();
    expect(await host.page.getByTestId('captions-languages').textContent()).toContain('English (United States)');
    expect(await host.page.getByTestId('captions-language').inputValue()).toBe('en-US');
    await host.page.getByTestId('captions-menu').locator('summary').click();
    await host.page.getByTestId('captions-toggle').click();
    await expect.poll(() => host.page.getByTestId('captions-toggle').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');
    await host.page.getByTestId('caption-overlay').waitFor({ state: 'attached', timeout: 5000 });
    expect(await host.page.getByTestId('caption-overlay').locator('[aria-live="polite"]').count()).toBe(1);

    // The speaker joins; their fake microphone plays the sentence in a loop.
    const speaker = await newUserPage(speakerBrowser, server.url);
    await signUp(speaker.page, `cap_bob_${suffix}`, 'Bob');
    await speaker.page.goto(`${server.url}${meetingPath}`);
    await speaker.page.getByTestId('join-button').click();
    await speaker.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    const speakerId = await speaker.page.evaluate(() => window.__convene!.session.self!.id);
    // Captions are on in the room but off on screen for people who did not turn them on.
    expect(await speaker.page.getByTestId('captions-show-toggle').getAttribute('aria-pressed')).toBe('false');
    expect(await speaker.page.getByTestId('caption-overlay').count()).toBe(0);

    // The host reads Bob's words in the overlay.
    const started = Date.now();
    const line = host.page.locator(`[data-testid="caption-line"][data-participant-id="${speakerId}"]`);
    let seen = '';
    await expect
      .poll(
        async () => {
          const texts = await line.allTextContents();
          seen = texts.join(' | ');
          return Math.max(0, ...texts.map((x) => wordsIn(x).length));
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(3);
    console.log(`caption overlay after ${Date.now() - started} ms: "${seen}"`);
    expect(seen).toMatch(/^Bob:/);
    await shot(host.page, 'captions-01-overlay');

    // The transcript panel lists the final line with the speaker's name.
    await host.page.getByTestId('transcript-toggle').click();
    const tline = host.page.locator(`[data-testid="transcript-line"][data-participant-id="${speakerId}"]`);
    await expect.poll(async () => Math.max(0, ...(await tline.allTextContents()).map((x) => wordsIn(x).length)), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(await tline.first().textContent()).toContain('Bob');
    await shot(host.page, 'captions-02-transcript');

    // Download the transcript as WebVTT.
    await host.page.getByTestId('transcript-download').click();
    const [download] = await Promise.all([host.page.waitForEvent('download'), host.page.getByTestId('transcript-download-vtt').click()]);
    expect(download.suggestedFilename()).toBe('transcript.vtt');
    const vtt = fs.readFileSync((await download.path())!, 'utf8');
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(vtt).toMatch(/\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}/);
    expect(wordsIn(vtt).length).toBeGreaterThanOrEqual(2);

    // Bob shows captions for himself with the `c` shortcut.
    await speaker.page.keyboard.press('c');
    await expect.poll(() => speaker.page.getByTestId('captions-show-toggle').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');
    await speaker.page.getByTestId('caption-overlay').waitFor({ state: 'attached', timeout: 5000 });

    // Bob opts out: the host's transcript panel and overlay say captions are off for him.
    await speaker.page.getByTestId('captions-menu').locator('summary').click();
    await speaker.page.getByTestId('captions-optout').check();
    await expect.poll(() => host.page.getByTestId('transcript-opted-out').textContent().catch(() => ''), { timeout: 5000 }).toContain('Bob');
    await expect.poll(() => host.page.getByTestId('caption-off').textContent().catch(() => ''), { timeout: 10_000 }).toContain('Bob');
    await shot(host.page, 'captions-03-opted-out');

    // The host ends the meeting: the page left behind still offers the transcript.
    await host.page.getByTestId('end-for-all').click();
    await host.page.getByTestId('transcript-links').waitFor({ timeout: 10_000 });
    const [after] = await Promise.all([host.page.waitForEvent('download'), host.page.getByTestId('transcript-link-txt').click()]);
    expect(wordsIn(fs.readFileSync((await after.path())!, 'utf8')).length).toBeGreaterThanOrEqual(2);
    await shot(host.page, 'captions-04-after-the-meeting');
    await speaker.context.close();
    await host.context.close();
  });
});
