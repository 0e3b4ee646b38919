import { Decoder } from '@evan/opus';
import type { Notification } from '@convene/protocol';
import type { CaptionEngine, CaptionStream } from './engine.ts';

export interface CaptionLine {
  participantId: string;
  name: string;
  /** ms since the epoch when the final caption was produced. */
  at: number;
  text: string;
}

interface Speaker {
  decoder: Decoder;
  stream: CaptionStream;
}

export interface CaptionHost {
  id: string;
  /** Display name of a member, or null when they are gone or opted out of captions. */
  captionable(participantId: string): string | null;
  broadcast(n: Notification): void;
}

/**
 * Live captions of one room: each microphone's Opus packets (from the SFU's caption tap) are
 * decoded straight to 16 kHz mono (the Opus decoder resamples) and streamed into one engine
 * process per speaker; partial and final captions go to everyone in the room, attributed to
 * the speaker, and finals are kept as the room's transcript (plain text and WebVTT).
 */
export class RoomCaptions {
  readonly transcript: CaptionLine[] = [];
  readonly startedAt = Date.now();
  private readonly speakers = new Map<string, Speaker>();
  /** Audio samples the engines dropped because they fell behind (reported in /metrics). */
  droppedSamples = 0;

  constructor(
    private readonly host: CaptionHost,
    private readonly engine: CaptionEngine,
    readonly language: string,
  ) {}

  packet(participantId: string, payload: Uint8Array): void {
    if (this.host.captionable(participantId) === null) return;
    let s = this.speakers.get(participantId);
    if (!s) {
      s = { decoder: new Decoder({ channels: 1, sample_rate: 16_000 }), stream: this.engine.open(this.language) };
      const stream = s.stream;
      stream.onEvent((e) => {
        const name = this.host.captionable(participantId);
        if (name === null) return;
        this.host.broadcast({ method: 'caption', data: { participantId, kind: e.kind, text: e.text, at: e.at } });
        if (e.kind === 'final' && e.text) this.transcript.push({ participantId, name, at: e.at, text: e.text });
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

  text(): string {
    return this.transcript.map((l) => `[${new Date(l.at).toISOString().slice(11, 19)}] ${l.name}: ${l.text}`).join('\n') + '\n';
  }

  /** https://www.w3.org/TR/webvtt1/#file-structure — cues relative to when captions started. */
  vtt(): string {
    const ts = (ms: number) => {
      const t = Math.max(0, ms);
      const h = Math.floor(t / 3_600_000);
      const m = Math.floor((t % 3_600_000) / 60_000);
      const s = Math.floor((t % 60_000) / 1000);
      const f = Math.floor(t % 1000);
      return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(f).padStart(3, '0')}`;
    };
    const cues = this.transcript.map((l, i) => {
      const end = l.at - this.startedAt;
      const start = Math.max(i > 0 ? this.transcript[i - 1]!.at - this.startedAt : 0, end - 4000);
      const safe = l.text.replace(/-->/g, '→').replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
      return `${ts(start)} --> ${ts(end)}\n<v ${l.name.replace(/[<>&]/g, '')}>${safe}`;
    });
    return `WEBVTT\n\n${cues.join('\n\n')}\n`;
  }
}
