/**
 * A WHEP player in Node (@roamhq/wrtc): recvonly audio + video offer with every candidate, POSTed
 * to /whep/:id; counts decoded frames and keeps the last second of received audio (mono, 48 kHz).
 */
import wrtc from '@roamhq/wrtc';
import { gathered } from './whip.ts';

const { nonstandard } = wrtc as unknown as {
  nonstandard: {
    RTCVideoSink: new (t: MediaStreamTrack) => { onframe: ((e: { frame: { width: number; height: number } }) => void) | null; stop(): void };
    RTCAudioSink: new (t: MediaStreamTrack) => { ondata: ((d: { samples: Int16Array; channelCount: number; sampleRate: number }) => void) | null; stop(): void };
  };
};
const RTCPeerConnection = (wrtc as unknown as { RTCPeerConnection: typeof globalThis.RTCPeerConnection }).RTCPeerConnection;

export interface WhepPlayer {
  status: number;
  location: string | null;
  headers: Headers;
  frames: number;
  /** The most recent second of audio, mono 48 kHz. */
  recentAudio(): Int16Array;
  stop(): Promise<number>;
}

export async function whepPlay(url: string): Promise<WhepPlayer> {
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  const ring = new Int16Array(48_000);
  let head = 0;
  const sinks: { stop(): void }[] = [];
  const player: WhepPlayer = {
    status: 0,
    location: null,
    headers: new Headers(),
    frames: 0,
    recentAudio: () => Int16Array.from({ length: ring.length }, (_, i) => ring[(head + i) % ring.length]!),
    stop: async () => 0,
  };
  pc.addEventListener('track', (ev) => {
    const t = (ev as RTCTrackEvent).track;
    if (t.kind === 'video') {
      const sink = new nonstandard.RTCVideoSink(t);
      sink.onframe = () => player.frames++;
      sinks.push(sink);
    } else {
      const sink = new nonstandard.RTCAudioSink(t);
      sink.ondata = (d) => {
        const ch = d.channelCount;
        for (let i = 0; i < d.samples.length; i += ch) {
          ring[head] = d.samples[i]!;
          head = (head + 1) % ring.length;
        }
      };
      sinks.push(sink);
    }
  });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription!.sdp });
  player.status = res.status;
  player.headers = res.headers;
  player.location = res.headers.get('location');
  const close = () => {
    for (const s of sinks) s.stop();
    pc.close();
  };
  if (res.status === 201) await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  else close();
  player.stop = async () => {
    close();
    if (!player.location) return 0;
    return (await fetch(new URL(player.location, url), { method: 'DELETE' })).status;
  };
  return player;
}

/** Share of the signal's power at `freq` (Goertzel), 0…1. */
export function toneShare(pcm: Int16Array, freq: number, rate = 48_000): number {
  const k = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const x of pcm) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return total === 0 ? 0 : (2 * power) / (pcm.length * total);
}
