/**
 * Speech recognition behind a small interface, so engines can be swapped (PocketSphinx by
 * default; Vosk or whisper.cpp later). A stream takes 16 kHz mono PCM and reports partial
 * hypotheses while someone speaks and a final one per utterance.
 */
export interface CaptionEvent {
  kind: 'partial' | 'final';
  text: string;
  /** Wall-clock ms when the engine produced it. */
  at: number;
}

export interface CaptionStream {
  /** 16 kHz mono signed 16-bit samples. Never blocks: under overload, old audio is dropped. */
  write(pcm: Int16Array): void;
  /** Flush and stop; resolves when the engine has exited. */
  end(): Promise<void>;
  onEvent(fn: (e: CaptionEvent) => void): void;
  /** Samples dropped because the engine fell behind. */
  readonly dropped: number;
}

export interface CaptionEngine {
  readonly name: string;
  /** BCP 47 tags this engine recognises (e.g. ['en-US']). */
  readonly languages: readonly string[];
  available(): boolean;
  open(language: string): CaptionStream;
}
