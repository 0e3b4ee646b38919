import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { inboundStats, newUserPage, shot, signUp, startE2e } from './browser.ts';


describe('two people meet in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let bot: Bot | undefined;

  beforeAll(async () => {
    ({ server, browser } = await startE2e());
  });
  afterAll(async () => {
    await bot?.close();
    await browser?.close();
    await server?.close();
  });

  const mainTileId = (page: Page) => page.getByTestId('main-tile').locator('[data-testid="tile"]').getAttribute('data-participant-id', { timeout: 2000 }).catch(() => null);

  it('schedule with a code, join through the UI, see and hear each other, notifications, pin and spotlight', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await signUp(host.page, `alice_${suffix}`, 'Alice');
    // Schedule a meeting for tomorrow with a code.
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await host.page.getByTestId('schedule-title').fill('Design review');
    await host.page.getByTestId('schedule-starts').fill(local);
    await host.page.getByTestId('schedule-code').fill('blue-42');
    await host.page.getByTestId('schedule-submit').click();
    const link = (await host.page.getByTestId('meeting-link').first().textContent({ timeout: 10_000 }))!.trim();
    expect(link).toMatch(/\/m\/[A-Za-z0-9_-]{22}$/);
    await shot(host.page, '01-host-home');
    const meetingPath = new URL(link).pathname;

    // The guest signs up and joins through the UI with the code (a wrong one first).
    const guest = await newUserPage(browser, server.url);
    await signUp(guest.page, `bob_${suffix}`, 'Bob');
    await guest.page.goto(`${server.url}${meetingPath}`);
    await guest.page.getByTestId('code-input').fill('wrong-code');
    await guest.page.getByTestId('join-button').click();
    await expect.poll(() => guest.page.getByTestId('join-error').textContent(), { timeout: 10_000 }).toContain('code is wrong');
    await guest.page.getByTestId('code-input').fill('blue-42');
    await guest.page.getByTestId('join-button').click();
    await guest.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });

    // The host joins (no code needed, and sees the title); the guest is told.
    await host.page.goto(`${server.url}${meetingPath}`);
    await expect.poll(() => host.page.getByTestId('meeting-title').textContent(), { timeout: 5000 }).toBe('Design review');
    await host.page.getByTestId('join-button').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    await expect.poll(() => guest.page.getByTestId('toast').allTextContents(), { timeout: 10_000 }).toContainEqual('Alice joined');

    // On failure, print each side's media state to make the cause obvious.
    const debug = async () => { for (const p of [host.page, guest.page]) console.log(await p.evaluate(() => { const s = window.__convene!.session; return JSON.stringify({ send: s.peerConnections.send?.connectionState, recv: s.peerConnections.recv?.connectionState, tracks: [...s.remoteTracks.values()].map((t) => t.kind + ':' + t.track.readyState + ':' + t.track.muted), self: s.self?.sources, others: [...s.participants.values()].map((p) => p.displayName + ":" + p.sources.join("+")) }); }).catch((e) => String(e))); };
    // Media flows both ways: remote video frames decoded and remote audio heard.
    for (const p of [host.page, guest.page]) {
      try {
        await expect.poll(async () => (await inboundStats(p)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(30);
      } catch (e) {
        await debug();
        throw e;
      }
      await expect.poll(async () => (await inboundStats(p)).audioEnergy, { timeout: 20_000 }).toBeGreaterThan(0);
    }
    // Camera off on the guest's side: the host stops receiving frames and sees the camera off;
    // camera on (a freshly opened device): frames flow again.
    await guest.page.getByTestId('camera-toggle').click();
    const bobIdEarly = await guest.page.evaluate(() => window.__convene!.session.self!.id);
    await expect
      .poll(() => host.page.evaluate((id) => window.__convene!.session.participants.get(id)?.sources.includes('camera'), bobIdEarly), { timeout: 5000 })
      .toBe(false);
    await guest.page.getByTestId('camera-toggle').click();
    await expect
      .poll(() => host.page.evaluate((id) => window.__convene!.session.participants.get(id)?.sources.includes('camera'), bobIdEarly), { timeout: 5000 })
      .toBe(true);
    const before = await inboundStats(host.page);
    await expect.poll(async () => (await inboundStats(host.page)).framesDecoded, { timeout: 10_000 }).toBeGreaterThan(before.framesDecoded + 30);
    await shot(host.page, '02-host-in-meeting');
    await shot(guest.page, '03-guest-in-meeting');

    // A third participant (Node bot through the SDK) joins; then pin and spotlight drive the main tile.
    const carol = await createUser(server.url, 'carol');
    bot = await Bot.join(server.url, carol, new URL(link).pathname.split('/').pop()!, { code: 'blue-42' });
    const carolId = bot.session.self!.id;
    const received: string[] = [];
    bot.session.on('chat', (m) => received.push(m.text));
    const bobId = await guest.page.evaluate(() => window.__convene!.session.self!.id);
    await expect.poll(() => host.page.getByTestId('tile').count(), { timeout: 10_000 }).toBe(3);
    expect(await mainTileId(host.page)).not.toBe(await host.page.evaluate(() => window.__convene!.session.self!.id));

    await host.page.getByTestId('people-toggle').click();
    await host.page.getByTestId(`pin-${carolId}`).click();
    await expect.poll(() => mainTileId(host.page), { timeout: 5000 }).toBe(carolId);
    await host.page.getByTestId(`spotlight-${bobId}`).click();
    await expect.poll(() => mainTileId(host.page), { timeout: 5000 }).toBe(bobId); // spotlight beats pin
    await expect.poll(() => bot!.session.room?.spotlightId, { timeout: 5000 }).toBe(bobId); // for everyone
    await shot(host.page, '04-host-spotlight');

    // Chat: a message while the panel is closed shows an unread badge; opening the panel shows it.
    await bot.session.sendChat('hello from Carol');
    await expect.poll(() => host.page.getByTestId('unread').textContent(), { timeout: 5000 }).toContain('1');
    await host.page.getByTestId('chat-toggle').click();
    await expect.poll(() => host.page.getByTestId('chat-message').allTextContents(), { timeout: 5000 }).toContainEqual(expect.stringContaining('hello from Carol'));
    await expect.poll(() => host.page.getByTestId('unread').count()).toBe(0);
    await host.page.getByTestId('chat-input').fill('hi Carol');
    await host.page.getByTestId('chat-input').press('Enter');
    await eventually(() => received.includes('hi Carol'), 5000, 'the bot receives the host’s reply');
    await host.page.getByTestId('people-toggle').click(); // back to the people panel (activity list)

    // Leave notification.
    await bot.close();
    bot = undefined;
    await expect.poll(() => host.page.getByTestId('toast').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringMatching(/left$/));
    await expect.poll(() => host.page.getByTestId('activity').textContent(), { timeout: 5000 }).toMatch(/joined[\s\S]*left/);
    await shot(host.page, '05-host-after-leave');

    // Phone-sized layout still shows the meeting and its controls.
    await guest.page.setViewportSize({ width: 390, height: 844 });
    await guest.page.getByTestId('leave').waitFor();
    await shot(guest.page, '06-guest-phone');
  });
});
