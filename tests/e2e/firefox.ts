/**
 * Real Firefox (Debian's firefox-esr, headless) for end-to-end tests, driven by puppeteer-core over
 * WebDriver BiDi, with a fake camera and microphone and a private PulseAudio server whose only
 * sink is a null sink.
 *
 * Why PulseAudio: Firefox only runs an AudioContext against an audio output device. Without one
 * (a container, CI) `resume()` never settles and the context stays 'suspended' forever, so the
 * Web Audio graph never renders. Chromium has a fake output of its own; Firefox does not.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ARTIFACTS } from './browser.ts';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** What this machine lacks for the Firefox tests (empty when they can run). */
export function firefoxMissing(): string[] {
  const missing: string[] = [];
  if (!fs.existsSync(FIREFOX)) missing.push(`${FIREFOX} (apt-get install firefox-esr)`);
  if (spawnSync('pulseaudio', ['--version']).error) missing.push('pulseaudio (apt-get install pulseaudio)');
  return missing;
}

const PREFS = {
  // getUserMedia: Firefox's own fake devices (a moving colour pattern and a tone), no prompt.
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Autoplay of audible media and of Web Audio allowed (0 = allow; 0 = sticky activation policy).
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  // Loopback ICE candidates too (off by default). Not needed where the machine has another
  // interface (here Firefox pairs its eth0 address with the SFU's); needed where it has none.
  // Host candidates stay mDNS-obfuscated, as for real users: the SFU learns them from checks.
  'media.peerconnection.ice.loopback': true,
};

export interface Firefox {
  browser: Browser;
  close(): Promise<void>;
}

/** Headless Firefox with a `width`×`height` window (puppeteer's setViewport is not usable with Firefox 140). */
export async function launchFirefox(size = { width: 1280, height: 800 }): Promise<Firefox> {
  const pulse = await startPulse();
  try {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      // Puppeteer 25's setViewport also sends emulation.setScreenOrientationOverride, which
      // Firefox 140 does not know: size the headless window instead.
      defaultViewport: null,
      env: { ...process.env, ...pulse.clientEnv, MOZ_HEADLESS_WIDTH: String(size.width), MOZ_HEADLESS_HEIGHT: String(size.height) },
      extraPrefsFirefox: PREFS,
    });
    return {
      browser,
      close: async () => {
        await browser.close().catch(() => undefined);
        await pulse.stop();
      },
    };
  } catch (err) {
    await pulse.stop();
    throw err;
  }
}

/**
 * A PulseAudio server of our own with one null sink; its socket, cookie and state, and those of
 * its client (Firefox), live in a temp dir, not in $HOME. Should the test process die without
 * stopping it, it exits by itself two minutes after its last client.
 */
async function startPulse(): Promise<{ clientEnv: Record<string, string>; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-pulse-'));
  const socket = path.join(dir, 'native');
  const child: ChildProcess = spawn(
    'pulseaudio',
    ['-n', '--daemonize=no', '--exit-idle-time=120', '--use-pid-file=no', '--disable-shm=yes', '--load=module-null-sink sink_name=convene_null', `--load=module-native-protocol-unix auth-anonymous=1 socket=${socket}`],
    { env: { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir, XDG_CONFIG_HOME: dir }, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const end = Date.now() + 10_000;
  while (!fs.existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`pulseaudio did not start (exit code ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { clientEnv: { PULSE_SERVER: `unix:${socket}`, PULSE_COOKIE: path.join(dir, 'cookie'), XDG_RUNTIME_DIR: dir }, stop };
}

export async function newFirefoxPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('[firefox page error]', e instanceof Error ? e.message : e));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') console.error(`[firefox ${m.type()}]`, m.text());
  });
  await page.goto(url);
  return page;
}

const byTestId = (id: string) => `[data-testid="${id}"]`;

/** Sign-up form, then the home page (as signUp in browser.ts does for Chromium). */
export async function signUpFirefox(page: Page, handle: string, displayName: string): Promise<void> {
  await page.locator(byTestId('signup-handle')).fill(handle);
  await page.locator(byTestId('signup-display-name')).fill(displayName);
  await page.locator(byTestId('signup-password')).fill('correct horse battery');
  await page.locator(byTestId('signup-submit')).click();
  await page.locator(byTestId('new-meeting')).wait();
}

export async function clickTestId(page: Page, id: string): Promise<void> {
  await page.locator(byTestId(id)).click();
}

export function firefoxShot(page: Page, name: string): Promise<unknown> {
  return page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) as `${string}.png` });
}
