import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { testServer } from '../support/server.ts';
import { inboundTotals, mixLevels, type InboundTotals } from './pageProbes.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('artifacts/e2e');
export const WEB_DIST = path.resolve('apps/web/dist');

/** The real server serving the built web app (port 0, in-memory data). */
export async function startWebServer(extra: Record<string, string> = {}): Promise<RunningServer> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error('build the web app first (npm run build)');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return testServer({ WEB_DIST, ...extra });
}

/** startWebServer(), and Debian's Chromium. */
export async function startE2e(extra: Record<string, string> = {}): Promise<{ server: RunningServer; browser: Browser }> {
  const server = await startWebServer(extra);
  return { server, browser: await launch() };
}

/** A screenshot saved as a test artifact. */
export function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];
const AUTOPLAY = 'no-user-gesture-required';

/**
 * Debian's Chromium, headless, with a fake camera (test pattern) and microphone (beep). Media
 * may play without a user gesture unless `autoplayPolicy` says otherwise (see withoutGesture()).
 */
export function launch(autoplayPolicy = AUTOPLAY): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, `--autoplay-policy=${autoplayPolicy}`] });
}

/** Like launch(), but the fake microphone plays `wav` (looped) instead of the beep. */
export function launchWithAudioFile(wav: string): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, `--autoplay-policy=${AUTOPLAY}`, `--use-file-for-fake-audio-capture=${wav}`] });
}

export async function newUserPage(browser: Browser, baseUrl: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.error(`[page ${m.type()}]`, m.text());
  });
  await page.goto(baseUrl);
  return { context, page };
}

export async function signUp(page: Page, handle: string, displayName: string): Promise<void> {
  await page.getByTestId('signup-handle').fill(handle);
  await page.getByTestId('signup-display-name').fill(displayName);
  await page.getByTestId('signup-password').fill('correct horse battery');
  await page.getByTestId('signup-submit').click();
  await page.getByTestId('new-meeting').waitFor();
}

/** Inbound RTP totals on the page's receiving peer connection. */
export function inboundStats(page: Page): Promise<InboundTotals> {
  return page.evaluate(inboundTotals);
}

/** Signs in to an existing account from the sign-in form (a second device of the same person). */
export async function signIn(page: Page, handle: string): Promise<void> {
  await page.getByRole('button', { name: 'Already have an account? Sign in' }).click();
  await page.getByTestId('signin-handle').fill(handle);
  await page.getByTestId('signin-password').fill('correct horse battery');
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('new-meeting').waitFor();
}

type GumLog = { calls: string[]; tracks: MediaStreamTrack[] };

/** Records every getUserMedia call in the context's pages (and the tracks it returned). */
export async function recordGetUserMedia(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const md = navigator.mediaDevices;
    const log: GumLog = { calls: [], tracks: [] };
    (window as unknown as { __gum: GumLog }).__gum = log;
    const orig = md.getUserMedia.bind(md);
    md.getUserMedia = async (c?: MediaStreamConstraints) => {
      log.calls.push(c?.audio && c.video ? 'audio+video' : c?.audio ? 'audio' : 'video');
      const s = await orig(c);
      log.tracks.push(...s.getTracks());
      return s;
    };
  });
}

/** What recordGetUserMedia saw: the kinds asked for, and which returned tracks are still live. */
export function getUserMediaLog(page: Page): Promise<{ calls: string[]; live: string[] }> {
  return page.evaluate(() => {
    const log = (window as unknown as { __gum?: GumLog }).__gum;
    return { calls: log?.calls ?? [], live: (log?.tracks ?? []).filter((t) => t.readyState === 'live').map((t) => t.kind) };
  });
}

/** Spatial audio on the page: left/right level (dB) of the final mix at each frequency, and the voices. */
export function spatialLevels(page: Page, freqs: number[]) {
  return page.evaluate(mixLevels, freqs);
}

/**
 * Evaluates `fn(arg)` in the page the way page code runs, without a user gesture. Playwright's
 * page.evaluate() and its locators (waitFor, click…) evaluate with CDP `userGesture: true`, which
 * gives the page user activation, so a test of autoplay rules must not touch the page through them
 * before its first real click. Values are returned as JSON (±Infinity become null).
 */
export async function withoutGesture<A, R>(context: BrowserContext, page: Page, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  const cdp = await context.newCDPSession(page);
  try {
    const r = await cdp.send('Runtime.evaluate', { expression: `(${fn.toString()})(${JSON.stringify(arg)})`, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`in page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as R;
  } finally {
    await cdp.detach();
  }
}
