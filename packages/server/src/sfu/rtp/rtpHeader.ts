/**
 * Byte-level RTP header reader for the receive path: the fixed header, and from the header
 * extensions only what the SFU routes on (mid, rid, repaired rid) and the audio level. The
 * caller's `RtpHeaderView` is reused packet after packet; nothing is allocated unless a mid/rid
 * is present (then one short string each).
 */
export interface RtpHeaderView {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  padding: boolean;
  /** Bytes up to the payload: fixed header, CSRCs and the extension block. */
  headerLength: number;
  mid: string | undefined;
  rid: string | undefined;
  rrid: string | undefined;
  /** https://www.rfc-editor.org/rfc/rfc6464#section-3 level (0–127, -dBov), or -1. */
  audioLevel: number;
}

/** Negotiated extension ids (0 = not negotiated). */
export interface ExtensionIds {
  mid: number;
  rid: number;
  rrid: number;
  audioLevel: number;
}

export function newHeaderView(): RtpHeaderView {
  return { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, padding: false, headerLength: 0, mid: undefined, rid: undefined, rrid: undefined, audioLevel: -1 };
}

/**
 * https://www.rfc-editor.org/rfc/rfc3550#section-5.1 fixed header, §5.3.1 extension block;
 * https://www.rfc-editor.org/rfc/rfc8285#section-4.2 one-byte and §4.3 two-byte elements.
 * Returns false for anything that is not a well-formed RTP version 2 header.
 */
export function readRtpHeader(b: Buffer, ids: ExtensionIds, h: RtpHeaderView): boolean {
  const len = b.length;
  if (len < 12 || b[0]! >> 6 !== 2) return false;
  const b0 = b[0]!;
  h.padding = (b0 & 0x20) !== 0;
  h.marker = (b[1]! & 0x80) !== 0;
  h.payloadType = b[1]! & 0x7f;
  h.sequenceNumber = (b[2]! << 8) | b[3]!;
  h.timestamp = b.readUInt32BE(4);
  h.ssrc = b.readUInt32BE(8);
  h.mid = h.rid = h.rrid = undefined;
  h.audioLevel = -1;
  let off = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (off + 4 > len) return false;
    const profile = (b[off]! << 8) | b[off + 1]!;
    const end = off + 4 + ((b[off + 2]! << 8) | b[off + 3]!) * 4;
    if (end > len) return false;
    let p = off + 4;
    if (profile === 0xbede) {
      while (p < end) {
        const x = b[p]!;
        const id = x >> 4;
        if (id === 0) {
          p++; // padding byte
          continue;
        }
        if (id === 15) break;
        const l = (x & 0x0f) + 1;
        readElement(b, ids, h, id, p + 1, l, end);
        p += 1 + l;
      }
    } else if ((profile & 0xfff0) === 0x1000) {
      while (p < end) {
        const id = b[p]!;
        if (id === 0) {
          p++;
          continue;
        }
        if (p + 1 >= end) break;
        const l = b[p + 1]!;
        readElement(b, ids, h, id, p + 2, l, end);
        p += 2 + l;
      }
    }
    off = end;
  }
  if (off > len) return false;
  h.headerLength = off;
  return true;
}

function readElement(b: Buffer, ids: ExtensionIds, h: RtpHeaderView, id: number, at: number, l: number, end: number): void {
  if (at + l > end || l === 0) return;
  if (id === ids.audioLevel) h.audioLevel = b[at]! & 0x7f;
  else if (id === ids.mid) h.mid = b.toString('latin1', at, at + l);
  else if (id === ids.rid) h.rid = b.toString('latin1', at, at + l);
  else if (id === ids.rrid) h.rrid = b.toString('latin1', at, at + l);
}
