/** Recording: pure helpers for the indicator and the recordings list. */

/** Elapsed time as m:ss, or h:mm:ss from an hour on. Negative (clock skew) counts as 0. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** File size for people: 900 KB, 12.3 MB, 1.2 GB. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** A <video> for files with video, an <audio> otherwise. */
export function playerKind(mimeType: string): 'video' | 'audio' {
  return mimeType.toLowerCase().startsWith('video/') ? 'video' : 'audio';
}

/** What to tell people about the room's recording when it changes; null when nothing. */
export function recordingChange(before: number | null, now: number | null): 'started' | 'stopped' | null {
  if (before === now) return null;
  if (now !== null) return 'started';
  return 'stopped';
}
