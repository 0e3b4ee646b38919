import { describe, expect, it } from 'vitest';
import { H264KeyFrames, parseH264 } from './h264.ts';

describe('H.264 key frames (RFC 6184)', () => {
  it('finds SPS and IDR starts in single NAL units, STAP-A and FU-A', () => {
    expect(parseH264(Uint8Array.of(0x67, 1, 2))).toEqual({ sps: true, idrStart: false }); // SPS
    expect(parseH264(Uint8Array.of(0x65, 1))).toEqual({ sps: false, idrStart: true }); // IDR slice
    expect(parseH264(Uint8Array.of(0x41, 1))).toEqual({ sps: false, idrStart: false }); // non-IDR slice
    // STAP-A with SPS (3 bytes) and PPS (2 bytes).
    expect(parseH264(Uint8Array.of(0x78, 0, 3, 0x67, 1, 2, 0, 2, 0x68, 1))).toEqual({ sps: true, idrStart: false });
    expect(parseH264(Uint8Array.of(0x7c, 0x85, 9))).toEqual({ sps: false, idrStart: true }); // FU-A start of an IDR
    expect(parseH264(Uint8Array.of(0x7c, 0x05, 9))).toEqual({ sps: false, idrStart: false }); // FU-A middle
    expect(parseH264(Uint8Array.of(0x7c, 0x81, 9))).toEqual({ sps: false, idrStart: false }); // FU-A start, non-IDR
  });
  it('marks one key start per access unit: the SPS packet, not the IDR after it', () => {
    const k = new H264KeyFrames();
    expect(k.isKeyStart(Uint8Array.of(0x78, 0, 1, 0x67, 0, 1, 0x68), 1000)).toBe(true);
    expect(k.isKeyStart(Uint8Array.of(0x7c, 0x85, 9), 1000)).toBe(false);
    expect(k.isKeyStart(Uint8Array.of(0x41, 9), 4000)).toBe(false);
    expect(k.isKeyStart(Uint8Array.of(0x65, 9), 7000)).toBe(true); // an IDR without parameter sets
  });
});
