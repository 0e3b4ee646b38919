import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IvfWriter } from './IvfWriter.ts';

/** A fake VP8 frame: key frames carry the frame tag, start code and size (RFC 6386 §9.1). */
function frame(key: boolean, bytes: number, fill: number): Buffer {
  const b = Buffer.alloc(bytes, fill);
  b[0] = key ? 0x10 : 0x11; // P bit: 0 key, 1 inter
  if (key) {
    b.set([0x9d, 0x01, 0x2a], 3);
    b.writeUInt16LE(320, 6);
    b.writeUInt16LE(180, 8);
  }
  return b;
}

/** Packetize into RTP with a 1-byte VP8 descriptor (S bit on the first packet). */
function packets(data: Buffer, seq: number, ts: number, mtu = 100): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += mtu) {
    const chunk = data.subarray(off, off + mtu);
    const last = off + mtu >= data.length;
    const p = Buffer.alloc(12 + 1 + chunk.length);
    p[0] = 0x80;
    p[1] = (last ? 0x80 : 0) | 96;
    p.writeUInt16BE((seq + out.length) & 0xffff, 2);
    p.writeUInt32BE(ts >>> 0, 4);
    p.writeUInt32BE(1234, 8);
    p[12] = off === 0 ? 0x10 : 0x00;
    chunk.copy(p, 13);
    out.push(p);
  }
  return out;
}

function readIvf(file: string): { width: number; frames: { size: number; pts: number; first: number }[]; count: number } {
  const b = fs.readFileSync(file);
  expect(b.subarray(0, 4).toString()).toBe('DKIF');
  const frames: { size: number; pts: number; first: number }[] = [];
  for (let off = 32; off < b.length; ) {
    const size = b.readUInt32LE(off);
    frames.push({ size, pts: Number(b.readBigUInt64LE(off + 4)), first: b[off + 12 + 1]! });
    off += 12 + size;
  }
  return { width: b.readUInt16LE(12), frames, count: b.readUInt32LE(24) };
}

describe('IvfWriter', () => {
  it('reassembles frames, timestamps them from the RTP clock, and skips to the next key frame after a loss', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ivf-')), 'v.ivf');
    let now = 1000;
    const w = new IvfWriter(file, 0, () => now);
    let seq = 65530; // wraps during the test
    let ts = 0xffffffff - 9000; // wraps too
    const send = (f: Buffer, drop?: number) => {
      const ps = packets(f, seq, ts);
      seq = (seq + ps.length) & 0xffff;
      ts = (ts + 9000) >>> 0; // 100 ms at 90 kHz
      ps.forEach((p, i) => i !== drop && w.packet(p));
      now += 100;
    };
    send(frame(false, 250, 1)); // before any key frame: dropped
    send(frame(true, 350, 2));
    send(frame(false, 250, 3));
    send(frame(false, 250, 4), 1); // a packet lost: dropped …
    send(frame(false, 250, 5)); // … and so is what depends on it
    send(frame(true, 350, 6));
    send(frame(false, 250, 7));
    await w.close();
    const r = readIvf(file);
    expect(r.width).toBe(320);
    expect(r.count).toBe(4);
    expect(r.frames.map((f) => f.first)).toEqual([2, 3, 6, 7]);
    expect(r.frames.map((f) => f.size)).toEqual([350, 250, 350, 250]);
    // First frame at its arrival (1100 ms after the origin), then the RTP clock: 100 ms apart.
    expect(r.frames.map((f) => f.pts)).toEqual([1100, 1200, 1500, 1600]);
    expect(w.dropped).toBe(3);
  });
});
