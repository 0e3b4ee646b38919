/**
 * ICE against a client whose SDP gives us no usable candidate (only mDNS names and
 * end-of-candidates, as Firefox sends by default) and which applies our answer late: we must
 * learn it from its checks.
 */
import wrtc from '@roamhq/wrtc';
import sdpTransform from 'sdp-transform';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeClientSdp } from './clientSdp.ts';
import { Consumer } from './Consumer.ts';
import { newCounters } from './counters.ts';
import { fakeProducer, vp8Packet } from './testing/fakes.ts';
import { WebRtcTransport } from './WebRtcTransport.ts';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80 } from './srtp/SrtpProtector.ts';

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

describe('WebRtcTransport SRTP profile', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  /** The profile the transport's DTLS session settled on (werift internals). */
  const profileOf = (t: WebRtcTransport): number | undefined =>
    (t.pc.getTransceivers()[0]?.sender.dtlsTransport as unknown as { dtls?: { srtp?: { srtpProfile?: number } } }).dtls?.srtp?.srtpProfile;
  const connected = async (t: WebRtcTransport, client: { connectionState: string }) => {
    const end = Date.now() + 10_000;
    while ((t.state !== 'connected' || client.connectionState !== 'connected') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect([t.state, client.connectionState]).toEqual(['connected', 'connected']);
  };

  it('sends with AES-CM even to a client that prefers GCM, and receives with what the client prefers', async () => {
    // werift as the client: it lists AEAD-GCM first, like Chrome.
    const { RTCPeerConnection: WeriftPc } = await import('werift');
    const net = { additionalHosts: ['127.0.0.1'], portRange: PORTS };

    const recv = new WebRtcTransport('r1', 'recv', net);
    const sub = new WeriftPc({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false });
    closers.push(() => recv.close(), () => void sub.close());
    const { sdp } = await recv.offer(() => recv.pc.addTransceiver('audio', { direction: 'sendonly' }));
    await sub.setRemoteDescription({ type: 'offer', sdp });
    await sub.setLocalDescription(await sub.createAnswer());
    await recv.applyAnswer(sub.localDescription!.sdp);
    await connected(recv, sub);
    expect(profileOf(recv)).toBe(PROFILE_AES_CM_128_HMAC_SHA1_80);

    const send = new WebRtcTransport('s1', 'send', net);
    const pub = new WeriftPc({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false });
    closers.push(() => send.close(), () => void pub.close());
    pub.addTransceiver('audio', { direction: 'sendonly' });
    await pub.setLocalDescription(await pub.createOffer());
    await pub.setRemoteDescription({ type: 'answer', sdp: await send.answer(pub.localDescription!.sdp) });
    await connected(send, pub);
    expect(profileOf(send)).toBe(PROFILE_AEAD_AES_128_GCM);
  });

  it("reads a libwebrtc subscriber's receiver reports itself (FeedbackTap), answering our own SRTCP sender reports: loss and RTT reach the consumer", async () => {
    const recv = new WebRtcTransport('r2', 'recv', { additionalHosts: ['127.0.0.1'], portRange: PORTS });
    const client = new PeerConnection({ iceServers: [] });
    closers.push(() => recv.close(), () => client.close());
    let transceiver: ReturnType<typeof recv.pc.addTransceiver> | undefined;
    const { sdp } = await recv.offer(() => {
      transceiver = recv.pc.addTransceiver('video', { direction: 'sendonly' });
    });
    // As Peer.subscribe sends it (withMsids): an msid, and werift's SSRC lines cut to the cname.
    const offer = sdpTransform.parse(sdp);
    for (const m of offer.media) {
      (m as { msid?: unknown }).msid = [{ id: 'publisher', appdata: 'c' }];
      if (m.ssrcs) m.ssrcs = m.ssrcs.filter((x) => x.attribute === 'cname');
    }
    await client.setRemoteDescription({ type: 'offer', sdp: sdpTransform.write(offer) });
    await client.setLocalDescription(await client.createAnswer());
    await recv.applyAnswer(client.localDescription!.sdp);
    await connected(recv, client);

    const consumer = new Consumer({ id: 'c', producer: fakeProducer([{ height: 720, bitrate: 1_000_000, active: true }]), subscriberId: 's', transceiver: transceiver!, stats: newCounters() });
    closers.push(() => consumer.close());
    consumer.start();
    // 1 Mbps-ish VP8 at 30 fps and a sender report every 300 ms, until the subscriber's reports
    // have come back through the tap with our SR's timestamp in them (RTT needs LSR/DLSR).
    const end = Date.now() + 15_000;
    for (let k = 0; Date.now() < end; k++) {
      consumer.forward(vp8Packet(k, Math.floor(k / 4) * 3000, k % 120 === 0), 0, k % 120 === 0);
      if (k % 40 === 0) consumer.sendReport();
      if (recv.feedback!.packets > 0 && consumer.linkStats.rtt !== undefined) break;
      if (k % 4 === 3) await new Promise((r) => setTimeout(r, 33));
    }
    expect(recv.feedback!.packets).toBeGreaterThan(0);
    expect(consumer.linkStats.loss).toBe(0);
    expect(consumer.linkStats.rtt).toBeGreaterThanOrEqual(0);
    expect(consumer.linkStats.rtt).toBeLessThan(1000);
  });
});
