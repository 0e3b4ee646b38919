/**
 * VP8 RTP payload descriptor parsing, enough for an SFU to find key frames and frame starts
 * without decoding media (also works when the frame body is SFrame-encrypted, as long as the
 * descriptor and the first payload-header byte stay in the clear).
 */

export interface Vp8Info {
  /** S bit and partition index 0: first packet of a frame. */
  frameStart: boolean;
  /** Frame start whose VP8 payload header has P = 0 (key frame). */
  keyFrame: boolean;
}

/**
 * https://www.rfc-editor.org/rfc/rfc7741#section-4.2 (payload descriptor) and
 * https://www.rfc-editor.org/rfc/rfc7741#section-4.3 (payload header: P bit, 0 = key frame).
 * Returns null for a payload too short to hold a descriptor.
 */
export function parseVp8(payload: Uint8Array): Vp8Info | null {
  if (payload.length < 1) return null;
  const b0 = payload[0]!;
  const x = (b0 & 0x80) !== 0;
  const s = (b0 & 0x10) !== 0;
  const pid = b0 & 0x07;
  let offset = 1;
  if (x) {
    if (payload.length < 2) return null;
    const b1 = payload[1]!;
    offset = 2;
    const i = (b1 & 0x80) !== 0;
    const l = (b1 & 0x40) !== 0;
    const t = (b1 & 0x20) !== 0;
    const k = (b1 & 0x10) !== 0;
    if (i) {
      if (payload.length <= offset) return null;
      offset += (payload[offset]! & 0x80) !== 0 ? 2 : 1; // M bit: 15-bit PictureID
    }
    if (l) offset += 1; // TL0PICIDX
    if (t || k) offset += 1; // TID/Y/KEYIDX
  }
  const frameStart = s && pid === 0;
  if (!frameStart) return { frameStart: false, keyFrame: false };
  if (payload.length <= offset) return null;
  return { frameStart: true, keyFrame: (payload[offset]! & 0x01) === 0 };
}
