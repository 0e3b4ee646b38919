/**
 * Shared by the spatial audio end-to-end tests (Chromium and Firefox): the two tone
 * participants, and reading the page's left/right mix levels until they settle.
 */
import type { SpatialLevels } from '../../apps/web/src/audio/engine.ts';
import { Bot, createUser } from '../support/bots.ts';

// Tones where an HRTF already has a clear level difference between the ears (below ~400 Hz it
// lateralises mostly by time difference, which a level meter does not see).
export const LOW = 500;
export const HIGH = 1500;

export type Levels = SpatialLevels;

/** Two Node participants with a camera each, one sending LOW and one HIGH. */
export async function joinToneBots(baseUrl: string, meetingId: string): Promise<Bot[]> {
  const bots: Bot[] = [];
  for (const frequency of [LOW, HIGH]) {
    bots.push(await Bot.join(baseUrl, await createUser(baseUrl, 'tone'), meetingId, { audio: { frequency }, video: { width: 320, height: 180, fps: 10 } }));
  }
  return bots;
}

export const fmtLevels = (l: Levels) =>
  `${l.mode} ${l.state} L=[${l.left.map((x) => x.toFixed(1)).join(', ')}] R=[${l.right.map((x) => x.toFixed(1)).join(', ')}] voices=${JSON.stringify(l.voices)}`;

/** Every tone present on both channels. */
export const audible = (l: Levels) => [...l.left, ...l.right].every((x) => x > -70);

/** Polls `read` until `ok(levels)` holds on three readings in a row (glides and meters settled); returns the last. */
export async function untilLevels(read: () => Promise<Levels>, what: string, ok: (l: Levels) => boolean, ms = 10_000): Promise<Levels> {
  const end = Date.now() + ms;
  let streak = 0;
  for (;;) {
    const last = await read();
    streak = ok(last) ? streak + 1 : 0;
    if (streak >= 3) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${fmtLevels(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
