import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { partFiles } from './Recorder.ts';

export interface FinalRecording {
  fileName: string;
  mimeType: string;
  durationMs: number;
  sizeBytes: number;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(cmd)} failed: ${String(stderr).split('\n').slice(-3).join(' | ')}`));
      else resolve(stdout);
    });
  });
}

async function size(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * Turn a recording's parts into `<id>.webm`: the Opus audio and, when any video was recorded, the
 * VP8 frames, muxed without re-encoding (stream copy). Also repairs parts left by a crash (a WebM
 * without cues, an IVF without its frame count). Deletes the parts afterwards.
 */
export async function finalizeRecording(dir: string, id: string, ffmpeg: string): Promise<FinalRecording> {
  const parts = partFiles(dir, id);
  const fileName = `${id}.webm`;
  const out = path.join(dir, fileName);
  const tmp = path.join(dir, `${id}.tmp.webm`);
  const hasAudio = (await size(parts.audio)) > 0;
  const hasVideo = (await size(parts.video)) > 32;
  if (!hasAudio && !hasVideo) {
    await fs.rm(parts.video, { force: true });
    return { fileName, mimeType: 'audio/webm', durationMs: 0, sizeBytes: await size(out) };
  }
  // Both parts; if one is damaged beyond repair (killed before its first cluster), the other alone.
  const attempts: [boolean, boolean][] = [[hasAudio, hasVideo], [hasAudio, false], [false, hasVideo]];
  let made: { audio: boolean; video: boolean } | null = null;
  let lastErr: unknown = null;
  for (const [audio, video] of attempts) {
    if (!audio && !video) continue;
    const inputs = [...(audio ? ['-i', parts.audio] : []), ...(video ? ['-i', parts.video] : [])];
    const maps = [...(audio ? ['-map', '0:a'] : []), ...(video ? ['-map', `${audio ? 1 : 0}:v`] : [])];
    try {
      await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', ...inputs, ...maps, '-c', 'copy', '-f', 'webm', '-y', tmp], 120_000);
      made = { audio, video };
      break;
    } catch (err) {
      lastErr = err;
    }
  }
  if (!made) throw lastErr instanceof Error ? lastErr : new Error('recording parts could not be muxed');
  await fs.rename(tmp, out);
  await fs.rm(parts.audio, { force: true });
  await fs.rm(parts.video, { force: true });
  return { fileName, mimeType: made.video ? 'video/webm' : 'audio/webm', durationMs: await durationMs(ffmpeg, out), sizeBytes: await size(out) };
}

/** Container duration from ffprobe (next to ffmpeg), in ms; 0 when unknown. */
export async function durationMs(ffmpeg: string, file: string): Promise<number> {
  const ffprobe = ffmpeg.endsWith('ffmpeg') ? ffmpeg.slice(0, -'ffmpeg'.length) + 'ffprobe' : 'ffprobe';
  try {
    const outText = await run(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], 30_000);
    const secs = Number.parseFloat(outText.trim());
    return Number.isFinite(secs) ? Math.round(secs * 1000) : 0;
  } catch {
    return 0;
  }
}
