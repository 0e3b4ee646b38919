import type { RtpPacket } from 'werift';
import type { MediaSource, PacketTap } from '../MediaSource.ts';

/**
 * Live captions: every microphone of the room (local and piped), now and later, handed to the
 * main thread as Opus payloads (one event per 20 ms packet). Paused (muted) sources deliver
 * nothing to taps, so a muted speaker is never captioned.
 */
export class CaptionTap implements PacketTap {
  private readonly sources = new Set<MediaSource>();

  constructor(private readonly emit: (peerId: string, payload: Uint8Array) => void) {}

  add(source: MediaSource): void {
    if (source.kind !== 'audio' || source.source !== 'microphone' || this.sources.has(source)) return;
    this.sources.add(source);
    source.taps.add(this);
    source.once('close', () => this.sources.delete(source));
  }

  packet(source: MediaSource, _rank: number, rtp: RtpPacket): void {
    // A copy: the payload is a view into werift's receive buffer.
    this.emit(source.peerId, new Uint8Array(rtp.payload));
  }

  close(): void {
    for (const s of this.sources) s.taps.delete(this);
    this.sources.clear();
  }
}
