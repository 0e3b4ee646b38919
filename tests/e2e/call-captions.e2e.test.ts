/**
 * Live captions in a 1:1 call, in real Chromium: Alice (whose fake microphone says a flite
 * sentence) calls Bob from their DM; Bob answers and turns captions on, which either side of a
 * call may do; Bob reads Alice's words live, attributed to her, and in the transcript.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { fliteWavFile } from '../support/speech.ts';
import { bestLine, captionsReady, SENTENCE } from './captionProbes.ts';
import { launchWithAudioFile, newUserPage, shot, signUp, startE2e } from './browser.ts';

const ready = captionsReady('call captions e2e');

describe.skipIf(!ready)('live captions in a call, in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let speakingBrowser: Browser;
  let tmp = '';

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'call-captions-'));
    ({ server, browser } = await startE2e({ SFU_WORKERS: '1' }));
    speakingBrowser = await launchWithAudioFile(fliteWavFile(SENTENCE, path.join(tmp, 'sentence.wav')));
  });
  afterAll(async () => {
    await speakingBrowser?.close();
    await browser?.close();
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the callee turns captions on and reads the caller’s words live, attributed, and in the transcript', async () => {
    const suffix = String(Date.now() % 100000);
    const [aliceHandle, bobHandle] = [`ccal_a_${suffix}`, `ccal_b_${suffix}`];
    const alice = (await newUserPage(speakingBrowser, server.url)).page;
    await signUp(alice, aliceHandle, 'Alice');
    const bob = (await newUserPage(browser, server.url)).page;
    await signUp(bob, bobHandle, 'Bob');

    // Alice opens a DM with Bob; Bob follows her (who may call him by default: people he follows).
    await alice.getByTestId('messages-link').click();
    await alice.getByTestId('new-dm').click();
    await alice.getByTestId('new-dm-handle').fill(bobHandle);
    await alice.getByTestId('new-conv-submit').click();
    await expect.poll(() => alice.getByTestId('conversation-title').textContent(), { timeout: 10_000 }).toBe('Bob');
    await alice.getByTestId('composer').fill('Can I call?');
    await alice.getByTestId('composer').press('Enter');
    await bob.getByTestId('messages-link').click();
    await expect.poll(() => bob.getByTestId('conversation-item').count(), { timeout: 10_000 }).toBe(1);
    await bob.getByTestId('conversation-item').click();
    await bob.getByTestId('info-toggle').click();
    await bob.getByTestId('follow-toggle').click();
    await expect.poll(() => bob.getByTestId('follow-toggle').textContent(), { timeout: 10_000 }).toBe('Unfollow');

    // Alice calls (audio); Bob answers.
    await alice.getByTestId('call-audio').click();
    await bob.getByTestId('incoming-call').waitFor({ timeout: 10_000 });
    await bob.getByTestId('incoming-accept').click();
    const joined = (p: Page) => p.evaluate(() => window.__conveneInbox?.calls?.current?.session?.state ?? 'none');
    await expect.poll(() => joined(bob), { timeout: 15_000 }).toBe('joined');
    await expect.poll(() => joined(alice), { timeout: 15_000 }).toBe('joined');
    const aliceId = await alice.evaluate(() => window.__convene!.session.self!.id);

    // Bob (the callee, not a host) turns captions on for the call; his overlay shows them.
    await bob.getByTestId('captions-toggle').click();
    await expect.poll(() => bob.getByTestId('captions-toggle').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');
    await bob.getByTestId('caption-overlay').waitFor({ state: 'attached', timeout: 5000 });
    // Alice sees that captions are on, and may show them too.
    await expect.poll(() => alice.getByTestId('captions-toggle').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');

    const started = Date.now();
    let seen = { words: 0, text: '' };
    await expect.poll(async () => (seen = await bestLine(bob, 'caption-line', aliceId)).words, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(3);
    console.log(`[call captions e2e] callee's overlay after ${Date.now() - started} ms: "${seen.text}"`);
    expect(seen.text.startsWith('Alice:')).toBe(true);
    await shot(bob, 'call-captions-01-overlay');

    await bob.getByTestId('transcript-toggle').click();
    await expect.poll(async () => (await bestLine(bob, 'transcript-line', aliceId)).words, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect((await bestLine(bob, 'transcript-line', aliceId)).text).toContain('Alice');
    await shot(bob, 'call-captions-02-transcript');

    await alice.getByTestId('leave').click();
    await expect.poll(() => bob.getByTestId('call-screen').count(), { timeout: 10_000 }).toBe(0);
  }, 150_000);
});
