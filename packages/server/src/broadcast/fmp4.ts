/**
 * Just enough ISO BMFF (ISO/IEC 14496-12) to cut ffmpeg's fragmented MP4 output, read from a pipe,
 * into an initialization section (ftyp + moov) and media fragments (moof + mdat), each of which
 * becomes one LL-HLS partial segment. https://www.rfc-editor.org/rfc/rfc8216#section-3.3
 * (fMP4 in HLS: each fragment is a moof followed by its mdat, after the shared EXT-X-MAP).
 */

/** One moof + mdat, as ffmpeg wrote it. */
export interface Fragment {
  data: Buffer;
  /** tfdt baseMediaDecodeTime, in the track's timescale. */
  baseTime: number;
  /** Sum of the fragment's sample durations, in seconds. */
  duration: number;
  samples: number;
}

export interface Fmp4Sink {
  init(data: Buffer): void;
  fragment(f: Fragment): void;
}

/** Boxes larger than this are not what our AAC encoder writes: the stream is corrupt. */
const MAX_BOX = 8 * 1024 * 1024;

/** Splits a byte stream into top-level boxes and hands the init section and fragments on. */
export class Fmp4Splitter {
  private pending: Buffer = Buffer.alloc(0);
  private ftyp: Buffer | null = null;
  private moof: Buffer | null = null;
  private timescale = 0;
  private trexDuration = 0;

  constructor(private readonly sink: Fmp4Sink) {}

  /** Feed bytes as they come; throws on a stream that is not fragmented MP4. */
  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (this.pending.length - at >= 8) {
      const size = this.pending.readUInt32BE(at);
      if (size < 8 || size > MAX_BOX) throw new Error(`fMP4: unexpected box size ${size}`);
      if (this.pending.length - at < size) break;
      this.box(this.pending.toString('latin1', at + 4, at + 8), this.pending.subarray(at, at + size));
      at += size;
    }
    this.pending = at === this.pending.length ? Buffer.alloc(0) : Buffer.from(this.pending.subarray(at));
  }

  private box(type: string, box: Buffer): void {
    switch (type) {
      case 'ftyp':
        this.ftyp = Buffer.from(box);
        return;
      case 'moov': {
        if (!this.ftyp) throw new Error('fMP4: moov before ftyp');
        const mdhd = find(box, ['trak', 'mdia', 'mdhd']);
        if (!mdhd) throw new Error('fMP4: no mdhd');
        this.timescale = mdhd.readUInt32BE(mdhd[0] === 1 ? 20 : 12);
        const trex = find(box, ['mvex', 'trex']);
        this.trexDuration = trex ? trex.readUInt32BE(12) : 0;
        this.sink.init(Buffer.concat([this.ftyp, box]));
        return;
      }
      case 'moof':
        this.moof = Buffer.from(box);
        return;
      case 'mdat': {
        const moof = this.moof;
        this.moof = null;
        if (!moof || !this.timescale) throw new Error('fMP4: mdat without moof or init');
        const t = fragmentTiming(moof, this.trexDuration);
        this.sink.fragment({ data: Buffer.concat([moof, box]), baseTime: t.baseTime, duration: t.ticks / this.timescale, samples: t.samples });
        return;
      }
      default:
        return; // mfra, free, sidx…: nothing a player needs from us
    }
  }
}

/** The payload (after the 8-byte header) of the box at `path` below `box`'s children, or null. */
export function find(box: Buffer, path: string[]): Buffer | null {
  let cur = box.subarray(8);
  for (const name of path) {
    let next: Buffer | null = null;
    for (let at = 0; at + 8 <= cur.length; ) {
      const size = cur.readUInt32BE(at);
      if (size < 8 || at + size > cur.length) return null;
      if (cur.toString('latin1', at + 4, at + 8) === name) {
        next = cur.subarray(at + 8, at + size);
        break;
      }
      at += size;
    }
    if (!next) return null;
    cur = next;
  }
  return cur;
}

/** tfdt, sample count and total duration (ticks) of a moof's first track fragment. */
export function fragmentTiming(moof: Buffer, trexDuration: number): { baseTime: number; samples: number; ticks: number } {
  const tfhd = find(moof, ['traf', 'tfhd']);
  const tfdt = find(moof, ['traf', 'tfdt']);
  const trun = find(moof, ['traf', 'trun']);
  if (!tfhd || !tfdt || !trun) throw new Error('fMP4: moof without tfhd/tfdt/trun');
  // tfhd: version+flags, track_ID, then optional fields in flag order (§8.8.7).
  const hf = tfhd.readUInt32BE(0) & 0xffffff;
  let o = 8 + (hf & 0x01 ? 8 : 0) + (hf & 0x02 ? 4 : 0);
  const defaultDuration = hf & 0x08 ? tfhd.readUInt32BE(o) : trexDuration;
  // tfdt (§8.8.12): version 1 has a 64-bit time.
  const baseTime = tfdt[0] === 1 ? Number(tfdt.readBigUInt64BE(4)) : tfdt.readUInt32BE(4);
  // trun (§8.8.8): sample_count, optional data_offset / first_sample_flags, then per-sample fields.
  const rf = trun.readUInt32BE(0) & 0xffffff;
  const samples = trun.readUInt32BE(4);
  o = 8 + (rf & 0x01 ? 4 : 0) + (rf & 0x04 ? 4 : 0);
  const per = (rf & 0x100 ? 4 : 0) + (rf & 0x200 ? 4 : 0) + (rf & 0x400 ? 4 : 0) + (rf & 0x800 ? 4 : 0);
  let ticks = 0;
  if (rf & 0x100) for (let i = 0; i < samples; i++) ticks += trun.readUInt32BE(o + i * per);
  else ticks = samples * defaultDuration;
  return { baseTime, samples, ticks };
}
