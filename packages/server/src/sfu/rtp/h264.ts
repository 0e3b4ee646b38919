/**
 * H.264 RTP payloads (RFC 6184), enough for an SFU to find where a key frame starts without
 * decoding: the NAL unit header's type, in a single NAL unit packet, inside a STAP-A, or in the
 * first fragment of an FU-A.
 * https://www.rfc-editor.org/rfc/rfc6184#section-5.2 (payload structures)
 */

export interface H264Info {
  /** The packet carries a sequence parameter set (what a decoder needs before an IDR). */
  sps: boolean;
  /** The packet starts an IDR picture (single NAL unit, or FU-A with S=1). */
  idrStart: boolean;
}

const SPS = 7;
const IDR = 5;
const STAP_A = 24;
const FU_A = 28;

export function parseH264(payload: Uint8Array): H264Info | null {
  if (payload.length < 1) return null;
  const type = payload[0]! & 0x1f;
  if (type >= 1 && type <= 23) return { sps: type === SPS, idrStart: type === IDR };
  if (type === STAP_A) {
    // https://www.rfc-editor.org/rfc/rfc6184#section-5.7.1: 16-bit size, then the NAL unit.
    let sps = false;
    let idr = false;
    for (let at = 1; at + 2 < payload.length; ) {
      const size = (payload[at]! << 8) | payload[at + 1]!;
      const t = payload[at + 2]! & 0x1f;
      if (t === SPS) sps = true;
      if (t === IDR) idr = true;
      at += 2 + size;
    }
    return { sps, idrStart: idr };
  }
  if (type === FU_A) {
    // https://www.rfc-editor.org/rfc/rfc6184#section-5.8: FU header S bit, original NAL type.
    if (payload.length < 2) return null;
    const fu = payload[1]!;
    return { sps: false, idrStart: (fu & 0x80) !== 0 && (fu & 0x1f) === IDR };
  }
  return { sps: false, idrStart: false };
}

/**
 * Key-frame starts of one H.264 stream: the packet with the SPS that precedes an IDR, or the IDR's
 * first packet when the encoder sent no SPS with it. Only the first such packet of an access unit
 * (RTP timestamp) counts, so the GOP cache and layer switches start with the parameter sets.
 */
export class H264KeyFrames {
  private lastKeyTs = -1;

  isKeyStart(payload: Uint8Array, timestamp: number): boolean {
    const i = parseH264(payload);
    if (!i || !(i.sps || i.idrStart) || timestamp === this.lastKeyTs) return false;
    this.lastKeyTs = timestamp;
    return true;
  }
}
