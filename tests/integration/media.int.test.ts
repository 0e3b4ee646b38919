import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sdpTransform from 'sdp-transform';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';

/**
 * libwebrtc's SDP made to look like Firefox's (as captured from Firefox ESR 140 publishing to
 * us): host candidates under mDNS names followed by a=end-of-candidates, and in offers every
 * bundled m= section after the first with port 0 and a=bundle-only.
 */
function firefoxShaped(method: 'publish' | 'subscribeAnswer', sdp: string): string {
  const parsed = sdpTransform.parse(sdp);
  for (const [i, m] of (parsed.media ?? []).entries()) {
    for (const c of m.candidates ?? []) if (c.type === 'host') c.ip = `${crypto.randomUUID()}.local`;
    if (m.candidates) m.endOfCandidates = 'end-of-candidates';
    if (method === 'publish' && i > 0 && m.port !== 0) {
      m.port = 0;
      m.bundleOnly = 'bundle-only';
      delete m.candidates;
    }
  }
  return sdpTransform.write(parsed);
}

describe('three participants through the SFU', () => {
  let server: RunningServer;
  const bots: Bot[] = [];

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('each receives the others’ decoded video frames and audible audio', async () => {
    const host = await createUser(server.url, 'host');
    const meeting = await host.api.createMeeting({ title: 'Standup', code: 'open-sesame' });
    const guests = [await createUser(server.url, 'g1'), await createUser(server.url, 'g2')];
    bots.push(await Bot.join(server.url, host, meeting.id, { recordFrames: true }));
    for (const g of guests) bots.push(await Bot.join(server.url, g, meeting.id, { code: 'open-sesame', recordFrames: true }));
    const ids = bots.map((b) => b.session.self!.id);
    await eventually(
      () => bots.every((b, i) => ids.every((id, j) => i === j || (b.frames(id) > 10 && (b.audioEnergyFrom.get(id) ?? 0) > 0))),
      25_000,
      'every participant decodes video and hears audio from every other',
    );
    for (const [i, b] of bots.entries()) {
      expect(b.session.participants.size).toBe(2);
      for (const [j, id] of ids.entries()) if (i !== j) expect(b.frames(id)).toBeGreaterThan(10);
    }

    // Privacy: no signalling frame a participant receives carries another participant's
    // ICE candidates (address:port) — only the server's.
    const candidatesOf = async (b: Bot) => {
      const out: string[] = [];
      for (const pc of [b.session.peerConnections.send, b.session.peerConnections.recv]) {
        const stats = await pc!.getStats();
        stats.forEach((s: { type: string; address?: string; ip?: string; port?: number }) => {
          if (s.type === 'local-candidate') out.push(`${s.address ?? s.ip} ${s.port}`);
        });
      }
      return out;
    };
    for (const [i, b] of bots.entries()) {
      const all = b.received.join('\n');
      expect(all).toContain('a=candidate'); // the server's own candidates do arrive
      for (const [j, other] of bots.entries()) {
        if (i === j) continue;
        for (const cand of await candidatesOf(other)) expect(all).not.toContain(cand);
      }
      expect(all).not.toMatch(/typ (srflx|relay|prflx)/);
    }

    // SRTP: what we send goes out with AES-CM (its keystream is made ahead in batches; this
    // libwebrtc build offers nothing else, WebRtcTransport.int.test.ts checks a GCM-first client).
    const ciphers = async (pc: RTCPeerConnection | null) => {
      const out: string[] = [];
      (await pc!.getStats()).forEach((s: { type: string; srtpCipher?: string }) => {
        if (s.type === 'transport' && s.srtpCipher) out.push(s.srtpCipher);
      });
      return out;
    };
    expect(await ciphers(bots[0]!.session.peerConnections.recv)).toEqual(['AES_CM_128_HMAC_SHA1_80']);

    // Screen share: a second video track from one participant reaches the others as 'screen';
    // stopping it removes the track for them.
    const [a, b, c] = bots as [Bot, Bot, Bot];
    await b.publishScreen({ width: 640, height: 360, fps: 10 });
    await eventually(() => (a.screenFramesFrom.get(ids[1]!) ?? 0) > 5 && (c.screenFramesFrom.get(ids[1]!) ?? 0) > 5, 20_000, 'screen share decoded by the others');
    expect(a.session.participants.get(ids[1]!)?.sources).toContain('screen');
    await b.session.unpublish('screen');
    await eventually(() => ![...a.session.remoteTracks.values()].some((t) => t.source === 'screen'), 10_000, 'screen track removed');
    expect(a.frames(ids[1]!)).toBeGreaterThan(10); // the camera is unaffected
  });

  it('a participant whose SDP looks like Firefox’s publishes through bundle-only m-lines and sends and receives with mDNS-only candidates', async () => {
    const host = await createUser(server.url, 'host');
    const meeting = await host.api.createMeeting({ title: 'Interop' });
    const fox = await Bot.join(server.url, host, meeting.id, { rewriteSentSdp: firefoxShaped, video: { width: 320, height: 180, fps: 10 } });
    bots.push(fox);
    const other = await Bot.join(server.url, await createUser(server.url, 'other'), meeting.id, { video: { width: 320, height: 180, fps: 10 } });
    bots.push(other);
    const [foxId, otherId] = [fox.session.self!.id, other.session.self!.id];
    await eventually(
      () => other.frames(foxId) > 10 && (other.audioEnergyFrom.get(foxId) ?? 0) > 0 && fox.frames(otherId) > 10 && (fox.audioEnergyFrom.get(otherId) ?? 0) > 0,
      20_000,
      'both ways: decoded video and audible audio',
    );
    expect(fox.session.peerConnections.send?.connectionState).toBe('connected');
    expect(fox.session.peerConnections.recv?.connectionState).toBe('connected');
  });
});
