import type { HlsConfig } from 'hls.js';

/**
 * hls.js settings for the Spaces broadcast, which is Low-Latency HLS (0.32 s parts, 0.96 s
 * segments, blocking playlist reload): in low-latency mode hls.js starts PART-HOLD-BACK (~1 s)
 * behind the live edge and loads part by part. No liveSyncDuration(Count) here on purpose: a
 * user-set value overrides PART-HOLD-BACK in hls.js's latency controller (and hls.js then refuses
 * liveMaxLatencyDuration(Count) without it). Catch up gently when we drift (playback rate up to
 * 1.1), and keep little buffer behind us.
 */
export const HLS_CONFIG: Partial<HlsConfig> = {
  lowLatencyMode: true,
  maxLiveSyncPlaybackRate: 1.1,
  backBufferLength: 8,
  maxBufferLength: 6,
  enableWorker: true,
};

export type PlaybackMode = 'mse' | 'native' | 'none';

/** hls.js where Media Source Extensions can play AAC; otherwise the browser's own HLS (Safari, iOS). */
export function pickPlayback(mseAac: boolean, nativeHls: string): PlaybackMode {
  if (mseAac) return 'mse';
  if (nativeHls === 'probably' || nativeHls === 'maybe') return 'native';
  return 'none';
}

/**
 * Whether this browser has MSE (or Safari's ManagedMediaSource) able to play AAC in fMP4 (the
 * broadcast's audio; its H.264 video is shown when the browser also decodes that).
 */
export function mseCanPlayAac(): boolean {
  const g = globalThis as { MediaSource?: typeof MediaSource; ManagedMediaSource?: typeof MediaSource };
  const MS = g.MediaSource ?? g.ManagedMediaSource;
  return !!MS && typeof MS.isTypeSupported === 'function' && MS.isTypeSupported('audio/mp4; codecs="mp4a.40.2"');
}

/** `?listen=broadcast`: the Space page plays the broadcast without taking a WebRTC seat. */
export function isBroadcastOnly(search: string): boolean {
  return new URLSearchParams(search).get('listen') === 'broadcast';
}
