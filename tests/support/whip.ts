/**
 * A WHIP client (RFC 9725) in Node with libwebrtc (@roamhq/wrtc): what OBS or GStreamer's whipsink
 * do — one sendonly audio (a tone) and video (moving bars) offer with every candidate, POSTed with
 * a bearer stream key; DELETE of the Location ends it.
 */
import wrtc from '@roamhq/wrtc';

const { nonstandard } = wrtc as unknown as {
  nonstandard: {
    RTCVideoSource: new () => { createTrack(): MediaStreamTrack; onFrame(f: { width: number; height: number; data: Uint8ClampedArray }): void };
    RTCAudioSource: new () => { createTrack(): MediaStreamTrack; onData(d: { samples: Int16Array; sampleRate: number; bitsPerSample: number; channelCount: number; numberOfFrames: number }): void };
  };
};
const RTCPeerConnection = (wrtc as unknown as { RTCPeerConnection: typeof globalThis.RTCPeerConnection }).RTCPeerConnection;

export interface WhipPublisher {
  status: number;
  location: string | null;
  pc: RTCPeerConnection;
  /** DELETE the session resource; resolves with the HTTP status. */
  stop(): Promise<number>;
  /** Close media without telling the server (a crashed encoder). */
  vanish(): void;
}

export async function whipPublish(url: string, key: string, opts: { frequency?: number; video?: boolean } = {}): Promise<WhipPublisher> {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const timers: ReturnType<typeof setInterval>[] = [];
  const tracks: MediaStreamTrack[] = [];
  const audio = new nonstandard.RTCAudioSource();
  const at = audio.createTrack();
  tracks.push(at);
  const samples = new Int16Array(480);
  let phase = 0;
  const f = opts.frequency ?? 550;
  timers.push(
    setInterval(() => {
      for (let i = 0; i < 480; i++) samples[i] = Math.round(Math.sin((phase++ * 2 * Math.PI * f) / 48000) * 8000);
      audio.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
    }, 10),
  );
  pc.addTransceiver(at, { direction: 'sendonly' });
  if (opts.video !== false) {
    const video = new nonstandard.RTCVideoSource();
    const vt = video.createTrack();
    tracks.push(vt);
    const [w, h] = [320, 180];
    const data = new Uint8ClampedArray(w * h * 1.5).fill(128);
    let n = 0;
    const push = () => {
      n++;
      for (let y = 0; y < h; y += 8) data.fill((n * 4 + y) & 255, y * w, y * w + w);
      video.onFrame({ width: w, height: h, data });
    };
    push();
    timers.push(setInterval(push, 1000 / 15));
    pc.addTransceiver(vt, { direction: 'sendonly' });
  }
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc); // non-trickle: every candidate in the offer (RFC 9725 §4.3)
  const cleanup = () => {
    for (const t of timers) clearInterval(t);
    for (const t of tracks) t.stop();
    pc.close();
  };
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${key}` }, body: pc.localDescription!.sdp });
  const location = res.headers.get('location');
  if (res.status === 201) await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  else cleanup();
  const base = new URL(url);
  return {
    status: res.status,
    location,
    pc,
    async stop() {
      cleanup();
      if (!location) return 0;
      return (await fetch(new URL(location, base), { method: 'DELETE' })).status;
    },
    vanish: cleanup,
  };
}

/** Resolves once ICE gathering is complete (or after 3 s). */
export function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const t = setTimeout(resolve, 3000);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(t);
        resolve();
      }
    });
  });
}
