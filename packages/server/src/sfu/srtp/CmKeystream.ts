import { createCipheriv, type Cipher } from 'node:crypto';

/**
 * Keystream for this many upcoming packets of one SSRC is made in one cipher call (≈ 16 KB).
 * 64 KB batches (fewer calls, each with ≈ 4 µs of fixed cost) were slower per packet through
 * `xorInto` (1.7–1.9 against 1.3–1.5 µs), and copying batches into a buffer kept per SSRC slower
 * still: the keystream then no longer stays in cache.
 */
const BATCH_BYTES = 16 * 1024;
const MAX_BATCH = 64;

interface Batch {
  ssrc: number;
  /** Packet index (ROC·2^16 + SEQ) of the first packet in `ks`. */
  base: number;
  count: number;
  /** Keystream bytes per packet (a multiple of 16). */
  slot: number;
  ks: Buffer;
  /** `ks` as 32-bit words, when it is 4-byte aligned. */
  words: Int32Array | null;
}

/**
 * AES-CM keystream for SRTP (https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1), made ahead
 * for a run of packet indices at once. The keystream does not depend on the payload, and a
 * sender's indices are known in advance (they count up by one), so one long-lived AES-ECB cipher
 * turns a batch of counter blocks into the keystream of the next packets: no cipher object and
 * no output buffer per packet, which is what Node's `createCipheriv` would cost.
 * An index past the batch starts the next batch; an older one (a resend) gets its keystream alone.
 */
export class CmKeystream {
  private readonly ecb: Cipher;
  private readonly batches = new Map<number, Batch>();
  /** The batch used last: a sender's packets mostly come on one SSRC (RTX is the other). */
  private last: Batch | null = null;
  private blocks = Buffer.alloc(0);
  private blockWords = new Int32Array(0);
  private readonly iv = Buffer.allocUnsafeSlow(16);
  private readonly ivWords = new Int32Array(this.iv.buffer, this.iv.byteOffset, 4);
  private viewOf: ArrayBufferLike | null = null;
  private view: Int32Array<ArrayBufferLike> = new Int32Array(0);

  constructor(
    key: Buffer,
    private readonly salt: Buffer,
  ) {
    this.ecb = createCipheriv('aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
  }

  /**
   * Encrypts (or decrypts) `len` bytes of `buf` from `start` in place with packet `index` of `ssrc`.
   * `words`, when the caller has one, must be an Int32Array over all of `buf`'s ArrayBuffer from
   * byte 0 (the send ring's `ringWords`): reading `buf.buffer` to find or make one is a call into
   * V8's runtime per packet.
   */
  xorInto(ssrc: number, index: number, buf: Buffer, start: number, len: number, words?: Int32Array): void {
    let b = this.last && this.last.ssrc === ssrc ? this.last : this.batches.get(ssrc);
    if (b && index < b.base) {
      // An older packet again (a resend without RTX): its keystream alone, used once; the batch stays.
      b = this.batch(ssrc, index, Math.max(16, (len + 15) & ~15), 1);
    } else {
      if (!b || index >= b.base + b.count || len > b.slot) {
        const slot = Math.max(16, (len + 15) & ~15, b ? b.slot : 0);
        b = this.batch(ssrc, index, slot, Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_BYTES / slot))));
        this.batches.set(ssrc, b);
      }
      if (this.last !== b) this.last = b;
    }
    const ks = b.ks;
    const at = (index - b.base) * b.slot;
    let i = 0;
    const off = buf.byteOffset + start;
    if (b.words && (off & 3) === 0) {
      // 32 bits at a time, through the caller's view of `buf`'s memory or one cached per
      // ArrayBuffer (a datagram's own buffer, Node's pool slab), and one over our batch.
      let w = words;
      if (!w) {
        if (buf.buffer !== this.viewOf) {
          this.viewOf = buf.buffer;
          this.view = new Int32Array(buf.buffer, 0, buf.buffer.byteLength >> 2);
        }
        w = this.view;
      }
      const k = b.words;
      const o = off >> 2;
      const ko = at >> 2;
      const n = len >> 2;
      // Four words per turn: about half the time of one (fewer loop and bounds checks).
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        const q = o + j;
        const r = ko + j;
        w[q]! ^= k[r]!;
        w[q + 1]! ^= k[r + 1]!;
        w[q + 2]! ^= k[r + 2]!;
        w[q + 3]! ^= k[r + 3]!;
      }
      for (; j < n; j++) w[o + j]! ^= k[ko + j]!;
      i = n << 2;
    }
    for (; i < len; i++) buf[start + i]! ^= ks[at + i]!;
  }

  /** Keystream for `count` packets from `base` of `ssrc`, `slot` bytes each, in one cipher call. */
  private batch(ssrc: number, base: number, slot: number, count: number): Batch {
    const size = count * slot;
    if (this.blocks.length < size) {
      this.blocks = Buffer.allocUnsafeSlow(Math.max(size, BATCH_BYTES));
      this.blockWords = new Int32Array(this.blocks.buffer, 0, this.blocks.length >> 2);
    }
    const w = this.blockWords;
    const iv = this.ivWords;
    const perPacket = slot >> 4;
    const counter = counterWords(perPacket);
    for (let p = 0; p < count; p++) {
      const index = base + p;
      ctrIv(this.iv, this.salt, ssrc, index & 0xffff, Math.floor(index / 0x1_0000));
      // Block j of the packet is IV + j: the low 16 bits of IV are 0, so IV | j, 32 bits at a time.
      const a = iv[0]!;
      const b = iv[1]!;
      const c = iv[2]!;
      const d = iv[3]!;
      for (let j = 0, o = p * (slot >> 2); j < perPacket; j++, o += 4) {
        w[o] = a;
        w[o + 1] = b;
        w[o + 2] = c;
        w[o + 3] = d | counter[j]!;
      }
    }
    const ks = this.ecb.update(this.blocks.subarray(0, size));
    const words = ks.byteOffset & 3 ? null : new Int32Array(ks.buffer, ks.byteOffset, ks.length >> 2);
    return { ssrc, base, count, slot, ks, words };
  }
}

/** For each block j of a packet, the last 32 bits of a counter block whose bytes 14–15 are j (the rest 0). */
let counters = new Int32Array(0);
function counterWords(blocks: number): Int32Array {
  if (counters.length < blocks) {
    const b = Buffer.alloc(blocks * 4);
    for (let j = 0; j < blocks; j++) b.writeUInt16BE(j, j * 4 + 2);
    counters = new Int32Array(b.buffer, b.byteOffset, blocks);
  }
  return counters;
}

/** https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1: IV = salt·2^16 ⊕ SSRC·2^64 ⊕ index·2^16, written into `iv` (16 bytes). */
export function ctrIv(iv: Buffer, salt: Buffer, ssrc: number, seq: number, roc: number): Buffer {
  iv.fill(0);
  iv.writeUInt32BE(ssrc >>> 0, 4);
  iv.writeUInt32BE(roc >>> 0, 8);
  iv.writeUInt16BE(seq, 12);
  for (let i = 0; i < 14; i++) iv[i]! ^= salt[i]!;
  return iv;
}
