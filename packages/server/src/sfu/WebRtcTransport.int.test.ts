/**
 * ICE against a client whose SDP gives us no usable candidate (only mDNS names and
 * end-of-candidates, as Firefox sends by default) and which applies our answer late: we must
 * learn it from its checks.
 */
import wrtc from '@roamhq/wrtc';
import sdpTransform from 'sdp-transform';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeClientSdp } from './clientSdp.ts';
import { WebRtcTransport } from './WebRtcTransport.ts';

const { RTCPeerConnection: PeerConnection } = wrtc as unknown as { RTCPeerConnection: typeof RTCPeerConnection };
const PORTS: [number, number] = [52000 + (process.pid % 50) * 20, 52019 + (process.pid % 50) * 20];

async function gathered(pc: RTCPeerConnection): Promise<void> {
  const end = Date.now() + 5000;
  while (pc.iceGatheringState !== 'complete' && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

describe('WebRtcTransport ICE with a peer known only from its checks', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  it('answers an offer with only mDNS host candidates and connects once the client checks, even 500 ms later', async () => {
    const t = new WebRtcTransport('t1', 'send', { additionalHosts: ['127.0.0.1'], portRange: PORTS });
    const client = new PeerConnection({ iceServers: [] });
    closers.push(() => t.close(), () => client.close());
    client.addTransceiver('audio', { direction: 'sendonly' });
    await client.setLocalDescription(await client.createOffer());
    await gathered(client);
    const offer = sdpTransform.parse(client.localDescription!.sdp);
    for (const m of offer.media) {
      for (const c of m.candidates ?? []) c.ip = `${crypto.randomUUID()}.local`;
      m.endOfCandidates = 'end-of-candidates'; // Firefox says so; werift then expects no more
    }
    expect(sdpTransform.write(offer)).toMatch(/\.local \d+ typ host/);

    const answer = await t.answer(normalizeClientSdp(sdpTransform.write(offer)));
    // Our ICE agent has started; the client (like Firefox) takes a while to apply the answer.
    await new Promise((r) => setTimeout(r, 500));
    await client.setRemoteDescription({ type: 'answer', sdp: answer });
    const end = Date.now() + 10_000;
    while ((t.state !== 'connected' || client.connectionState !== 'connected') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect([t.state, client.connectionState]).toEqual(['connected', 'connected']);
  });
});
