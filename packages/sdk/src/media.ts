import type { PublishedTrack, Source } from '@convene/protocol';

/** Simulcast layers for cameras: rids q/h/f low → high, as the SFU expects. */
export const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

export interface LocalTrack {
  source: Source;
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
  height: number | undefined;
  muted: boolean;
}

export function describeTracks(local: Iterable<LocalTrack>): PublishedTrack[] {
  const out: PublishedTrack[] = [];
  for (const l of local) {
    const mid = l.transceiver.mid;
    if (mid === null) continue;
    out.push({ mid, source: l.source, ...(l.height === undefined ? {} : { height: l.height }), ...(l.muted ? { paused: true } : {}) });
  }
  return out;
}

/** Wait until ICE gathering completes (non-trickle signalling), at most `timeoutMs`. */
export function gatheringComplete(pc: RTCPeerConnection, timeoutMs = 3000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

export function randomId(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
