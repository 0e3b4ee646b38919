import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { inboundStats, newUserPage, signIn, shot, signUp, startE2e } from './browser.ts';


describe('messages and calls in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startE2e());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const threadTexts = (page: Page) => page.getByTestId('thread').getByTestId('message').allTextContents();
  const inCallState = (page: Page) =>
    page.evaluate(() => {
      const calls = window.__conveneInbox?.calls;
      return calls?.current ? `${calls.current.phase}:${calls.current.session?.state ?? 'none'}` : 'idle';
    });

  it('DM live, a video call rings both of Bob’s devices, one answers, both see and hear, hang-up leaves a record; call rules; audio → video', async () => {
    const suffix = String(Date.now() % 100000);
    const [aliceHandle, bobHandle] = [`alice_${suffix}`, `bob_${suffix}`];
    const alice = (await newUserPage(browser, server.url)).page;
    await signUp(alice, aliceHandle, 'Alice');
    const bob = (await newUserPage(browser, server.url)).page;
    await signUp(bob, bobHandle, 'Bob');

    // Alice opens a DM with Bob from the home page and says hello; Bob sees it live, unread.
    await bob.getByTestId('messages-link').click();
    await alice.getByTestId('messages-link').click();
    await alice.getByTestId('new-dm').click();
    await alice.getByTestId('new-dm-handle').fill(bobHandle);
    await alice.getByTestId('new-conv-submit').click();
    await expect.poll(() => alice.getByTestId('conversation-title').textContent(), { timeout: 10_000 }).toBe('Bob');
    await alice.getByTestId('composer').fill('Hi Bob! Call you in a sec?');
    await alice.getByTestId('composer').press('Enter');
    await expect.poll(() => threadTexts(alice), { timeout: 10_000 }).toContainEqual(expect.stringContaining('Hi Bob! Call you in a sec?'));
    await expect.poll(() => alice.getByTestId('message-pending').count(), { timeout: 10_000 }).toBe(0);

    await expect.poll(() => bob.getByTestId('conversation-item').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => bob.getByTestId('conversation-unread').textContent(), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => bob.getByTestId('conversation-preview').textContent()).toBe('Hi Bob! Call you in a sec?');
    await bob.getByTestId('conversation-item').click();
    await expect.poll(() => threadTexts(bob), { timeout: 10_000 }).toContainEqual(expect.stringContaining('Hi Bob! Call you in a sec?'));
    await expect.poll(() => bob.getByTestId('conversation-unread').count(), { timeout: 10_000 }).toBe(0); // read once seen

    // Bob follows Alice from the DM's info panel (the default "people I follow" lets her ring him).
    await bob.getByTestId('info-toggle').click();
    await bob.getByTestId('follow-toggle').click();
    await expect.poll(() => bob.getByTestId('follow-toggle').textContent(), { timeout: 10_000 }).toBe('Unfollow');
    await bob.getByTestId('composer').fill('Sure, go ahead');
    await bob.getByTestId('send').click();
    await expect.poll(() => threadTexts(alice), { timeout: 10_000 }).toContainEqual(expect.stringContaining('Sure, go ahead'));

    // Bob's second device: the same account, signed in on another browser context, on the home page.
    const bob2 = (await newUserPage(browser, server.url)).page;
    await signIn(bob2, bobHandle);
    await expect.poll(() => bob2.evaluate(() => window.__conveneInbox?.store.connected ?? false), { timeout: 10_000 }).toBe(true);

    // Alice starts a video call from the DM: both of Bob's devices show the incoming-call screen.
    await alice.getByTestId('call-video').click();
    for (const p of [bob, bob2]) {
      await p.getByTestId('incoming-call').waitFor({ timeout: 10_000 });
      expect(await p.getByTestId('incoming-caller').textContent()).toBe('Alice');
      expect(await p.getByTestId('incoming-kind').textContent()).toBe('Incoming video call');
    }
    await expect.poll(() => alice.getByTestId('call-screen').getAttribute('data-phase'), { timeout: 10_000 }).toBe('ringing');
    expect(await bob.locator('[data-testid="incoming-call"] :focus').getAttribute('data-testid')).toBe('incoming-accept');
    await shot(bob, '11-incoming-call');
    await shot(alice, '12-outgoing-ringing');

    // Bob answers on the first device: the second stops ringing.
    await bob.getByTestId('incoming-accept').click();
    await expect.poll(() => bob2.getByTestId('incoming-call').count(), { timeout: 10_000 }).toBe(0);
    expect(await inCallState(bob2)).toBe('idle');
    await expect.poll(() => inCallState(bob), { timeout: 15_000 }).toBe('active:joined');
    await expect.poll(() => inCallState(alice), { timeout: 15_000 }).toBe('active:joined');

    // Both see and hear each other: remote video frames decoded, remote audio energy.
    for (const p of [alice, bob]) {
      await expect.poll(async () => (await inboundStats(p)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(30);
      await expect.poll(async () => (await inboundStats(p)).audioEnergy, { timeout: 20_000 }).toBeGreaterThan(0);
    }
    await expect.poll(() => alice.getByTestId('call-timer').textContent(), { timeout: 5000 }).toMatch(/^\d+:\d\d$/);
    await shot(alice, '13-in-call-alice');
    await shot(bob, '14-in-call-bob');

    // Alice hangs up: the call ends for both and each conversation shows a record with a duration.
    await alice.getByTestId('leave').click();
    for (const p of [alice, bob]) {
      await expect.poll(() => p.getByTestId('call-screen').count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => p.getByTestId('call-record').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringMatching(/^Video call · \d+:\d\d$/)]);
    }
    await expect.poll(() => bob2.evaluate(() => window.__convene?.session ?? null), { timeout: 1000 }).toBeNull(); // the other device never joined
    await expect.poll(() => bob.getByTestId('call-ended').count(), { timeout: 10_000 }).toBe(0);
    await shot(alice, '15-conversation-with-call-record');

    // Alice does not follow Bob, so his call cannot ring her: one neutral error, no call screen.
    await bob.getByTestId('call-audio').click();
    await expect.poll(() => bob.getByTestId('call-error').textContent(), { timeout: 10_000 }).toContain('cannot be called');
    expect(await bob.getByTestId('call-screen').count()).toBe(0);

    // Alice follows Bob back; now his AUDIO call rings her. An audio call publishes no camera;
    // turning it on mid-call upgrades the call to video for the other side.
    await alice.getByTestId('info-toggle').click();
    await alice.getByTestId('follow-toggle').click();
    await expect.poll(() => alice.getByTestId('follow-toggle').textContent(), { timeout: 10_000 }).toBe('Unfollow');
    await bob.getByTestId('call-audio').click();
    await alice.getByTestId('incoming-call').waitFor({ timeout: 10_000 });
    expect(await alice.getByTestId('incoming-kind').textContent()).toBe('Incoming audio call');
    await alice.getByTestId('incoming-accept').click();
    await expect.poll(() => inCallState(alice), { timeout: 15_000 }).toBe('active:joined');
    await expect.poll(async () => (await inboundStats(alice)).audioEnergy, { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await inboundStats(alice)).framesDecoded).toBe(0);
    await expect.poll(() => bob.getByTestId('camera-toggle').textContent(), { timeout: 10_000 }).toBe('Turn camera on');
    await bob.getByTestId('camera-toggle').click();
    await expect.poll(async () => (await inboundStats(alice)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(10);
    await expect.poll(() => bob.getByTestId('camera-toggle').textContent(), { timeout: 10_000 }).toBe('Turn camera off');
    await shot(alice, '16-audio-call-upgraded-to-video');
    // Bob turns the call into a meeting: a link to the same room, nobody reconnects.
    await bob.getByTestId('call-to-meeting').click();
    await expect.poll(() => bob.getByTestId('call-meeting-link').locator('input').inputValue(), { timeout: 10_000 }).toMatch(/\/m\/[A-Za-z0-9_-]{16,}$/);
    expect(await inCallState(alice)).toBe('active:joined');
    await alice.getByTestId('leave').click(); // a meeting now: alice leaving does not end it for bob
    await expect.poll(() => alice.getByTestId('call-screen').count(), { timeout: 10_000 }).toBe(0);
    expect(await bob.getByTestId('call-screen').count()).toBe(1);
    await bob.getByTestId('leave').click();
    for (const p of [alice, bob]) {
      await expect.poll(() => p.getByTestId('call-screen').count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => p.getByTestId('call-record').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringMatching(/^Audio call · \d+:\d\d$/));
    }

    // Phone width: the conversation alone, with its header and composer.
    await bob.setViewportSize({ width: 390, height: 844 });
    await bob.getByTestId('composer').waitFor();
    await shot(bob, '17-conversation-phone');
  });
});
