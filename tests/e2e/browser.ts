import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { testServer } from '../support/server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('artifacts/e2e');
export const WEB_DIST = path.resolve('apps/web/dist');

/** The real server serving the built web app (port 0, in-memory data), and Debian's Chromium. */
export async function startE2e(extra: Record<string, string> = {}): Promise<{ server: RunningServer; browser: Browser }> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error('build the web app first (npm run build)');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const server = await testServer({ WEB_DIST, ...extra });
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
  '--autoplay-policy=no-user-gesture-required',
];

/** Debian's Chromium, headless, with a fake camera (test pattern) and microphone (beep). */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** Like launch(), but the fake microphone plays `wav` (looped) instead of the beep. */
export function launchWithAudioFile(wav: string): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, `--use-file-for-fake-audio-capture=${wav}`] });
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
export function inboundStats(page: Page): Promise<{ framesDecoded: number; audioEnergy: number; videoWidth: number }> {
  return page.evaluate(async () => {
    const pc = window.__convene?.session.peerConnections.recv;
    const out = { framesDecoded: 0, audioEnergy: 0, videoWidth: 0 };
    if (!pc) return out;
    const stats = await pc.getStats();
    stats.forEach((s: { type: string; kind?: string; framesDecoded?: number; totalAudioEnergy?: number; frameWidth?: number }) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        out.framesDecoded += s.framesDecoded ?? 0;
        out.videoWidth = Math.max(out.videoWidth, s.frameWidth ?? 0);
      }
      if (s.kind === 'audio') out.audioEnergy += s.totalAudioEnergy ?? 0;
    });
    return out;
  });
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
  return page.evaluate((f) => {
    const hook = window.__conveneSpatial;
    if (!hook) throw new Error('no spatial audio hook on the page');
    return hook.levels(f);
  }, freqs);
}
