import { describe, expect, it } from 'vitest';
import { RtpRewriter } from './RtpRewriter.ts';

describe('RtpRewriter', () => {
  it('passes the first source through and keeps its gaps', () => {
    const r = new RtpRewriter(90000);
    expect(r.map(100, 5000, 0)).toEqual({ seq: 100, ts: 5000 });
    expect(r.map(102, 8000, 33)).toEqual({ seq: 102, ts: 8000 });
  });
  it('continues seamlessly after a switch to a source with other numbering', () => {
    const r = new RtpRewriter(90000);
    r.map(100, 5000, 0);
    r.map(101, 8000, 33);
    r.switchSource();
    const a = r.map(40000, 777, 66); // 33 ms later
    expect(a.seq).toBe(102);
    expect(a.ts).toBe(8000 + 33 * 90);
    expect(r.map(40001, 777 + 3000, 99)).toEqual({ seq: 103, ts: 8000 + 33 * 90 + 3000 });
  });
  it('counts sequence rollovers for SRTP', () => {
    const r = new RtpRewriter(48000);
    r.map(65534, 0, 0);
    r.map(65535, 960, 20);
    expect(r.roc).toBe(0);
    r.map(0, 1920, 40);
    expect(r.roc).toBe(1);
    expect(r.rocFor(0)).toBe(1);
    expect(r.rocFor(65535)).toBe(0); // a late packet from before the wrap
  });
  it('a late packet does not move the stream back', () => {
    const r = new RtpRewriter(90000);
    r.map(10, 100, 0);
    r.map(12, 300, 10);
    expect(r.map(11, 200, 20)).toEqual({ seq: 11, ts: 200 });
    r.switchSource();
    expect(r.map(500, 0, 30).seq).toBe(13);
  });
});
