import { describe, expect, it } from 'vitest';
import { parseVp8 } from './vp8.ts';

describe('parseVp8', () => {
  it('detects a key frame start with extended descriptor and 15-bit picture id', () => {
    // X=1 S=1 PID=0 | I=1 L=1 T=1 | M=1 PictureID(2) | TL0PICIDX | TID | payload header P=0
    const p = Uint8Array.from([0x90, 0xe0, 0x80 | 0x12, 0x34, 0x05, 0x20, 0x10, 0x02, 0x00]);
    expect(parseVp8(p)).toEqual({ frameStart: true, keyFrame: true });
  });
  it('detects a delta frame (P=1)', () => {
    const p = Uint8Array.from([0x90, 0x80, 0x12, 0x31, 0x00]);
    expect(parseVp8(p)).toEqual({ frameStart: true, keyFrame: false });
  });
  it('a continuation packet is neither start nor key', () => {
    expect(parseVp8(Uint8Array.from([0x80, 0x80, 0x12, 0xaa]))).toEqual({ frameStart: false, keyFrame: false });
  });
  it('minimal descriptor without X', () => {
    expect(parseVp8(Uint8Array.from([0x10, 0x00]))).toEqual({ frameStart: true, keyFrame: true });
  });
  it('a start in partition 1 is not a frame start', () => {
    expect(parseVp8(Uint8Array.from([0x11, 0x00]))?.frameStart).toBe(false);
  });
  it('truncated payloads return null instead of throwing', () => {
    expect(parseVp8(new Uint8Array(0))).toBeNull();
    expect(parseVp8(Uint8Array.from([0x90]))).toBeNull();
    expect(parseVp8(Uint8Array.from([0x90, 0x80]))).toBeNull();
    expect(parseVp8(Uint8Array.from([0x10]))).toBeNull();
  });
});
