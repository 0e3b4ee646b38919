/** Test speech: flite's `slt` voice (Debian's flite) speaking known sentences, and word recall. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const hasFlite = ['/usr/bin/flite', '/usr/local/bin/flite'].some((p) => fs.existsSync(p));

/** 48 kHz mono PCM of `text` (flite renders at 8 or 16 kHz; samples are repeated up to 48 kHz). */
export function speak48k(text: string): Int16Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-speech-'));
  try {
    const wav = path.join(dir, 'say.wav');
    execFileSync('flite', ['-voice', 'slt', '-t', text, '-o', wav]);
    const raw = fs.readFileSync(wav);
    const rate = raw.readUInt32LE(24);
    const dataAt = raw.indexOf('data', 12) + 8;
    const bytes = raw.subarray(dataAt, raw.length - ((raw.length - dataAt) % 2));
    const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const factor = 48_000 / rate;
    return Int16Array.from({ length: Math.floor(pcm.length * factor) }, (_, i) => pcm[Math.floor(i / factor)]!);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Share of the expected words found in `got` (each counted once). */
export function recall(expected: string, got: string): number {
  const want = expected.toLowerCase().split(/\s+/).filter(Boolean);
  const have = got.toLowerCase().split(/\s+/);
  let hit = 0;
  for (const w of want) {
    const i = have.indexOf(w);
    if (i >= 0) {
      hit++;
      have.splice(i, 1);
    }
  }
  return hit / want.length;
}

/**
 * `text` as a 16-bit mono WAV file at flite's own rate, with silence around it (so a looping
 * fake microphone ends an utterance each time round): for Chromium's
 * `--use-file-for-fake-audio-capture`. Not resampled: the engine hears flite's voice as is.
 */
export function fliteWavFile(text: string, file: string, silenceBeforeS = 0.5, silenceAfterS = 1.5): string {
  const raw = `${file}.raw.wav`;
  execFileSync('flite', ['-voice', 'slt', '-t', text, '-o', raw]);
  const buf = fs.readFileSync(raw);
  fs.rmSync(raw, { force: true });
  const rate = buf.readUInt32LE(24);
  const dataAt = buf.indexOf('data', 12) + 8;
  const pcm = buf.subarray(dataAt, dataAt + (buf.readUInt32LE(dataAt - 4) & ~1));
  const data = Buffer.concat([Buffer.alloc(Math.round(rate * silenceBeforeS) * 2), pcm, Buffer.alloc(Math.round(rate * silenceAfterS) * 2)]);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
  return file;
}
