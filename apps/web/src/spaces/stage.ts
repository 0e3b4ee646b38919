import type { Participant } from '@convene/protocol';
import { chooseMainTile } from '../meeting/mainTile.ts';

/**
 * Who fills the big video of a Space for one viewer: the active speaker when their camera is on,
 * else the most recent speaker who still has video, else the first stage member with video.
 * Never the viewer themself; null when nobody (else) has a camera on.
 */
export function chooseSpaceVideo(i: {
  selfId: string;
  /** Stage members whose camera video we receive, in stage order. */
  withVideo: readonly string[];
  activeSpeakerId: string | null;
  /** Recent active speakers, most recent first. */
  recentSpeakers: readonly string[];
}): string | null {
  const others = i.withVideo.filter((id) => id !== i.selfId);
  return chooseMainTile({
    selfId: i.selfId,
    others,
    spotlightId: null,
    pinnedId: null,
    activeSpeakerId: i.activeSpeakerId,
    lastSpeakerId: i.recentSpeakers.find((id) => others.includes(id)) ?? null,
  });
}

/** Remembers who spoke, most recent first, without duplicates, bounded. */
export function pushRecentSpeaker(recent: readonly string[], id: string | null, max = 20): string[] {
  if (!id) return [...recent];
  return [id, ...recent.filter((x) => x !== id)].slice(0, max);
}

/** Stage order: host first, then co-hosts, then speakers by seat (left to right). */
export function stageOrder(members: readonly Participant[]): Participant[] {
  const rank = (p: Participant) => (p.role === 'host' ? 0 : p.role === 'cohost' ? 1 : 2);
  return members
    .filter((p) => p.onStage)
    .slice()
    .sort((a, b) => rank(a) - rank(b) || (a.stagePosition?.x ?? 0) - (b.stagePosition?.x ?? 0));
}

/** A floating reaction on screen. */
export interface Floater {
  key: number;
  emoji: string;
  /** Horizontal offset in percent of the reactions lane. */
  x: number;
}

/**
 * Floaters for one aggregated burst: one per reaction up to `max` in total (a big burst would
 * only be noise), spread across the lane. `rand` is injectable for tests.
 */
export function floatersFor(counts: Record<string, number>, nextKey: number, max = 12, rand: () => number = Math.random): Floater[] {
  const out: Floater[] = [];
  for (const [emoji, n] of Object.entries(counts)) {
    for (let i = 0; i < n && out.length < max; i++) out.push({ key: nextKey + out.length, emoji, x: Math.round(rand() * 80) + 10 });
  }
  return out;
}
