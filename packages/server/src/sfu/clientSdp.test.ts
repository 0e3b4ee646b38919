import sdpTransform from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { normalizeClientSdp } from './clientSdp.ts';

// Firefox ESR 140's publish offer (microphone, camera with three simulcast layers), trimmed; its
// host candidates under mDNS names, as Firefox sends them by default.
const FIREFOX_OFFER = [
  'v=0',
  'o=mozilla...THIS_IS_SDPARTA-99.0 8735635109285866672 1 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=sendrecv',
  'a=fingerprint:sha-256 85:F6:B6:0A:B7:79:BA:87:78:78:67:27:13:EE:95:4C:94:13:B2:EC:7D:DA:B9:22:A2:31:08:0B:CF:CD:D4:0C',
  'a=group:BUNDLE 0 1',
  'a=ice-options:trickle',
  'a=msid-semantic:WMS *',
  'm=audio 48597 UDP/TLS/RTP/SAVPF 109 9 0 8 101',
  'c=IN IP4 0.0.0.0',
  'a=candidate:0 1 UDP 2122187007 7f0c4b1e-8f3e-4c0d-9a57-2b8e0f6c1d3a.local 48597 typ host',
  'a=candidate:1 1 UDP 2122252543 a5d1c2e4-3b6f-4e8a-b1c9-7d2e5f8a9b0c.local 40380 typ host',
  'a=sendonly',
  'a=end-of-candidates',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=ice-pwd:e052cbbfd4796709a95e562554fbb6b4',
  'a=ice-ufrag:ee6c5201',
  'a=mid:0',
  'a=msid:- {6016c316-adfd-4f7e-bfc2-340132ef5288}',
  'a=rtcp-mux',
  'a=rtpmap:109 opus/48000/2',
  'a=setup:actpass',
  'a=ssrc:4260856604 cname:{be1908e4-f6c7-41fc-b1e6-3f4eb63ab4f0}',
  'm=video 0 UDP/TLS/RTP/SAVPF 120 124',
  'c=IN IP4 0.0.0.0',
  'a=bundle-only',
  'a=sendonly',
  'a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:9/sendonly urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=extmap:10/sendonly urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'a=fmtp:124 apt=120',
  'a=ice-pwd:e052cbbfd4796709a95e562554fbb6b4',
  'a=ice-ufrag:ee6c5201',
  'a=mid:1',
  'a=msid:- {f6b9042d-b491-4858-9cde-d4beaffdb125}',
  'a=rid:q send',
  'a=rid:h send',
  'a=rid:f send',
  'a=rtcp-mux',
  'a=rtpmap:120 VP8/90000',
  'a=rtpmap:124 rtx/90000',
  'a=setup:actpass',
  'a=simulcast:send q;h;f',
  '',
].join('\r\n');

describe('normalizeClientSdp', () => {
  it('accepts Firefox’s bundle-only m-line as bundled (port 9) and drops its mDNS candidates', () => {
    const out = sdpTransform.parse(normalizeClientSdp(FIREFOX_OFFER));
    const [audio, video] = out.media;
    expect(audio!.port).toBe(48597);
    expect(audio!.candidates ?? []).toEqual([]);
    expect(audio!.endOfCandidates).toBe('end-of-candidates');
    expect(video!.port).toBe(9);
    expect(video!.bundleOnly).toBeUndefined();
    // Everything else stays: simulcast rids, extensions, direction.
    expect(video!.direction).toBe('sendonly');
    expect(video!.rids?.map((r) => r.id)).toEqual(['q', 'h', 'f']);
    expect(video!.ext?.map((e) => e.uri)).toContain('urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id');
  });

  it('keeps a rejected m-line (port 0 outside the BUNDLE group) rejected, and real addresses', () => {
    const sdp = FIREFOX_OFFER.replace('a=group:BUNDLE 0 1', 'a=group:BUNDLE 0').replace(' 7f0c4b1e-8f3e-4c0d-9a57-2b8e0f6c1d3a.local ', ' 192.0.2.7 ');
    const out = sdpTransform.parse(normalizeClientSdp(sdp));
    expect(out.media[1]!.port).toBe(0);
    expect(out.media[0]!.candidates?.map((c) => c.ip)).toEqual(['192.0.2.7']);
  });

  it('returns Chromium-style SDP (port 9, IP candidates) unchanged, byte for byte', () => {
    const chromium = FIREFOX_OFFER.replace('m=video 0 ', 'm=video 9 ').replace('a=bundle-only\r\n', '').replace(/[0-9a-f-]{36}\.local/g, '192.0.2.7');
    expect(normalizeClientSdp(chromium)).toBe(chromium);
  });
});
