import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { LossyRelay } from '../support/lossyRelay.ts';
import { testServer } from '../support/server.ts';

async function inbound(b: Bot): Promise<{ nacks: number; lost: number; decoded: number }> {
  const stats = await b.session.peerConnections.recv!.getStats();
  const out = { nacks: 0, lost: 0, decoded: 0 };
  stats.forEach((s: { type: string; kind?: string; nackCount?: number; packetsLost?: number; framesDecoded?: number }) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      out.nacks += s.nackCount ?? 0;
      out.lost += s.packetsLost ?? 0;
      out.decoded += s.framesDecoded ?? 0;
    }
  });
  return out;
}

describe('a lossy subscriber', () => {
  let server: RunningServer;
  let relay: LossyRelay;
  const bots: Bot[] = [];
  beforeAll(async () => {
    server = await testServer();
    relay = await LossyRelay.create(0.1);
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    relay?.close();
    await server?.close();
  });

  it('recovers through NACK/RTX from its own history, and the other subscriber is unaffected', async () => {
    const host = await createUser(server.url, 'pub');
    const meeting = await host.api.createMeeting({ title: 'Lossy' });
    const pub = await Bot.join(server.url, host, meeting.id, { video: { width: 640, height: 360, fps: 30 }, audio: false });
    bots.push(pub);
    const pubId = pub.session.self!.id;
    const clean = await Bot.join(server.url, await createUser(server.url, 'clean'), meeting.id, { video: false, audio: false });
    const lossy = await Bot.join(server.url, await createUser(server.url, 'lossy'), meeting.id, {
      video: false,
      audio: false,
      rewriteSubscribeSdp: (sdp) => relay.rewriteCandidates(sdp),
    });
    bots.push(clean, lossy);
    await eventually(() => clean.frames(pubId) > 10 && lossy.frames(pubId) > 10, 20_000, 'both decode');

    const c0 = clean.frames(pubId);
    const l0 = lossy.frames(pubId);
    await new Promise((r) => setTimeout(r, 6000));
    const cleanFrames = clean.frames(pubId) - c0;
    const lossyFrames = lossy.frames(pubId) - l0;
    const ls = await inbound(lossy);
    const cs = await inbound(clean);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const resent = Number(/^convene_nack_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    expect(relay.dropped).toBeGreaterThan(10); // the path really lost packets…
    expect(ls.nacks).toBeGreaterThan(0); // …the subscriber asked for them…
    expect(resent).toBeGreaterThan(relay.dropped * 0.5); // …the SFU resent them from that consumer's history…
    expect(lossyFrames).toBeGreaterThan(cleanFrames * 0.6); // …and it kept decoding
    expect(cs.nacks).toBe(0); // the clean subscriber never saw a loss or a resend
    expect(cleanFrames).toBeGreaterThan(100); // ~30 fps over 6 s
  });
});
