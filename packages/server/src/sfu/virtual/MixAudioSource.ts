import { createSocket, type Socket } from 'node:dgram';
import type { RtpPacket } from 'werift';
import { MediaSource } from '../MediaSource.ts';

/**
 * The room's mixed audio as one producer-like source for viewers that take a single audio track
 * (WHEP players): ffmpeg mixes the speakers (fed by an AudioEgress) and sends Opus RTP back to
 * this source's UDP port on 127.0.0.1. Not tapped by the room's egresses (it would mix itself).
 */
export class MixAudioSource extends MediaSource {
  private socket: Socket | null = null;

  /** Bind the loopback port ffmpeg sends to. */
  bind(): Promise<number> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('error', () => undefined);
    socket.on('message', (b) => this.receive(b));
    return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
  }

  /** https://www.rfc-editor.org/rfc/rfc3550#section-5.1 — the payload after CSRCs and extensions. */
  private receive(b: Buffer): void {
    if (this.closed || b.length < 12 || (b[0]! & 0xc0) !== 0x80) return;
    const pt = b[1]! & 0x7f;
    if (pt >= 72 && pt <= 76) return; // RTCP on the same port
    let off = 12 + (b[0]! & 0x0f) * 4;
    if (b[0]! & 0x10) {
      if (b.length < off + 4) return;
      off += 4 + b.readUInt16BE(off + 2) * 4;
    }
    let end = b.length;
    if (b[0]! & 0x20) end -= b[b.length - 1]!; // padding
    if (off >= end) return;
    const rtp = {
      header: { sequenceNumber: b.readUInt16BE(2), timestamp: b.readUInt32BE(4), marker: (b[1]! & 0x80) !== 0, ssrc: b.readUInt32BE(8), payloadType: pt, extensions: [] },
      payload: b.subarray(off, end),
    } as unknown as RtpPacket;
    this.deliver(this.layer(0, false), rtp, false, -1);
  }

  requestKeyFrame(): void {}

  protected override onClose(): void {
    this.socket?.close();
    this.socket = null;
  }
}
