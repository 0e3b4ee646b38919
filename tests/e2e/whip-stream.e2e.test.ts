import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { whipPublish, type WhipPublisher } from '../support/whip.ts';
import { newUserPage, shot, signUp, startE2e } from './browser.ts';

/** A free TCP port on loopback, so the server can be told its own public URL (the WHIP URL it hands out). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Inbound audio energy and decoded frames of one participant's tracks on the page's receiving connection. */
function statsOf(page: Page, participantId: string): Promise<{ audioEnergy: number; framesDecoded: number; frameWidth: number }> {
  return page.evaluate(async (id) => {
    const session = window.__convene?.session;
    const out = { audioEnergy: 0, framesDecoded: 0, frameWidth: 0 };
    const pc = session?.peerConnections.recv;
    if (!session || !pc) return out;
    const ids = new Set([...session.remoteTracks.values()].filter((t) => t.participantId === id).map((t) => t.track.id));
    const stats = await pc.getStats();
    stats.forEach((s: { type: string; kind?: string; trackIdentifier?: string; totalAudioEnergy?: number; framesDecoded?: number; frameWidth?: number }) => {
      if (s.type !== 'inbound-rtp' || !s.trackIdentifier || !ids.has(s.trackIdentifier)) return;
      if (s.kind === 'audio') out.audioEnergy += s.totalAudioEnergy ?? 0;
      if (s.kind === 'video') {
        out.framesDecoded += s.framesDecoded ?? 0;
        out.frameWidth = Math.max(out.frameWidth, s.frameWidth ?? 0);
      }
    });
    return out;
  }, participantId);
}

