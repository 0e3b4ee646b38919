import { describe, expect, it } from 'vitest';
import { selectLayer, type LayerInfo } from './layers.ts';

const L: LayerInfo[] = [
  { height: 180, bitrate: 150_000, active: true },
  { height: 360, bitrate: 500_000, active: true },
  { height: 720, bitrate: 1_500_000, active: true },
];

describe('selectLayer', () => {
  it('fits the rendered tile size', () => {
    expect(selectLayer(L, { width: 320, height: 180 }, 0)).toBe(0);
    expect(selectLayer(L, { width: 400, height: 225 }, 0)).toBe(1);
    expect(selectLayer(L, { width: 640, height: 360 }, 0)).toBe(1);
    expect(selectLayer(L, { width: 1280, height: 720 }, 0)).toBe(2);
    expect(selectLayer(L, { width: 1920, height: 1080 }, 0)).toBe(2);
  });
  it('defaults to the highest layer without a viewport', () => {
    expect(selectLayer(L, null, 0)).toBe(2);
  });
  it('a hidden tile gets nothing', () => {
    expect(selectLayer(L, { width: 0, height: 0 }, 0)).toBe(-1);
  });
  it('steps down when bandwidth is short, never below the lowest layer', () => {
    expect(selectLayer(L, { width: 1280, height: 720 }, 800_000)).toBe(1);
    expect(selectLayer(L, { width: 1280, height: 720 }, 200_000)).toBe(0);
    expect(selectLayer(L, { width: 1280, height: 720 }, 10_000)).toBe(0);
  });
  it('skips layers the encoder is not sending', () => {
    const paused = L.map((l, i) => ({ ...l, active: i !== 2 }));
    expect(selectLayer(paused, { width: 1280, height: 720 }, 0)).toBe(1);
    expect(selectLayer(L.map((l) => ({ ...l, active: false })), null, 0)).toBe(-1);
  });
});
