import { describe, expect, it } from 'vitest';
import { RtpHeader, RtpPacket } from 'werift';
import { newHeaderView, readRtpHeader } from './rtpHeader.ts';

const ids = { mid: 1, rid: 2, rrid: 3, audioLevel: 4 };

describe('readRtpHeader', () => {
  it('reads the fixed header and the mid/rid/level one-byte extensions werift writes', () => {
    const header = new RtpHeader({
      payloadType: 96,
      sequenceNumber: 40000,
      timestamp: 0xfedcba98,
      ssrc: 0x11223344,
      marker: true,
      extension: true,
      extensions: [
        { id: 1, payload: Buffer.from('0') },
        { id: 2, payload: Buffer.from('h') },
        { id: 4, payload: Buffer.from([0x80 | 42]) },
      ],
    });
    const packet = new RtpPacket(header, Buffer.from([1, 2, 3])).serialize();
    const h = newHeaderView();
    expect(readRtpHeader(packet, ids, h)).toBe(true);
    expect(h).toMatchObject({ marker: true, payloadType: 96, sequenceNumber: 40000, timestamp: 0xfedcba98, ssrc: 0x11223344, mid: '0', rid: 'h', rrid: undefined, audioLevel: 42 });
    expect(packet.subarray(h.headerLength).equals(Buffer.from([1, 2, 3]))).toBe(true);
  });

  it('reads two-byte extensions and CSRCs (RFC 8285 §4.3)', () => {
    // V=2 X=1 CC=1, PT 111, seq 7, ts 9, ssrc 5, one CSRC, 0x1000 block: id 3 len 2 "rr", padding.
    const b = Buffer.from([0x91, 111, 0, 7, 0, 0, 0, 9, 0, 0, 0, 5, 0, 0, 0, 1, 0x10, 0x00, 0, 1, 3, 2, 0x72, 0x72, 0xaa]);
    const h = newHeaderView();
    expect(readRtpHeader(b, ids, h)).toBe(true);
    expect(h.rrid).toBe('rr');
    expect(h.headerLength).toBe(24);
  });

  it('refuses truncated and non-RTP input', () => {
    const h = newHeaderView();
    expect(readRtpHeader(Buffer.from([0x80, 96, 0]), ids, h)).toBe(false);
    expect(readRtpHeader(Buffer.alloc(12), ids, h)).toBe(false);
    expect(readRtpHeader(Buffer.from([0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde, 0, 9]), ids, h)).toBe(false);
  });
});
