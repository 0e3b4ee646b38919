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

describe('a participant whose SDP looks like Firefox’s', () => {
  let server: RunningServer;
  const bots: Bot[] = [];

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('publishes camera and microphone through bundle-only m-lines, and sends and receives with mDNS-only candidates', async () => {
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
