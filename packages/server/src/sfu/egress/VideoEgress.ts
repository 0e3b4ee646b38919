import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { MediaSource } from '../MediaSource.ts';
import { MainVideoSelector } from './MainVideoSelector.ts';

/** Payload type of the egress video (a=rtpmap:96 VP8/90000). */
export const VIDEO_EGRESS_PT = 96;

export interface VideoEgressOptions {
  host: string;
  port: number;
  /** Datagram sink (tests); default: one UDP socket. */
  send?: (packet: Buffer) => void;
  now?: () => number;
  /** A still picture (10 fps) while nobody has video (the HLS broadcast). */
  filler?: boolean;
  /** Highest simulcast layer to take (px); default: the top one. */
  maxHeight?: number | undefined;
}

/**
 * Plain-RTP video egress of one router for recordings and the HLS broadcast: the room's main
 * video (MainVideoSelector: screen share, else the active speaker's camera) as one continuous VP8
 * stream to host:port.
 */
export class VideoEgress {
  private readonly selector: MainVideoSelector;
  private readonly ssrc = randomInt(1, 0xffffffff);
  private readonly socket: Socket | null = null;

  constructor(opts: VideoEgressOptions) {
    let send = opts.send;
    if (!send) {
      const socket = createSocket('udp4');
      socket.on('error', () => undefined);
      socket.bind(0, opts.host);
      socket.unref();
      this.socket = socket;
      send = (b) => socket.send(b, opts.port, opts.host);
    }
    const out = send;
    this.selector = new MainVideoSelector((rtp, seq, ts) => {
      // 12-byte header, https://www.rfc-editor.org/rfc/rfc3550#section-5.1; extensions dropped.
      const b = Buffer.allocUnsafe(12 + rtp.payload.length);
      b[0] = 0x80;
      b[1] = (rtp.header.marker ? 0x80 : 0) | VIDEO_EGRESS_PT;
      b.writeUInt16BE(seq, 2);
      b.writeUInt32BE(ts, 4);
      b.writeUInt32BE(this.ssrc, 8);
      b.set(rtp.payload, 12);
      out(b);
    }, opts.now, opts.filler ?? false, opts.maxHeight);
  }

  add(source: MediaSource): void {
    this.selector.add(source);
  }

  setSpeaker(peerId: string | null): void {
    this.selector.setSpeaker(peerId);
  }

  tick(): void {
    this.selector.tick();
  }

  fillerTick(): void {
    this.selector.fillerTick();
  }

  close(): void {
    this.selector.close();
    this.socket?.close();
  }
}
