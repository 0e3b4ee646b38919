import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { inboundStats, newUserPage, shot, signUp, startE2e } from './browser.ts';

describe('Q&A and recording in a Space, in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startE2e());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const questionByText = (page: Page, text: string) => page.locator('[data-testid="question"]', { hasText: text });
  const attr = (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name, { timeout: 1000 }).catch(() => null);
  const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent({ timeout: 1000 }).catch(() => null);
  const count = (page: Page, selector: string) => page.locator(selector).count();

  it('a listener asks, the host approves, the listener upvotes, the host answers it; the host records, everyone sees REC, and the recording plays afterwards', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await signUp(host.page, `qhost_${suffix}`, 'Quinn Host');
    await host.page.getByTestId('spaces-link').click();
    await host.page.getByTestId('space-title-input').fill('Office hours');
    await host.page.getByTestId('space-start-now').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    await expect.poll(() => host.page.evaluate(() => window.__convene!.session.self?.sources ?? []), { timeout: 10_000 }).toContain('microphone');
    const spaceId = new URL(host.page.url()).pathname.split('/').pop()!;

    // The listener, on a phone-sized screen, joins from the link and hears the host.
    const listenerCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['camera', 'microphone'] });
    const lp = await listenerCtx.newPage();
    lp.on('pageerror', (e) => console.error('[listener page error]', e.message));
    await lp.goto(server.url);
    await signUp(lp, `qleo_${suffix}`, 'Leo Listener');
    await lp.goto(`${server.url}/s/${spaceId}`);
    await lp.getByTestId('space-join').click();
    await lp.getByTestId('request-speak').waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await inboundStats(lp)).audioEnergy, { timeout: 20_000 }).toBeGreaterThan(0);

    // ---- Q&A ----
    // The listener asks; it waits for approval and only they (and the host) can see it.
    const question = 'Will recordings be downloadable after the Space?';
    await lp.getByTestId('qa-toggle').click();
    await lp.getByTestId('qa-input').fill(question);
    await lp.getByTestId('qa-ask').click();
    await expect.poll(() => questionByText(lp, question).getAttribute('data-status', { timeout: 1000 }).catch(() => null), { timeout: 5000 }).toBe('pending');
    expect(await questionByText(lp, question).getByTestId('question-state').textContent()).toBe('Waiting for approval');
    expect(await lp.getByTestId('qa-input').inputValue()).toBe('');

    // The host gets a badge for the new pending question, opens Q&A, and approves it.
    await expect.poll(() => text(host.page, 'qa-pending-count'), { timeout: 5000 }).toBe('1 to approve');
    await host.page.getByTestId('qa-toggle').click();
    const pending = host.page.getByTestId('qa-pending').locator('[data-testid="question"]', { hasText: question });
    await pending.waitFor({ timeout: 5000 });
    const qid = (await pending.getAttribute('data-question-id'))!;
    await shot(host.page, 'qa-01-host-pending');
    await host.page.getByTestId(`qa-approve-${qid}`).click();
    await expect.poll(() => count(host.page, '[data-testid="qa-pending"] [data-testid="question"]'), { timeout: 5000 }).toBe(0);

    // The listener sees it approved and upvotes it; the host sees the vote.
    await expect.poll(() => attr(lp, `[data-question-id="${qid}"]`, 'data-status'), { timeout: 5000 }).toBe('approved');
    expect(await lp.getByTestId(`qa-vote-${qid}`).getAttribute('aria-pressed')).toBe('false');
    await lp.getByTestId(`qa-vote-${qid}`).click();
    await expect.poll(() => lp.getByTestId(`qa-vote-${qid}`).getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');
    await expect.poll(() => text(lp, `qa-votes-${qid}`), { timeout: 5000 }).toBe('1');
    await expect.poll(() => text(host.page, `qa-votes-${qid}`), { timeout: 5000 }).toBe('1');

    // The host takes it: it is highlighted at the top of the listener's Q&A, with a banner on the stage.
    await host.page.getByTestId(`qa-answer-${qid}`).click();
    await expect.poll(() => lp.getByTestId('qa-answering').locator(`[data-question-id="${qid}"]`).getAttribute('data-status', { timeout: 1000 }).catch(() => null), { timeout: 5000 }).toBe(
      'answering',
    );
    await expect.poll(() => text(lp, 'qa-banner'), { timeout: 5000 }).toContain(question);
    expect(await lp.getByTestId(`qa-vote-${qid}`).getAttribute('aria-pressed')).toBe('true');
    await shot(lp, 'qa-02-listener-answering-phone');

    // A host's own question is public at once: the listener, panel closed, gets an unread badge.
    await lp.getByTestId('close-panel').click();
    await host.page.getByTestId('qa-input').fill('Anything else before we wrap up?');
    await host.page.getByTestId('qa-input').press('Enter');
    await expect.poll(() => text(lp, 'qa-unread'), { timeout: 5000 }).toBe('1 new');
    // The banner stays on the stage while the panel is closed.
    expect(await lp.getByTestId('qa-banner').textContent()).toContain(question);

    // ---- Recording ----
    expect(await lp.getByTestId('record-toggle').count()).toBe(0); // listeners cannot record
    expect(await lp.getByTestId('rec-indicator').count()).toBe(0);
    await host.page.getByTestId('record-toggle').click();
    await expect.poll(() => host.page.getByTestId('record-toggle').getAttribute('aria-pressed'), { timeout: 15_000 }).toBe('true');
    await lp.getByTestId('rec-indicator').waitFor({ timeout: 5000 });
    await expect.poll(() => lp.getByTestId('toast').allTextContents(), { timeout: 5000 }).toContain('This Space is being recorded.');
    expect(await text(lp, 'rec-consent')).toBe('This Space is being recorded: if you speak, you will be recorded.');
    // Asking to speak while recording says so; the listener changes their mind.
    await lp.getByTestId('request-speak').click();
    await expect.poll(() => text(lp, 'rec-consent'), { timeout: 5000 }).toBe('You will be recorded.');
    await lp.getByTestId('request-speak').click();
    await expect.poll(() => lp.getByTestId('request-speak').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('false');
    // Brought on stage while recording, the listener is told, and steps back to listening.
    const leoId = await lp.evaluate(() => window.__convene!.session.self!.id);
    await host.page.getByTestId('people-toggle').click();
    await host.page.getByTestId(`to-stage-${leoId}`).click();
    await lp.getByTestId('step-back').waitFor({ timeout: 10_000 });
    expect(await text(lp, 'rec-consent')).toContain('You will be recorded.');
    await expect.poll(() => lp.getByTestId('toast').allTextContents(), { timeout: 5000 }).toContain('You are a speaker now: your microphone is on. You will be recorded.');
    await shot(lp, 'qa-03a-speaker-consent-phone');
    await lp.getByTestId('step-back').click();
    await lp.getByTestId('request-speak').waitFor({ timeout: 15_000 });
    await expect.poll(() => count(host.page, '[data-testid="seat"]'), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => lp.evaluate(() => window.__convene!.session.self?.onStage ?? null), { timeout: 5000 }).toBe(false);
    // Back as a listener in the same session (no reconnect): still told about the recording, still hears the host.
    await lp.getByTestId('rec-indicator').waitFor({ timeout: 5000 });
    await expect.poll(async () => (await inboundStats(lp)).audioEnergy, { timeout: 20_000 }).toBeGreaterThan(0);
    await host.page.getByTestId('qa-toggle').click();

    // The elapsed time runs (a few seconds of the host's microphone are recorded meanwhile).
    const seconds = async () => {
      const t = (await text(lp, 'rec-elapsed')) ?? '0:00';
      const [m, s] = t.split(':').map(Number);
      return (m ?? 0) * 60 + (s ?? 0);
    };
    await expect.poll(seconds, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await shot(lp, 'qa-03-listener-recording-phone');
    await shot(host.page, 'qa-04-host-recording');

    await host.page.getByTestId('record-toggle').click();
    await expect.poll(() => lp.getByTestId('rec-indicator').count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => host.page.getByTestId('record-toggle').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('false');
    expect(await host.page.getByTestId('record-error').count()).toBe(0);

    // The host ends the Space; both see the recording with a player that loads it.
    host.page.once('dialog', (d) => void d.accept());
    await host.page.getByTestId('end-space').click();
    for (const page of [lp, host.page]) {
      await expect.poll(() => text(page, 'notice'), { timeout: 10_000 }).toBe('This Space has ended.');
      await expect.poll(() => count(page, '[data-testid="recording"][data-ended="true"]'), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => page.evaluate(() => document.querySelector<HTMLMediaElement>('[data-testid="recording-player"]')?.readyState ?? 0), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
      const info = await page.evaluate(() => {
        const el = document.querySelector<HTMLMediaElement>('[data-testid="recording-player"]')!;
        return { duration: el.duration, error: el.error?.code ?? null, src: el.currentSrc };
      });
      expect(info.error).toBeNull();
      expect(Number.isFinite(info.duration)).toBe(true);
      expect(info.duration).toBeGreaterThan(2);
      expect(info.src).toContain('/api/recordings/');
      expect(await page.getByTestId('recording-download').getAttribute('href')).toMatch(/^\/api\/recordings\/[\w-]+\/file$/);
    }
    await shot(lp, 'qa-05-listener-recordings-phone');
    await shot(host.page, 'qa-06-host-recordings');
    await listenerCtx.close();
    await host.context.close();
  });

  it('in a meeting: a guest’s question is approved, the host records with cameras on, everyone sees REC, and only the host gets the video recording (meeting list and page)', async () => {
    const suffix = String(Date.now() % 100000);
    const host = await newUserPage(browser, server.url);
    await signUp(host.page, `mhost_${suffix}`, 'Mia Host');
    await host.page.getByTestId('new-meeting').click();
    await host.page.getByTestId('join-button').click();
    await host.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    const meetingPath = new URL(host.page.url()).pathname;

    const guest = await newUserPage(browser, server.url);
    await signUp(guest.page, `mguest_${suffix}`, 'Gus Guest');
    await guest.page.goto(`${server.url}${meetingPath}`);
    await guest.page.getByTestId('join-button').click();
    await guest.page.getByTestId('mic-toggle').waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await inboundStats(host.page)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(10);

    // Q&A in a meeting: asked, approved, visible to the guest as approved.
    await guest.page.getByTestId('qa-toggle').click();
    await guest.page.getByTestId('qa-input').fill('Can we get the slides?');
    await guest.page.getByTestId('qa-ask').click();
    await expect.poll(() => text(host.page, 'qa-pending-count'), { timeout: 5000 }).toBe('1 to approve');
    await host.page.getByTestId('qa-toggle').click();
    const qid = (await host.page.getByTestId('qa-pending').locator('[data-testid="question"]').first().getAttribute('data-question-id', { timeout: 5000 }))!;
    await host.page.getByTestId(`qa-approve-${qid}`).click();
    await expect.poll(() => attr(guest.page, `[data-question-id="${qid}"]`, 'data-status'), { timeout: 5000 }).toBe('approved');

    // Recording: only the host has the control; the guest sees REC and is told once.
    expect(await guest.page.getByTestId('record-toggle').count()).toBe(0);
    await host.page.getByTestId('record-toggle').click();
    await guest.page.getByTestId('rec-indicator').waitFor({ timeout: 15_000 });
    await expect.poll(() => guest.page.getByTestId('toast').allTextContents(), { timeout: 5000 }).toContain('This meeting is being recorded.');
    await expect.poll(() => host.page.getByTestId('rec-indicator').count(), { timeout: 5000 }).toBe(1);
    await expect.poll(async () => (await text(guest.page, 'rec-elapsed')) ?? '0:00', { timeout: 15_000 }).toMatch(/^0:0[3-9]|^0:[1-5]\d/);
    await shot(guest.page, 'qa-07-meeting-guest-recording');
    await host.page.getByTestId('record-toggle').click();
    await expect.poll(() => guest.page.getByTestId('rec-indicator').count(), { timeout: 20_000 }).toBe(0);

    // The host leaves (the meeting goes on) for the home page: the meeting's item on the list opens
    // its recordings.
    await host.page.getByTestId('leave').click();
    const item = host.page.locator('[data-testid="meeting-item"]', { hasText: meetingPath.split('/').pop()! });
    await item.getByTestId('recordings-disclosure').locator('summary').click({ timeout: 10_000 });
    await expect.poll(() => item.locator('[data-testid="recording"][data-ended="true"]').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => item.getByTestId('recording-player').evaluate((el: HTMLMediaElement) => el.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await shot(host.page, 'qa-08-home-meeting-recordings');

    // The meeting's own page shows them to its host too: a video player (cameras were on) that loads.
    await host.page.goto(`${server.url}${meetingPath}`);
    await expect.poll(() => count(host.page, '[data-testid="recording"][data-ended="true"]'), { timeout: 10_000 }).toBe(1);
    const player = () =>
      host.page.evaluate(() => {
        const el = document.querySelector<HTMLMediaElement>('[data-testid="recording-player"]');
        return el ? { tag: el.tagName, readyState: el.readyState, duration: el.duration, error: el.error?.code ?? null } : null;
      });
    await expect.poll(async () => (await player())?.readyState ?? 0, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const info = (await player())!;
    expect(info.error).toBeNull();
    expect(info.tag).toBe('VIDEO');
    expect(Number.isFinite(info.duration) && info.duration > 2).toBe(true);
    await shot(host.page, 'qa-09-meeting-page-recordings');

    // Meeting recordings are the host's: the guest's view of the meeting page lists none.
    await guest.page.goto(`${server.url}${meetingPath}`);
    await guest.page.getByTestId('join-button').waitFor({ timeout: 10_000 });
    const status = await guest.page.evaluate((p) => fetch(`/api/meetings/${p.split('/').pop()}/recordings`).then((r) => r.status), meetingPath);
    expect(status).toBe(404);
    expect(await guest.page.getByTestId('recordings').count()).toBe(0);
    await guest.context.close();
    await host.context.close();
  });
});
