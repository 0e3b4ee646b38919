import { describe, expect, it } from 'vitest';
import { HLS_CONFIG, isBroadcastOnly, pickPlayback } from './broadcast.ts';
import { broadcastPath, matchRoute } from '../app/routes.ts';

describe('broadcast playback', () => {
  it('prefers hls.js (MSE), then native HLS, else nothing', () => {
    expect(pickPlayback(true, 'maybe')).toBe('mse');
    expect(pickPlayback(true, '')).toBe('mse');
    expect(pickPlayback(false, 'maybe')).toBe('native');
    expect(pickPlayback(false, 'probably')).toBe('native');
    expect(pickPlayback(false, '')).toBe('none');
  });
  it('uses a low-latency live config', () => {
    expect(HLS_CONFIG.lowLatencyMode).toBe(true);
    // A user-set live sync duration would override the playlist's PART-HOLD-BACK in hls.js.
    expect(HLS_CONFIG.liveSyncDurationCount).toBeUndefined();
    expect(HLS_CONFIG.liveSyncDuration).toBeUndefined();
    // …and hls.js throws on liveMaxLatencyDuration(Count) without the matching liveSyncDuration(Count).
    expect(HLS_CONFIG.liveMaxLatencyDurationCount).toBeUndefined();
    expect(HLS_CONFIG.liveMaxLatencyDuration).toBeUndefined();
    expect(HLS_CONFIG.backBufferLength).toBeLessThanOrEqual(10);
  });
  it('broadcast-only links open the same Space route', () => {
    const path = broadcastPath('abc_123');
    expect(path).toBe('/s/abc_123?listen=broadcast');
    const url = new URL(path, 'http://x');
    expect(matchRoute(url.pathname)).toEqual({ name: 'space', spaceId: 'abc_123' });
    expect(isBroadcastOnly(url.search)).toBe(true);
    expect(isBroadcastOnly('')).toBe(false);
    expect(isBroadcastOnly('?listen=live')).toBe(false);
  });
});
