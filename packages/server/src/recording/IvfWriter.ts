import fs from 'node:fs';

/**
 * VP8 over RTP → IVF file, for recordings: depacketizes (RFC 7741) the egress stream and writes
 * whole frames with a millisecond timestamp. A frame with a missing packet is dropped and so is
 * everything after it until the next key frame (a delta frame needs its references), so the file
 * always decodes. IVF is what libvpx tools and ffmpeg read; the recording is remuxed to WebM.
 * Header layout: https://wiki.multimedia.cx/index.php/IVF
 */
export class IvfWriter {
  /** Appended to without blocking the main thread (it also serves signalling). */
  private readonly out: fs.WriteStream;
  private frame: Buffer[] = [];
  private frameTs = -1;
  private nextSeq = -1;
  private inFrame = false;
  private needKey = true;
  private firstTs = -1;
  private firstAtMs = 0;
  private lastPts = -1;
  /** Unwrapped 90 kHz timestamp base (RTP timestamps wrap at 2^32). */
  private tsHigh = 0;
  private lastRawTs = -1;
  frames = 0;
  dropped = 0;
  width = 0;
  height = 0;

  /** `originMs`: wall time of the recording's start; frame timestamps count from there. */
  constructor(
    readonly file: string,
    private readonly originMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.out = fs.createWriteStream(file);
    this.out.on('error', () => undefined); // surfaces in close()
    this.out.write(header(0, 0, 0));
  }

  /** One RTP packet (12-byte header, no extensions or CSRCs, as VideoEgress sends). */
  packet(b: Buffer): void {
    if (b.length < 13 || (b[0]! & 0xc0) !== 0x80) return;
    const cc = b[0]! & 0x0f;
    const hasExt = (b[0]! & 0x10) !== 0;
    let off = 12 + cc * 4;
    if (hasExt) {
      if (b.length < off + 4) return;
      off += 4 + b.readUInt16BE(off + 2) * 4;
    }
    const marker = (b[1]! & 0x80) !== 0;
    const seq = b.readUInt16BE(2);
    const ts = b.readUInt32BE(4);
    const payload = b.subarray(off);
    const d = descriptor(payload);
    if (!d) return;
    // A lost (or reordered) packet: whatever it belonged to is gone; resume at the next key frame.
    if (this.nextSeq >= 0 && seq !== this.nextSeq) this.drop();
    this.nextSeq = (seq + 1) & 0xffff;
    if (d.start) {
      if (this.inFrame) this.drop(); // the previous frame never saw its marker
      this.frame = [];
      this.frameTs = ts;
      this.inFrame = true;
    } else if (!this.inFrame || ts !== this.frameTs) {
      this.drop();
      return;
    }
    this.frame.push(payload.subarray(d.length));
    if (marker) this.finishFrame(ts);
  }

  private drop(): void {
    if (this.inFrame) this.dropped++;
    this.frame = [];
    this.inFrame = false;
    this.needKey = true;
  }

  private finishFrame(ts: number): void {
    const data = Buffer.concat(this.frame);
    this.frame = [];
    this.inFrame = false;
    // https://www.rfc-editor.org/rfc/rfc6386#section-9.1 (frame tag: P bit 0 = key frame; start code 9d 01 2a)
    const key = data.length >= 10 && (data[0]! & 0x01) === 0 && data[3] === 0x9d && data[4] === 0x01 && data[5] === 0x2a;
    if (this.needKey && !key) {
      this.dropped++;
      return;
    }
    if (key) {
      this.needKey = false;
      this.width = data.readUInt16LE(6) & 0x3fff;
      this.height = data.readUInt16LE(8) & 0x3fff;
    }
    const wide = this.unwrap(ts);
    if (this.firstTs < 0) {
      this.firstTs = wide;
      this.firstAtMs = this.now() - this.originMs;
    }
    let pts = Math.round(this.firstAtMs + (wide - this.firstTs) / 90);
    if (pts <= this.lastPts) pts = this.lastPts + 1;
    this.lastPts = pts;
    const fh = Buffer.alloc(12);
    fh.writeUInt32LE(data.length, 0);
    fh.writeBigUInt64LE(BigInt(Math.max(0, pts)), 4);
    this.out.write(Buffer.concat([fh, data]));
    this.frames++;
  }

  private unwrap(ts: number): number {
    if (this.lastRawTs >= 0 && ts < this.lastRawTs && this.lastRawTs - ts > 0x80000000) this.tsHigh += 0x100000000;
    this.lastRawTs = ts;
    return this.tsHigh + ts;
  }

  /** Flush, then patch the header (size of the first key frame, frame count). */
  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(resolve);
    });
    const fh = await fs.promises.open(this.file, 'r+');
    try {
      await fh.write(header(this.width, this.height, this.frames), 0, 32, 0);
    } finally {
      await fh.close();
    }
  }
}

function header(width: number, height: number, frames: number): Buffer {
  const h = Buffer.alloc(32);
  h.write('DKIF', 0, 'ascii');
  h.writeUInt16LE(0, 4); // version
  h.writeUInt16LE(32, 6); // header size
  h.write('VP80', 8, 'ascii');
  h.writeUInt16LE(width, 12);
  h.writeUInt16LE(height, 14);
  h.writeUInt32LE(1000, 16); // time base: 1/1000 s
  h.writeUInt32LE(1, 20);
  h.writeUInt32LE(frames, 24);
  return h;
}

/** Payload descriptor length and S/PID=0 (frame start). https://www.rfc-editor.org/rfc/rfc7741#section-4.2 */
function descriptor(p: Buffer): { length: number; start: boolean } | null {
  if (p.length < 1) return null;
  const b0 = p[0]!;
  let off = 1;
  if (b0 & 0x80) {
    if (p.length < 2) return null;
    const b1 = p[1]!;
    off = 2;
    if (b1 & 0x80) {
      if (p.length <= off) return null;
      off += p[off]! & 0x80 ? 2 : 1;
    }
    if (b1 & 0x40) off += 1;
    if (b1 & 0x20 || b1 & 0x10) off += 1;
  }
  if (p.length <= off) return null;
  return { length: off, start: (b0 & 0x10) !== 0 && (b0 & 0x07) === 0 };
}
