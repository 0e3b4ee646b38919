import { Decoder } from '@evan/opus';
import type { CaptionHistoryLine, Notification } from '@convene/protocol';
import type { CaptionEngine, CaptionStream } from './engine.ts';
import type { TranscriptLine } from './transcript.ts';

interface Speaker {
  decoder: Decoder;
  stream: CaptionStream;
}

export interface CaptionHost {
  id: string;
  /** Who a member is, or null when they are gone or opted out of captions. */
  captionable(participantId: string): { name: string; userId: string } | null;
  broadcast(n: Notification): void;
  /** A final line for the transcript (stored by TranscriptStore). */
  final(line: TranscriptLine): void;
}

/** A late joiner's transcript panel gets at most this many earlier lines (the host's download has all). */
const HISTORY_LINES = 200;

/**
 * Live captions of one room: each microphone's Opus packets (from the SFU's caption tap) are
 * decoded straight to 16 kHz mono (the Opus decoder resamples) and streamed into one engine
 * process per speaker; partial and final captions go to everyone in the room, attributed to
 * the speaker, and finals go to the transcript (captions/transcript.ts).
 */
export class RoomCaptions {
  readonly startedAt = Date.now();
  private readonly speakers = new Map<string, Speaker>();
  /** The latest final lines since captions went on, for people who join later. */
  private readonly recent: CaptionHistoryLine[] = [];
  /** Audio samples the engines dropped because they fell behind (reported in /metrics). */
  droppedSamples = 0;

  constructor(
    private readonly host: CaptionHost,
    private readonly engine: CaptionEngine,
    readonly language: string,
  ) {}

  /** Final lines since captions went on (the latest HISTORY_LINES), oldest first. */
  history(): readonly CaptionHistoryLine[] {
    return this.recent;
  }

  packet(participantId: string, payload: Uint8Array): void {
    if (this.host.captionable(participantId) === null) return;
    let s = this.speakers.get(participantId);
    if (!s) {
      s = { decoder: new Decoder({ channels: 1, sample_rate: 16_000 }), stream: this.engine.open(this.language) };
      const stream = s.stream;
      stream.onEvent((e) => {
        const who = this.host.captionable(participantId);
        if (who === null) return;
        this.host.broadcast({ method: 'caption', data: { participantId, kind: e.kind, text: e.text, at: e.at } });
        if (e.kind === 'final' && e.text) {
          this.host.final({ userId: who.userId, name: who.name, at: e.at, text: e.text, sessionStartedAt: this.startedAt });
          this.recent.push({ participantId, name: who.name, text: e.text, at: e.at });
          if (this.recent.length > HISTORY_LINES) this.recent.shift();
        }
      });
      this.speakers.set(participantId, s);
    }
    let pcm: Uint8Array;
    try {
      pcm = s.decoder.decode(payload);
    } catch {
      return; // a corrupt packet costs one 20 ms frame of captions, nothing else
    }
    const before = s.stream.dropped;
    s.stream.write(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1));
    this.droppedSamples += s.stream.dropped - before;
  }

  /** A speaker left or opted out: flush and stop their engine. */
  drop(participantId: string): void {
    const s = this.speakers.get(participantId);
    if (!s) return;
    this.speakers.delete(participantId);
    void s.stream.end();
  }

  async close(): Promise<void> {
    const all = [...this.speakers.values()];
    this.speakers.clear();
    await Promise.all(all.map((s) => s.stream.end()));
  }
}
