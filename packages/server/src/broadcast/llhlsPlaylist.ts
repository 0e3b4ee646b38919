/**
 * Renders our Low-Latency HLS media playlist (draft-pantos-hls-rfc8216bis-16). Pure: the store
 * hands it the window of segments and parts it keeps in memory.
 */

export interface PlaylistPart {
  name: string;
  /** Seconds. */
  duration: number;
}

export interface PlaylistSegment {
  msn: number;
  /** ffmpeg run this segment came from: its init section is `<run>-init.mp4`. */
  run: string;
  /** Null while the segment is still open (only its parts are listed). */
  name: string | null;
  duration: number;
  parts: PlaylistPart[];
  /** First segment of a restarted ffmpeg run (timestamps restart). */
  discontinuity: boolean;
}

export interface PlaylistInput {
  targetDuration: number;
  partTarget: number;
  partHoldBack: number;
  /** EXT-X-DISCONTINUITY-SEQUENCE: discontinuities that left the window. */
  discontinuitySequence: number;
  /** Oldest first; the last one may be open (name null). */
  segments: PlaylistSegment[];
  /** List EXT-X-PART lines for this many complete segments at the end (plus the open one). */
  partSegments: number;
  /** The part the origin will serve next (EXT-X-PRELOAD-HINT), if ffmpeg is running. */
  preloadHint: string | null;
}

const secs = (s: number) => s.toFixed(5);

export function renderPlaylist(p: PlaylistInput): string {
  const first = p.segments[0];
  if (!first) throw new Error('renderPlaylist: no segments');
  const complete = p.segments.filter((s) => s.name !== null).length;
  const lines = [
    '#EXTM3U',
    // Version 6: EXT-X-MAP in a non-I-frame playlist (RFC 8216 §7). LL-HLS tags need no higher
    // version; 9 would be needed only for EXT-X-SKIP, which we do not offer.
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${p.targetDuration}`,
    // §4.4.3.8: CAN-BLOCK-RELOAD (_HLS_msn/_HLS_part, §6.2.5.2); PART-HOLD-BACK ≥ 3 × PART-TARGET.
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${p.partHoldBack.toFixed(3)}`,
    `#EXT-X-PART-INF:PART-TARGET=${secs(p.partTarget)}`,
    `#EXT-X-MEDIA-SEQUENCE:${first.msn}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${p.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  let run = '';
  let i = 0;
  for (const s of p.segments) {
    if (s.discontinuity && i > 0) lines.push('#EXT-X-DISCONTINUITY');
    if (s.run !== run) {
      run = s.run;
      lines.push(`#EXT-X-MAP:URI="${run}-init.mp4"`);
    }
    // §4.4.4.9: parts of the segments near the live edge; every AAC frame is a sync sample.
    if (s.name === null || i >= complete - p.partSegments) {
      for (const part of s.parts) lines.push(`#EXT-X-PART:DURATION=${secs(part.duration)},URI="${part.name}",INDEPENDENT=YES`);
    }
    if (s.name !== null) lines.push(`#EXTINF:${secs(s.duration)},`, s.name);
    i++;
  }
  // §4.4.5.3: the next part, which the origin serves as soon as it exists.
  if (p.preloadHint) lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${p.preloadHint}"`);
  return lines.join('\n') + '\n';
}
