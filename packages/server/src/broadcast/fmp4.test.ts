import { describe, expect, it } from 'vitest';
import { Fmp4Splitter, type Fragment } from './fmp4.ts';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
};
const full = (version: number, flags: number) => u32((version << 24) | flags);

// What ffmpeg 5.1 writes for AAC with `-movflags empty_moov+default_base_moof`: timescale 48000,
// tfhd default duration 1024, trun with data offset + per-sample sizes.
const ftyp = box('ftyp', Buffer.from('iso5'), u32(512));
const moov = box('moov', box('trak', box('mdia', box('mdhd', full(0, 0), u32(0), u32(0), u32(48000), u32(0)))), box('mvex', box('trex', full(0, 0), u32(1), u32(1), u32(0), u32(0), u32(0))));
function fragment(base: number, samples: number, perSampleDuration?: number): Buffer {
  const tfhd = box('tfhd', full(0, 0x020038), u32(1), u32(1024), u32(300), u32(0));
  const tfdt = box('tfdt', full(1, 0), Buffer.from([0, 0, 0, 0]), u32(base));
  const flags = perSampleDuration ? 0x301 : 0x201;
  const entries = Array.from({ length: samples }, () => (perSampleDuration ? Buffer.concat([u32(perSampleDuration), u32(300)]) : u32(300)));
  const trun = box('trun', full(0, flags), u32(samples), u32(0), ...entries);
  return Buffer.concat([box('moof', box('mfhd', full(0, 0), u32(1)), box('traf', tfhd, tfdt, trun)), box('mdat', Buffer.alloc(samples * 300, 7))]);
}

describe('Fmp4Splitter', () => {
  it('cuts a byte stream (in arbitrary chunks) into the init section and moof+mdat fragments with their timing', () => {
    const inits: Buffer[] = [];
    const frags: Fragment[] = [];
    const s = new Fmp4Splitter({ init: (d) => inits.push(d), fragment: (f) => frags.push(f) });
    const f1 = fragment(0, 15);
    const f2 = fragment(15360, 15, 1024);
    const stream = Buffer.concat([ftyp, moov, f1, f2, box('mfra', u32(0))]);
    for (let i = 0; i < stream.length; i += 37) s.push(stream.subarray(i, i + 37));
    expect(inits).toEqual([Buffer.concat([ftyp, moov])]);
    expect(frags.map((f) => [f.baseTime, f.samples, f.duration])).toEqual([
      [0, 15, 0.32],
      [15360, 15, 0.32],
    ]);
    expect(frags[0]!.data.equals(f1)).toBe(true);
    expect(frags[1]!.data.equals(f2)).toBe(true);
  });

  it('rejects what is not fragmented MP4', () => {
    const s = new Fmp4Splitter({ init: () => undefined, fragment: () => undefined });
    expect(() => s.push(Buffer.from('Input #0, sdp, from space.sdp'))).toThrow(/box size/);
    const t = new Fmp4Splitter({ init: () => undefined, fragment: () => undefined });
    expect(() => t.push(box('mdat', Buffer.alloc(4)))).toThrow(/without moof/);
  });
});
