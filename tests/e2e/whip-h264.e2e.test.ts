/**
 * OBS publishes H.264 over WHIP: a Chromium page plays the WHIP client with H.264 as its only
 * video codec; a listener's Chromium receives that stream as H.264 (no transcoding) and decodes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '@convene/server';
import { Bot, createUser } from '../support/bots.ts';
import { inboundStats, newUserPage, shot, signUp, startE2e } from './browser.ts';

describe('WHIP with H.264 (what OBS sends)', () => {
  let server: RunningServer;
  let browser: Browser;
  const bots: Bot[] = [];

  beforeAll(async () => {
    ({ server, browser } = await startE2e());
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await browser?.close();
    await server?.close();
  });

  it('an H.264-only WHIP publisher is seen by a browser listener, forwarded as H.264', async () => {
    const hostUser = await createUser(server.url, 'obs');
    const space = await hostUser.api.createSpace({ title: 'Streamed in H.264' });
    bots.push(await Bot.join(server.url, hostUser, space.id, { video: false, audio: { frequency: 440 } }));
    const key = (await (await fetch(`${server.url}/api/meetings/${space.id}/stream-key`, { method: 'POST', headers: { authorization: `Bearer ${hostUser.token}` } })).json()) as {
      whipUrl: string;
      streamKey: string;
    };

    // The "OBS" page: camera + microphone, H.264 only, one POST with every candidate.
    const obs = await newUserPage(browser, server.url);
    const status = await obs.page.evaluate(
      async ({ url, token }) => {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
        const pc = new RTCPeerConnection();
        pc.addTransceiver(stream.getAudioTracks()[0]!, { direction: 'sendonly' });
        const v = pc.addTransceiver(stream.getVideoTracks()[0]!, { direction: 'sendonly' });
        v.setCodecPreferences(RTCRtpSender.getCapabilities('video')!.codecs.filter((c) => c.mimeType === 'video/H264' && (c.sdpFmtpLine ?? '').includes('packetization-mode=1')));
        await pc.setLocalDescription(await pc.createOffer());
        await new Promise<void>((r) => {
          if (pc.iceGatheringState === 'complete') return r();
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
          setTimeout(r, 3000);
        });
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: pc.localDescription!.sdp });
        if (res.status === 201) await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
        (window as unknown as { whipPc: RTCPeerConnection }).whipPc = pc;
        return res.status;
      },
      { url: key.whipUrl, token: key.streamKey },
    );
    expect(status).toBe(201);
    await expect
      .poll(() => obs.page.evaluate(async () => {
        const stats = await (window as unknown as { whipPc: RTCPeerConnection }).whipPc.getStats();
        let codec = '';
        let frames = 0;
        stats.forEach((s: { type: string; kind?: string; codecId?: string; framesEncoded?: number }) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') {
            frames = s.framesEncoded ?? 0;
            codec = (stats.get(s.codecId ?? '') as { mimeType?: string } | undefined)?.mimeType ?? '';
          }
        });
        return `${codec}:${frames > 10}`;
      }), { timeout: 20_000 })
      .toBe('video/H264:true');

    // A listener in Chromium sees and hears it.
    const lp = await newUserPage(browser, server.url);
    await signUp(lp.page, `h264_${Date.now() % 100000}`, 'Lena Listener');
    await lp.page.getByTestId('spaces-link').click();
    await lp.page.getByTestId(`listen-${space.id}`).click({ timeout: 10_000 });
    await lp.page.getByTestId('request-speak').waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await inboundStats(lp.page)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(20);
    const codecs = await lp.page.evaluate(async () => {
      const pc = window.__convene!.session.peerConnections.recv!;
      const stats = await pc.getStats();
      const out: string[] = [];
      stats.forEach((s: { type: string; kind?: string; codecId?: string; framesDecoded?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.framesDecoded ?? 0) > 0) out.push((stats.get(s.codecId ?? '') as { mimeType?: string } | undefined)?.mimeType ?? '');
      });
      return out;
    });
    expect(codecs).toContain('video/H264');
    await shot(lp.page, 'whip-h264-listener');
    await obs.context.close();
    await lp.context.close();
  }, 120_000);
});