describe('Stream from OBS (WHIP) in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  const pubs: WhipPublisher[] = [];

  beforeAll(async () => {
    const port = await freePort();
    ({ server, browser } = await startE2e({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }));
  });
  afterAll(async () => {
    for (const p of pubs) p.vanish();
    await browser?.close();
    await server?.close();
  });

  const streamSpeaker = (page: Page) =>
    page.evaluate(() => {
      const p = [...window.__convene!.session.participants.values()].find((x) => x.displayName.endsWith('(stream)'));
      return p ? { id: p.id, displayName: p.displayName, handle: p.handle, onStage: p.onStage, sources: p.sources } : null;
    });
  const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

  it('the host creates a stream key in the Space; a WHIP client publishes with it and the listener hears and sees the "(stream)" speaker; a new key revokes the old one', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await host.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signUp(host.page, `ohost_${suffix}`, 'Olive Host');
    await host.page.getByTestId('spaces-link').click();
    await host.page.getByTestId('space-title-input').fill('Live from the studio');
    await host.page.getByTestId('space-start-now').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    const spaceId = new URL(host.page.url()).pathname.split('/').pop()!;
    const hostId = await host.page.evaluate(() => window.__convene!.session.self!.id);

    // The listener joins from the link on a phone-sized screen.
    const listenerCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['camera', 'microphone'] });
    const lp = await listenerCtx.newPage();
    lp.on('pageerror', (e) => console.error('[listener page error]', e.message));
    await lp.goto(server.url);
    await signUp(lp, `olisten_${suffix}`, 'Lee Listener');
    await lp.goto(`${server.url}/s/${spaceId}`);
    await lp.getByTestId('space-join').click();
    await lp.getByTestId('request-speak').waitFor({ timeout: 15_000 });
    // Listeners have no way to stream.
    expect(await lp.getByTestId('stream-open').count()).toBe(0);

    // ---- The dialog: labelled, focus inside, nothing issued yet ----
    const dialog = host.page.getByTestId('stream-dialog');
    await host.page.getByTestId('stream-open').click();
    await dialog.waitFor({ state: 'visible', timeout: 5000 });
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open && d.matches(':modal'))).toBe(true);
    expect(await host.page.getByRole('dialog', { name: 'Stream from OBS' }).count()).toBe(1);
    expect(await focusedTestId(host.page)).toBe('stream-create');
    expect(await host.page.getByTestId('stream-create').textContent()).toBe('Create stream key');
    expect(await host.page.getByTestId('stream-vp8').textContent()).toContain('VP8');
    expect(await host.page.getByTestId('stream-key').count()).toBe(0);
    // Esc closes it and focus returns to the button that opened it.
    await host.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5000 });
    expect(await focusedTestId(host.page)).toBe('stream-open');
    expect(await host.page.getByTestId('mic-toggle').count()).toBe(1); // still in the room

    // ---- Create a key: the URL and the masked key, Show, Copy, the OBS steps ----
    await host.page.getByTestId('stream-open').click();
    await host.page.getByTestId('stream-create').click();
    await host.page.getByTestId('stream-key').waitFor({ timeout: 10_000 });
    expect(await host.page.getByTestId('stream-create').textContent()).toBe('Create a new key');
    expect(await host.page.getByTestId('stream-key').getAttribute('type')).toBe('password');
    expect(await host.page.getByTestId('stream-steps').locator('li').count()).toBe(3);
    await shot(host.page, 'whip-01-host-dialog-key');
    await host.page.getByTestId('stream-show-key').click();
    expect(await host.page.getByTestId('stream-key').getAttribute('type')).toBe('text');
    const whipUrl = await host.page.getByTestId('stream-url').inputValue();
    const key1 = await host.page.getByTestId('stream-key').inputValue();
    expect(whipUrl).toBe(`${server.url}/whip/${spaceId}`);
    expect(key1.length).toBeGreaterThanOrEqual(20);
    await host.page.getByTestId('stream-copy-key').click();
    await expect.poll(() => host.page.getByTestId('stream-notice').textContent(), { timeout: 5000 }).toBe('Stream key copied.');
    expect(await host.page.evaluate(() => navigator.clipboard.readText())).toBe(key1);
    await host.page.getByTestId('stream-copy-url').click();
    await expect.poll(() => host.page.getByTestId('stream-notice').textContent(), { timeout: 5000 }).toBe('Server URL copied.');
    expect(await host.page.evaluate(() => navigator.clipboard.readText())).toBe(whipUrl);
    // On a phone the dialog fits the screen.
    await host.page.setViewportSize({ width: 390, height: 844 });
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await shot(host.page, 'whip-02-host-dialog-phone');
    await host.page.setViewportSize({ width: 1280, height: 800 });
    await host.page.getByTestId('stream-close').click();
    await dialog.waitFor({ state: 'detached', timeout: 5000 });

    // ---- An encoder publishes with that URL and key ----
    const pub = await whipPublish(whipUrl, key1, { frequency: 660, video: true });
    pubs.push(pub);
    expect(pub.status).toBe(201);
    await expect.poll(() => streamSpeaker(lp), { timeout: 15_000 }).toMatchObject({ displayName: 'Olive Host (stream)', handle: `ohost_${suffix}`, onStage: true });
    const sid = (await streamSpeaker(lp))!.id;
    // On the listener's stage like any speaker, with its video on the big tile.
    await lp.locator(`[data-testid="seat"][data-participant-id="${sid}"]`).waitFor({ timeout: 10_000 });
    expect(await lp.locator(`[data-testid="seat"][data-participant-id="${sid}"] .seat-name`).textContent()).toBe('Olive Host (stream)');
    await expect.poll(() => lp.getByTestId('seat').evaluateAll((els) => els.map((e) => e.getAttribute('data-participant-id')).sort()), { timeout: 10_000 }).toEqual([hostId, sid].sort());
    await expect
      .poll(() => lp.getByTestId('main-tile').locator('[data-testid="tile"]').getAttribute('data-participant-id', { timeout: 1000 }).catch(() => null), { timeout: 15_000 })
      .toBe(sid);
    // Heard and seen: the stream's own inbound audio has energy and its frames keep decoding.
    await expect.poll(async () => (await statsOf(lp, sid)).audioEnergy, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await statsOf(lp, sid)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(10);
    const before = (await statsOf(lp, sid)).framesDecoded;
    await expect.poll(async () => (await statsOf(lp, sid)).framesDecoded, { timeout: 10_000 }).toBeGreaterThan(before + 10);
    expect((await statsOf(lp, sid)).frameWidth).toBe(320);
    expect(await lp.getByTestId('main-tile').locator('video').count()).toBe(1);
    // The host sees it too, and is still in the Space as themself.
    await host.page.locator(`[data-testid="seat"][data-participant-id="${sid}"]`).waitFor({ timeout: 10_000 });
    expect(await host.page.evaluate(() => window.__convene!.session.state)).toBe('joined');
    await shot(lp, 'whip-03-listener-stream-phone');
    await shot(host.page, 'whip-04-host-stream');

    // ---- A new key: the old one stops working ----
    await host.page.getByTestId('stream-open').click();
    await dialog.waitFor({ state: 'visible', timeout: 5000 });
    // The key issued in this tab is shown again (masked), with the warning.
    expect(await host.page.getByTestId('stream-key').inputValue()).toBe(key1);
    expect(await host.page.getByTestId('stream-key').getAttribute('type')).toBe('password');
    expect(await dialog.textContent()).toContain('the old key stops working');
    await host.page.getByTestId('stream-create').click();
    await expect.poll(() => host.page.getByTestId('stream-key').inputValue(), { timeout: 10_000 }).not.toBe(key1);
    const key2 = await host.page.getByTestId('stream-key').inputValue();
    expect(await host.page.getByTestId('stream-error').count()).toBe(0);
    await shot(host.page, 'whip-05-host-new-key');
    const refused = await whipPublish(whipUrl, key1, { video: false });
    expect(refused.status).toBe(401);

    // ---- The encoder stops (DELETE): the speaker leaves the stage ----
    expect(await pub.stop()).toBe(200);
    await expect.poll(() => streamSpeaker(lp), { timeout: 10_000 }).toBeNull();
    await expect.poll(() => lp.locator(`[data-testid="seat"][data-participant-id="${sid}"]`).count(), { timeout: 10_000 }).toBe(0);

    // ---- Revoke: the new key stops working too ----
    await host.page.getByTestId('stream-revoke').click();
    await expect.poll(() => host.page.getByTestId('stream-notice').textContent(), { timeout: 5000 }).toContain('revoked');
    expect(await host.page.getByTestId('stream-key').count()).toBe(0);
    expect(await host.page.getByTestId('stream-create').textContent()).toBe('Create stream key');
    expect(await focusedTestId(host.page)).toBe('stream-create');
    expect((await whipPublish(whipUrl, key2, { video: false })).status).toBe(401);
    await shot(host.page, 'whip-06-host-revoked');
    // A failure is said politely, in the dialog, and the next try works.
    await host.page.route('**/stream-key', (route) => route.abort('connectionrefused'));
    await host.page.getByTestId('stream-create').click();
    await expect.poll(() => host.page.getByTestId('stream-error').textContent({ timeout: 1000 }).catch(() => null), { timeout: 5000 }).toBe('Could not create a stream key. The server could not be reached. Check your connection and try again.');
    expect(await host.page.getByTestId('stream-key').count()).toBe(0);
    await host.page.unroute('**/stream-key');
    await host.page.getByTestId('stream-create').click();
    await host.page.getByTestId('stream-key').waitFor({ timeout: 10_000 });
    expect(await host.page.getByTestId('stream-error').count()).toBe(0);
    await host.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5000 });

    await listenerCtx.close();
    await host.context.close();
  }, 150_000);

  it('a meeting host finds "Stream from OBS…" before joining and in the room (same key); a guest does not', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await signUp(host.page, `mhost_${suffix}`, 'Mia Host');
    await host.page.getByTestId('new-title').fill('Launch review');
    await host.page.getByTestId('new-meeting').click();
    await host.page.getByTestId('join-button').waitFor({ timeout: 10_000 });
    await expect.poll(() => host.page.getByTestId('meeting-title').textContent(), { timeout: 5000 }).toBe('Launch review');
    const link = host.page.url();
    const meetingId = new URL(link).pathname.split('/').pop()!;

    // Pre-join: create a key there.
    await host.page.getByTestId('stream-open').click();
    expect(await host.page.getByTestId('stream-dialog').textContent()).toContain('into this meeting');
    await host.page.getByTestId('stream-create').click();
    await host.page.getByTestId('stream-key').waitFor({ timeout: 10_000 });
    const key = await host.page.getByTestId('stream-key').inputValue();
    expect(await host.page.getByTestId('stream-url').inputValue()).toBe(`${server.url}/whip/${meetingId}`);
    await host.page.keyboard.press('Escape');
    await host.page.getByTestId('stream-dialog').waitFor({ state: 'detached', timeout: 5000 });

    // In the room: the same key is still shown, and it works.
    await host.page.getByTestId('join-button').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    await host.page.getByTestId('stream-open').click();
    expect(await host.page.getByTestId('stream-key').inputValue()).toBe(key);
    await shot(host.page, 'whip-07-meeting-host-dialog');
    await host.page.getByTestId('stream-close').click();
    const pub = await whipPublish(`${server.url}/whip/${meetingId}`, key, { video: false });
    pubs.push(pub);
    expect(pub.status).toBe(201);
    await expect.poll(() => streamSpeaker(host.page), { timeout: 15_000 }).toMatchObject({ displayName: 'Mia Host (stream)' });
    await host.page.locator(`[data-testid="tile"][data-participant-id="${(await streamSpeaker(host.page))!.id}"]`).first().waitFor({ timeout: 10_000 });
    expect(await pub.stop()).toBe(200);

    // A guest has no such control, before or after joining.
    const guest = await newUserPage(browser, server.url);
    await signUp(guest.page, `mguest_${suffix}`, 'Gus Guest');
    await guest.page.goto(link);
    await guest.page.getByTestId('join-button').waitFor({ timeout: 10_000 });
    expect(await guest.page.getByTestId('stream-open').count()).toBe(0);
    await guest.page.getByTestId('join-button').click();
    await guest.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    expect(await guest.page.getByTestId('stream-open').count()).toBe(0);
    await guest.context.close();
    await host.context.close();
  }, 90_000);
});
