import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CaptionEngine, CaptionEvent, CaptionStream } from './engine.ts';

/** Built by scripts/lib.sh `build_captions` from packages/server/native/captiond.c. */
export const CAPTIOND = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../native/build/captiond');

/** Audio allowed to wait for a slow engine before the oldest is dropped (bytes of 16 kHz s16). */
const MAX_BACKLOG_BYTES = 16_000 * 2 * 3; // 3 s

/**
 * PocketSphinx (Debian's libpocketsphinx, US-English model) in a child process per stream, so a
 * slow engine can never block the media plane: audio goes to its stdin; when the pipe backs up
 * beyond 3 s of audio, the oldest queued audio is dropped and counted.
 */
export class PocketSphinxEngine implements CaptionEngine {
  readonly name = 'pocketsphinx';
  readonly languages = ['en-US'] as const;

  constructor(private readonly binary = CAPTIOND) {}

  available(): boolean {
    try {
      fs.accessSync(this.binary, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  open(language: string): CaptionStream {
    if (!this.languages.includes(language as 'en-US')) throw new Error(`pocketsphinx: unsupported language ${language}`);
    return new PocketSphinxStream(spawn(this.binary, [], { stdio: ['pipe', 'pipe', 'ignore'] }));
  }
}

class PocketSphinxStream implements CaptionStream {
  dropped = 0;
  private readonly listeners: ((e: CaptionEvent) => void)[] = [];
  private backlog: Buffer[] = [];
  private backlogBytes = 0;
  private waiting = false;
  private readonly exited: Promise<void>;
  private buffered = '';

  constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.exited = new Promise((r) => child.once('exit', () => r()));
    child.stdin.on('error', () => undefined); // the engine exiting early is reported by 'exit'
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.parse(line);
      }
    });
    child.stdin.on('drain', () => this.flush());
  }

  private parse(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    const m = msg as { type?: unknown; text?: unknown };
    if ((m.type !== 'partial' && m.type !== 'final') || typeof m.text !== 'string') return;
    const e: CaptionEvent = { kind: m.type, text: m.text, at: Date.now() };
    for (const fn of this.listeners) fn(e);
  }

  onEvent(fn: (e: CaptionEvent) => void): void {
    this.listeners.push(fn);
  }

  write(pcm: Int16Array): void {
    const buf = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    if (!this.waiting) {
      this.waiting = !this.child.stdin.write(Buffer.from(buf));
      return;
    }
    // The engine is behind: queue, and drop the oldest beyond the bound (captions degrade, media never waits).
    this.backlog.push(Buffer.from(buf));
    this.backlogBytes += buf.length;
    while (this.backlogBytes > MAX_BACKLOG_BYTES && this.backlog.length > 1) {
      const old = this.backlog.shift()!;
      this.backlogBytes -= old.length;
      this.dropped += old.length / 2;
    }
  }

  private flush(): void {
    this.waiting = false;
    while (this.backlog.length > 0 && !this.waiting) {
      const b = this.backlog.shift()!;
      this.backlogBytes -= b.length;
      this.waiting = !this.child.stdin.write(b);
    }
  }

  async end(): Promise<void> {
    this.flush();
    this.child.stdin.end();
    await this.exited;
  }
}
