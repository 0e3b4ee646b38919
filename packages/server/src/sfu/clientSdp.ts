import sdpTransform from 'sdp-transform';

/**
 * A client's SDP (publish, WHIP and WHEP offers; subscribe answers) as werift and our own m-line
 * checks can read it. Two things browsers other than Chromium send that would otherwise make the
 * SFU fail:
 *
 * 1. Bundle-only m= sections. https://www.rfc-editor.org/rfc/rfc8843#section-6 and RFC 8829
 *    §5.2.1 ('max-bundle'): every m= section after the first of a BUNDLE group is offered with
 *    port 0 and `a=bundle-only`. Firefox does this (Chromium offers port 9 everywhere). Port 0
 *    there does not mean "rejected", but werift, and our "is this m-line sending?" checks, read it
 *    that way: Firefox's camera was answered `m=video 0 … a=inactive` and never published. Such
 *    sections get the usual "bundled, no port of its own" value 9 (what Chromium offers).
 *    Sections outside any BUNDLE group keep port 0 (that really is a rejection). Offers only.
 *
 * 2. mDNS host candidates (`<uuid>.local`, https://datatracker.ietf.org/doc/html/draft-ietf-mmusic-mdns-ice-candidates):
 *    Firefox, and Chromium and Safari without a capture permission, hide their addresses so.
 *    werift would send a multicast DNS query from the server for each (and wait 10 s for an
 *    answer that cannot come across networks); they are dropped instead. The client is learnt
 *    from its connectivity checks as a peer-reflexive candidate (RFC 8445 §7.3.1.3), which the
 *    patch in weriftPatches.ts lets werift wait for.
 */
export function normalizeClientSdp(sdp: string): string {
  const bundleOnly = /^a=bundle-only\r?$/m.test(sdp);
  const mdns = /^a=candidate:.* [^ ]+\.local \d+ typ /m.test(sdp);
  if (!bundleOnly && !mdns) return sdp;
  const parsed = sdpTransform.parse(sdp);
  const bundled = new Set((parsed.groups ?? []).filter((g) => g.type === 'BUNDLE').flatMap((g) => String(g.mids).split(' ')));
  for (const m of parsed.media ?? []) {
    if (m.candidates) m.candidates = m.candidates.filter((c) => !c.ip.endsWith('.local'));
    if (!m.bundleOnly || m.port !== 0 || m.mid === undefined || !bundled.has(String(m.mid))) continue;
    m.port = 9;
    delete m.bundleOnly;
  }
  return sdpTransform.write(parsed);
}
