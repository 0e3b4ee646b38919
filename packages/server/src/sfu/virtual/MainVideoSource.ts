import { randomInt } from 'node:crypto';
import type { RtpPacket } from 'werift';
import { MainVideoSelector } from '../egress/MainVideoSelector.ts';
import { MediaSource, type MediaSourceOptions } from '../MediaSource.ts';

/**
 * The room's main video as one producer-like source for viewers that take a single video
 * (WHEP players): a MainVideoSelector over the room's video sources, re-stamped into one
 * continuous stream with its own SSRC. Consumers use it like any single-layer producer (GOP cache
 * for fast first frames, PLI → a key frame from whichever source is shown). Not tapped by the
 * room's egresses and never offered to participants.
 */
export class MainVideoSource extends MediaSource {
  readonly selector: MainVideoSelector;
  private readonly ssrc = randomInt(1, 0xffffffff);

  constructor(opts: MediaSourceOptions) {
    super(opts);
    this.selector = new MainVideoSelector((rtp, seq, ts, key) => {
      const out = {
        header: { sequenceNumber: seq, timestamp: ts, marker: rtp.header.marker, ssrc: this.ssrc, payloadType: rtp.header.payloadType, extensions: [] },
        payload: rtp.payload,
      } as unknown as RtpPacket;
      this.deliver(this.layer(0, false), out, key, -1);
    });
  }

  requestKeyFrame(): void {
    this.selector.requestKeyFrame();
  }

  protected override onClose(): void {
    this.selector.close();
  }
}
