import type { RtpPacket } from 'werift';
import { MediaSource, type MediaSourceOptions } from '../MediaSource.ts';

/**
 * A producer of another router of the same room (usually on another media worker), fed through
 * a pipe. Local consumers use it exactly like a local Producer; key-frame requests go back
 * through the pipe to the real producer, which rate-limits them.
 */
export class PipeProducer extends MediaSource {
  constructor(
    opts: MediaSourceOptions,
    private readonly simulcast: boolean,
    private readonly askKeyFrame: (producerId: string, rank: number) => void,
  ) {
    super(opts);
  }

  receive(rank: number, rtp: RtpPacket, key: boolean, level: number): void {
    if (this.closed) return;
    this.deliver(this.layer(rank, this.simulcast), rtp, key, level);
  }

  requestKeyFrame(index: number): void {
    const layer = this.layers[index];
    if (layer && !this.closed) this.askKeyFrame(this.id, layer.rank);
  }
}
