import { CmKeystream } from './CmKeystream.ts';
import { HmacSha1 } from './HmacSha1.ts';
import type { SrtcpKeys } from './SrtcpUnprotector.ts';
import { srtcpKeysOf } from './weriftKeys.ts';

/** The SRTCP index of one sending SSRC: werift's own per-SSRC state, so both count on one index. */
export interface SrtcpIndexState {
  srtcpIndex: number;
}

/**
 * Outbound SRTCP for the AES-CM profile (https://www.rfc-editor.org/rfc/rfc3711#section-3.4):
 * the sender reports of the streams we send, built and protected without werift's per-packet
 * serializer, cipher and HMAC objects and promise chain. The SRTCP index of an SSRC is werift's
 * own counter for it (`indexOf`), so a packet werift sends on the same SSRC never reuses one
 * (the receiver would drop it as a replay).
 */
export class SrtcpProtector {
  private readonly cm: CmKeystream;
  private readonly hmac: HmacSha1;

  constructor(
    keys: SrtcpKeys,
    private readonly indexOf: (ssrc: number) => SrtcpIndexState,
  ) {
    this.cm = new CmKeystream(keys.key, keys.salt);
    this.hmac = new HmacSha1(keys.authKey);
  }

  /** The SRTCP packet for a compound RTCP packet: encrypted after its first 8 octets, E ‖ index, 80-bit tag. */
  protect(rtcp: Buffer): Buffer {
    const ssrc = rtcp.readUInt32BE(4);
    const state = this.indexOf(ssrc);
    // The index counts up from 1 and wraps at 2^31, as werift's does.
    state.srtcpIndex = (state.srtcpIndex + 1) & 0x7fffffff;
    const index = state.srtcpIndex;
    const n = rtcp.length;
    const out = Buffer.allocUnsafe(n + 14);
    out.set(rtcp);
    // https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1: IV from the salt, SSRC and SRTCP index.
    this.cm.xorInto(ssrc, index, out, 8, n - 8);
    out.writeUInt32BE((0x8000_0000 | index) >>> 0, n);
    this.hmac.sign(out, n + 4, 10);
    return out;
  }
}

interface WeriftSrtcpLocal {
  getSrtcpSsrcState(ssrc: number): SrtcpIndexState;
}

/** An SRTCP protector on werift's outbound SRTCP context of a DTLS transport; null for GCM or other werift internals. */
export function srtcpProtectorOf(dtls: unknown): SrtcpProtector | null {
  const ctx = (dtls as { srtcp?: { localContext?: unknown } } | null)?.srtcp?.localContext as (WeriftSrtcpLocal & object) | undefined;
  if (!ctx || typeof ctx.getSrtcpSsrcState !== 'function') return null;
  const keys = srtcpKeysOf(ctx);
  return keys ? new SrtcpProtector(keys, (ssrc) => ctx.getSrtcpSsrcState(ssrc)) : null;
}
