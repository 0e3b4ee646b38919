/**
 * Spatial audio, the pure part: where each remote participant sits in the stereo field, derived
 * from where their tile is on screen (meetings) or from their stage seat (Spaces), and how that
 * maps to a PannerNode for each listening mode. No DOM, no Web Audio: unit-tested.
 */

/** Off: plain <audio> elements. Headphones: full spread (HRTF). Speakers: narrow spread (equal-power). */
export type SpatialMode = 'off' | 'headphones' | 'speakers';
export const SPATIAL_MODES: readonly SpatialMode[] = ['off', 'headphones', 'speakers'];

export function parseSpatialMode(v: string | null | undefined): SpatialMode {
  return v === 'headphones' || v === 'speakers' ? v : 'off';
}

export interface Box {
  left: number;
  width: number;
}

const clamp1 = (x: number) => (Number.isFinite(x) ? Math.max(-1, Math.min(1, x)) : 0);

/**
 * Horizontal position of a tile in its container, in [-1, 1]: 0 in the middle, ±1 for a tile
 * touching the left/right edge. Normalised by the distance the tile's centre can travel, so the
 * outer columns of a grid get the full spread whatever the column count (2 columns: ±1; 3: -1, 0,
 * 1; 4: ±1/3, ±1). A tile as wide as the container is centred.
 */
export function panFromBoxes(tile: Box, container: Box): number {
  const travel = (container.width - tile.width) / 2;
  if (travel < 1) return 0;
  const offset = tile.left + tile.width / 2 - (container.left + container.width / 2);
  return clamp1(offset / travel);
}

export interface TileBox extends Box {
  participantId: string;
  /** The main (active speaker / pinned / spotlit) tile of speaker view: always centred. */
  main: boolean;
  source: 'camera' | 'screen';
}

/**
 * One position per participant from the tiles on screen: the main tile wins (centre), then the
 * camera tile, then a screen-share tile. Participants without a tile are absent (centre).
 */
export function positionsFromTiles(tiles: readonly TileBox[], container: Box): Map<string, number> {
  const rank = (t: TileBox) => (t.main ? 0 : t.source === 'camera' ? 1 : 2);
  const best = new Map<string, TileBox>();
  for (const t of tiles) {
    const cur = best.get(t.participantId);
    if (!cur || rank(t) < rank(cur)) best.set(t.participantId, t);
  }
  const out = new Map<string, number>();
  for (const [id, t] of best) out.set(id, t.main ? 0 : panFromBoxes(t, container));
  return out;
}

/** Spaces: the seat the server assigns (x in [-1, 1]); no seat, centre. */
export function positionsFromSeats(members: readonly { id: string; stagePosition: { x: number; y: number } | null }[], selfId: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of members) if (m.id !== selfId) out.set(m.id, clamp1(m.stagePosition?.x ?? 0));
  return out;
}

/** Widest angle (degrees off centre) of each mode: headphones full, laptop speakers narrow. */
export const MAX_AZIMUTH: Record<Exclude<SpatialMode, 'off'>, number> = { headphones: 70, speakers: 30 };

export function azimuthFor(x: number, mode: Exclude<SpatialMode, 'off'>): number {
  return clamp1(x) * MAX_AZIMUTH[mode];
}

/**
 * Where a source at `azimuth` degrees (negative = left) sits for the Web Audio listener (at the
 * origin, facing -Z, up +Y): on the unit circle in front of them, so only the direction matters
 * (distance attenuation is off).
 */
export function sourcePosition(azimuth: number): [number, number, number] {
  const a = (azimuth * Math.PI) / 180;
  const r = (v: number) => Math.round(v * 1e6) / 1e6;
  return [r(Math.sin(a)), 0, r(-Math.cos(a))];
}

/**
 * HRTF costs two convolutions per source: only with headphones, and only for as many voices as
 * the device can afford (a small budget on one- or two-core devices); beyond that, equal-power.
 */
export function hrtfBudget(cores: number | undefined): number {
  return cores !== undefined && cores > 0 && cores <= 2 ? 4 : 12;
}
export function panningModelFor(mode: Exclude<SpatialMode, 'off'>, voices: number, cores: number | undefined): PanningModelType {
  return mode === 'headphones' && voices <= hrtfBudget(cores) ? 'HRTF' : 'equalpower';
}

/** Magnitude (dB) of the strongest bin within ±`spread` bins of `freq` in an analyser spectrum. */
export function levelAt(spectrum: ArrayLike<number>, freq: number, sampleRate: number, fftSize: number, spread = 2): number {
  const bin = Math.round((freq * fftSize) / sampleRate);
  let best = -Infinity;
  for (let i = Math.max(0, bin - spread); i <= Math.min(spectrum.length - 1, bin + spread); i++) best = Math.max(best, spectrum[i] ?? -Infinity);
  return best;
}
