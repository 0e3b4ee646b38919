import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { getUserMediaLog, inboundStats, newUserPage, recordGetUserMedia, shot, signUp, startE2e } from './browser.ts';


describe('Spaces and seminar mode in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startE2e());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const selfId = (page: Page) => page.evaluate(() => window.__convene!.session.self!.id);
  const selfSources = (page: Page) => page.evaluate(() => window.__convene!.session.self?.sources ?? []);
  const mainTileId = (page: Page) =>
    page.getByTestId('main-tile').locator('[data-testid="tile"]').getAttribute('data-participant-id', { timeout: 1000 }).catch(() => null);
  const remoteKinds = (page: Page, participantId: string) =>
    page.evaluate((id) => [...window.__convene!.session.remoteTracks.values()].filter((t) => t.participantId === id).map((t) => t.kind).sort(), participantId);

  it('host starts a Space; a listener hears it without a microphone, asks to speak, speaks with video on the host’s big tile, and goes back', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await signUp(host.page, `hana_${suffix}`, 'Hana Host');
    await host.page.getByTestId('spaces-link').click();
    await host.page.getByTestId('space-title-input').fill('Friday AMA');
    await host.page.getByTestId('space-topic-input').fill('Ask us anything about Convene');
    await host.page.getByTestId('space-start-now').click();
    // The host is on stage at once: microphone opened and published.
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    await expect.poll(() => selfSources(host.page), { timeout: 10_000 }).toContain('microphone');
    const spaceId = new URL(host.page.url()).pathname.split('/').pop()!;
    const hostId = await selfId(host.page);

    // The listener finds it in the live list and listens.
    const listener = await browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['camera', 'microphone'] });
    await recordGetUserMedia(listener);
    const lp = await listener.newPage();
    lp.on('pageerror', (e) => console.error('[listener page error]', e.message));
    await lp.goto(server.url);
    await signUp(lp, `leo_${suffix}`, 'Leo Listener');
    await lp.getByTestId('spaces-link').click();
    await expect.poll(() => lp.getByTestId(`listen-${spaceId}`).count(), { timeout: 10_000 }).toBe(1);
    expect(await lp.getByTestId('live-space').first().textContent()).toContain('Friday AMA');
    await lp.getByTestId(`listen-${spaceId}`).click();
    await lp.getByTestId('request-speak').waitFor({ timeout: 15_000 });
    const leoId = await selfId(lp);

    // Hears the host, never opened a device, sees the stage and the listener count.
    await expect.poll(async () => (await inboundStats(lp)).audioEnergy, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await lp.evaluate(() => window.__convene!.session.peerConnections.send)).toBeNull();
    expect((await getUserMediaLog(lp)).calls).toEqual([]);
    await expect.poll(() => lp.getByTestId('listener-count').textContent(), { timeout: 5000 }).toBe('1 listening');
    await expect.poll(() => lp.getByTestId('seat').evaluateAll((els) => els.map((e) => e.getAttribute('data-participant-id')))).toEqual([hostId]);
    await expect.poll(() => host.page.getByTestId('listener-count').textContent(), { timeout: 5000 }).toBe('1 listening');

    // Request to speak; the host sees it in the queue and approves.
    await lp.getByTestId('request-speak').click();
    await expect.poll(() => lp.getByTestId('request-speak').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');
    await expect.poll(() => host.page.getByTestId('requests-count').textContent(), { timeout: 5000 }).toBe('1 request');
    await host.page.getByTestId('people-toggle').click();
    await expect.poll(() => host.page.getByTestId('speak-request').getAttribute('data-participant-id'), { timeout: 5000 }).toBe(leoId);
    await host.page.getByTestId(`approve-${leoId}`).click();

    // On stage: only now the microphone is opened and published; then the camera.
    await lp.getByTestId('mic-toggle').waitFor({ timeout: 10_000 });
    await expect.poll(() => selfSources(lp), { timeout: 10_000 }).toContain('microphone');
    expect((await getUserMediaLog(lp)).calls).toEqual(['audio']);
    await expect.poll(async () => (await inboundStats(host.page)).audioEnergy, { timeout: 15_000 }).toBeGreaterThan(0);
    await lp.getByTestId('camera-toggle').click();
    await expect.poll(() => selfSources(lp), { timeout: 10_000 }).toContain('camera');

    // The host's big tile shows the new speaker's video (never the host's own), frames flow, and
    // the stage marks whoever the server hears as the active speaker.
    await expect.poll(() => mainTileId(host.page), { timeout: 15_000 }).toBe(leoId);
    const before = (await inboundStats(host.page)).framesDecoded;
    await expect.poll(async () => (await inboundStats(host.page)).framesDecoded, { timeout: 15_000 }).toBeGreaterThan(before + 20);
    const speaking = await host.page.evaluate(() => window.__convene!.session.room?.activeSpeakerId ?? null);
    if (speaking) expect(await host.page.locator(`[data-testid="seat"][data-participant-id="${speaking}"]`).getAttribute('data-speaking')).toBe('true');
    // Reactions float on everyone's screen.
    await lp.getByTestId('react-👏').click();
    await expect.poll(() => host.page.getByTestId('floater').count(), { timeout: 5000 }).toBeGreaterThan(0);
    await shot(host.page, 'spaces-01-host-stage');
    await shot(lp, 'spaces-02-speaker-phone');

    // Back to the audience: media withdrawn, devices released, the request button is back.
    await host.page.getByTestId(`to-listeners-${leoId}`).click();
    await lp.getByTestId('request-speak').waitFor({ timeout: 10_000 });
    await expect.poll(() => remoteKinds(host.page, leoId), { timeout: 10_000 }).toEqual([]);
    await expect.poll(async () => (await getUserMediaLog(lp)).live, { timeout: 5000 }).toEqual([]);
    expect(await lp.evaluate(() => window.__convene!.session.state)).toBe('joined');
    await expect.poll(() => lp.getByTestId('listener-count').textContent(), { timeout: 5000 }).toBe('1 listening');
    await shot(lp, 'spaces-03-listener-phone');
    await listener.close();
    await host.context.close();
  });

  it('seminar: the host switches with no panelists, the guest’s camera stops, then the guest asks and is brought back with mic and camera restored', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await signUp(host.page, `sam_${suffix}`, 'Sam Host');
    await host.page.getByTestId('new-meeting').click();
    await host.page.getByTestId('join-button').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    const meetingPath = new URL(host.page.url()).pathname;

    const guestContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone'] });
    await recordGetUserMedia(guestContext);
    const guest = { context: guestContext, page: await guestContext.newPage() };
    await guest.page.goto(server.url);
    await signUp(guest.page, `gia_${suffix}`, 'Gia Guest');
    await guest.page.goto(`${server.url}${meetingPath}`);
    await guest.page.getByTestId('join-button').click();
    await guest.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    const guestId = await selfId(guest.page);
    await expect.poll(async () => (await inboundStats(host.page)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(20);

    // Switch to seminar, unticking the guest (ticked by default: the camera is on).
    await host.page.getByTestId('people-toggle').click();
    await host.page.getByTestId('seminar-open').click();
    expect(await host.page.getByTestId(`panelist-${guestId}`).isChecked()).toBe(true);
    await host.page.getByTestId(`panelist-${guestId}`).uncheck();
    await host.page.getByTestId('seminar-start').click();
    await guest.page.getByTestId('seminar-banner').waitFor({ timeout: 10_000 });
    await guest.page.getByTestId('ask-to-speak').waitFor();
    expect(await guest.page.getByTestId('mic-toggle').count()).toBe(0);
    await expect.poll(() => remoteKinds(host.page, guestId), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => guest.page.evaluate(() => window.__convene!.session.peerConnections.send?.getSenders().filter((s) => s.track).length ?? 0), { timeout: 5000 }).toBe(0);
    const watching = (await inboundStats(guest.page)).framesDecoded;
    await expect.poll(async () => (await inboundStats(guest.page)).framesDecoded, { timeout: 10_000 }).toBeGreaterThan(watching + 10); // still watches the host
    await shot(guest.page, 'spaces-04-seminar-attendee');

    // The guest asks to speak; the host brings them on stage: mic and camera come back as they were.
    await guest.page.getByTestId('ask-to-speak').click();
    await host.page.getByTestId(`approve-${guestId}`).click({ timeout: 10_000 });
    await guest.page.getByTestId('mic-toggle').waitFor({ timeout: 10_000 });
    await expect.poll(() => selfSources(guest.page), { timeout: 15_000 }).toEqual(expect.arrayContaining(['microphone', 'camera']));
    await expect.poll(() => remoteKinds(host.page, guestId), { timeout: 10_000 }).toEqual(['audio', 'video']);
    const back = (await inboundStats(host.page)).framesDecoded;
    await expect.poll(async () => (await inboundStats(host.page)).framesDecoded, { timeout: 15_000 }).toBeGreaterThan(back + 20);

    // Back to a meeting: nobody rejoined, the banner is gone.
    await host.page.getByTestId('seminar-end').click();
    await expect.poll(() => guest.page.getByTestId('seminar-banner').count(), { timeout: 5000 }).toBe(0);
    expect(await selfId(guest.page)).toBe(guestId);

    // Camera off, then a seminar again (the guest is no longer a default panelist) and back to a
    // meeting: the microphone comes back on, the camera stays off until the guest turns it on.
    await guest.page.getByTestId('camera-toggle').click();
    await expect.poll(() => selfSources(guest.page), { timeout: 5000 }).toEqual(['microphone']);
    await host.page.getByTestId('seminar-open').click();
    expect(await host.page.getByTestId(`panelist-${guestId}`).isChecked()).toBe(false);
    await host.page.getByTestId('seminar-start').click();
    await guest.page.getByTestId('ask-to-speak').waitFor({ timeout: 10_000 });
    await expect.poll(() => remoteKinds(host.page, guestId), { timeout: 10_000 }).toEqual([]);
    await host.page.getByTestId('seminar-end').click();
    await guest.page.getByTestId('mic-toggle').waitFor({ timeout: 10_000 });
    await expect.poll(() => selfSources(guest.page), { timeout: 10_000 }).toEqual(['microphone']);
    await expect.poll(async () => (await getUserMediaLog(guest.page)).live, { timeout: 5000 }).toEqual(['audio']);
    await guest.page.getByTestId('camera-toggle').click();
    await expect.poll(() => selfSources(guest.page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['microphone', 'camera']));
    const again = (await inboundStats(host.page)).framesDecoded;
    await expect.poll(async () => (await inboundStats(host.page)).framesDecoded, { timeout: 15_000 }).toBeGreaterThan(again + 20);
    await shot(host.page, 'spaces-05-seminar-host');
    await guest.context.close();
    await host.context.close();
  });
});
