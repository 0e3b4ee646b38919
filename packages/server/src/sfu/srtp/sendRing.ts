/**
 * Buffers for outgoing SRTP packets, cut in turn from one long-lived 4 MB slab per thread.
 *
 * A Buffer per packet from Node's 8 KB pool cost about 1.2 µs on average (a new ArrayBuffer every
 * few packets); a bigger pool made the slab outlive scavenges and pulled in full (mark-compact)
 * collections. This slab is never garbage. A packet is handed to the socket at once and sent
 * within the same tick; its bytes are reused only after 4 MB more have been sent (≈ 0.4 s at
 * 10 MB/s). A send the kernel refused (EAGAIN) and libuv queued for that long would go out with
 * other bytes: the receiver's SRTP authentication drops it, as a loss that NACK repairs.
 */
const RING_BYTES = 4 << 20;

let ring: Buffer | null = null;
let next = 0;

/** `size` bytes (at most 64 KB) starting at an 8-byte-aligned offset of the ring. */
export function sendBuffer(size: number): Buffer {
  if (size > 0x1_0000) return Buffer.allocUnsafe(size);
  ring ??= Buffer.allocUnsafeSlow(RING_BYTES);
  let start = next;
  if (start + size > RING_BYTES) start = 0;
  next = (start + size + 7) & ~7;
  return ring.subarray(start, start + size);
}
