/**
 * Functions that run inside the page, shared by the Chromium (Playwright) and Firefox (Puppeteer)
 * tests: pass them to `page.evaluate`. They are serialized, so they use nothing from this module.
 */
import type { SpatialLevels } from '../../apps/web/src/audio/engine.ts';

export interface InboundTotals {
  framesDecoded: number;
  audioEnergy: number;
  /** Audio samples decoded so far (rises whenever audio arrives, played or not). */
  audioSamples: number;
  videoWidth: number;
}

/** Inbound RTP totals on the page's receiving peer connection. */
export async function inboundTotals(): Promise<InboundTotals> {
  const pc = window.__convene?.session.peerConnections.recv;
  const out = { framesDecoded: 0, audioEnergy: 0, audioSamples: 0, videoWidth: 0 };
  if (!pc) return out;
  const stats = await pc.getStats();
  stats.forEach((s: { type: string; kind?: string; framesDecoded?: number; totalAudioEnergy?: number; totalSamplesReceived?: number; frameWidth?: number }) => {
    if (s.type !== 'inbound-rtp') return;
    if (s.kind === 'video') {
      out.framesDecoded += s.framesDecoded ?? 0;
      out.videoWidth = Math.max(out.videoWidth, s.frameWidth ?? 0);
    }
    if (s.kind === 'audio') {
      out.audioEnergy += s.totalAudioEnergy ?? 0;
      out.audioSamples += s.totalSamplesReceived ?? 0;
    }
  });
  return out;
}

/** Spatial audio on the page: left/right level (dB) of the final mix at each frequency, and the voices. */
export function mixLevels(freqs: number[]): SpatialLevels {
  const hook = window.__conveneSpatial;
  if (!hook) throw new Error('no spatial audio hook on the page');
  return hook.levels(freqs);
}
