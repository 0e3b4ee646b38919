/**
 * Slots for outgoing SRTP packets, handed out in turn from one long-lived 4 MB slab per thread
 * (allocated when a thread first imports this module; memory is taken only as it is written).
 *
 * A Buffer per packet from Node's 8 KB pool cost about 1.2 µs on average (a new ArrayBuffer every
 * few packets); a bigger pool made the slab outlive scavenges and pulled in full (mark-compact)
 * collections. This slab is never garbage. A packet is handed to the socket at once and sent
 * within the same tick; its bytes are reused only after 4 MB more have been sent (≈ 0.4 s at
 * 10 MB/s). A send the kernel refused (EAGAIN) and libuv queued for that long would go out with
 * other bytes: the receiver's SRTP authentication drops it, as a loss that NACK repairs.
 */
const RING_BYTES = 4 << 20;

/** The ring itself. */
export const sendRing: Buffer = Buffer.allocUnsafeSlow(RING_BYTES);
/** The whole ring as 32-bit words (for CmKeystream.xorInto). */
export const ringWords = new Int32Array(sendRing.buffer, 0, RING_BYTES >> 2);
/** Largest slot the ring hands out. */
export const MAX_SLOT = 0x1_0000;
let next = 0;

/**
 * The ring's offset of `size` bytes to fill (8-byte aligned), or -1 when `size` is over 64 KB.
 * The caller makes its own views of the slot (of `sendRing`), so no Buffer is made here.
 */
export function sendSlot(size: number): number {
  if (size > MAX_SLOT) return -1;
  let start = next;
  if (start + size > RING_BYTES) start = 0;
  next = (start + size + 7) & ~7;
  return start;
}
