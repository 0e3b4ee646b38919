/**
 * A microphone for latency measurement: 10 ms frames of 48 kHz PCM paced on the wall clock (it
 * catches up when a timer fires late, so its audio runs at exactly real-time rate: the test bots'
 * setInterval microphones run a few per cent slow, which would drain a player's buffer), silent
 * except for tone bursts whose first sample has a known wall-clock time.
 */
import wrtc from '@roamhq/wrtc';

const { nonstandard } = wrtc as unknown as {
  nonstandard: {
    RTCAudioSource: new () => {
      createTrack(): MediaStreamTrack;
      onData(d: { samples: Int16Array; sampleRate: number; bitsPerSample: number; channelCount: number; numberOfFrames: number }): void;
    };
  };
};

const RATE = 48_000;
const FRAME = 480;

export class ToneMic {
  readonly track: MediaStreamTrack;
  private readonly source = new nonstandard.RTCAudioSource();
  private readonly startedAt = Date.now();
  private sent = 0; // frames
  private burst: { from: number; to: number } | null = null; // frame indices
  private phase = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly frequency = 1000,
    private readonly amplitude = 8000,
  ) {
    this.track = this.source.createTrack();
    this.timer = setInterval(() => this.pump(), 5);
  }

  /** Schedules a burst starting on the next frame boundary at least `leadMs` ahead; returns its wall-clock start (ms). */
  burstAt(leadMs: number, durationMs: number): number {
    const from = Math.ceil((Date.now() + leadMs - this.startedAt) / 10);
    this.burst = { from, to: from + durationMs / 10 };
    return this.startedAt + from * 10;
  }

  private pump(): void {
    const due = Math.floor((Date.now() - this.startedAt) / 10);
    const samples = new Int16Array(FRAME);
    for (; this.sent <= due; this.sent++) {
      const on = this.burst !== null && this.sent >= this.burst.from && this.sent < this.burst.to;
      for (let i = 0; i < FRAME; i++) samples[i] = on ? Math.round(Math.sin((this.phase++ * 2 * Math.PI * this.frequency) / RATE) * this.amplitude) : 0;
      this.source.onData({ samples, sampleRate: RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: FRAME });
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.track.stop();
  }
}
