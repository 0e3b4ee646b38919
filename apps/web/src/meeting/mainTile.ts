/**
 * Who fills the main tile in speaker view, for one viewer. Priority: the host's spotlight, then
 * the viewer's own pin, then the active speaker, then whoever spoke last, then the first other
 * participant. Never the viewer themself.
 */
export interface MainTileInput {
  selfId: string;
  /** Other participants, in join order. */
  others: readonly string[];
  spotlightId: string | null;
  pinnedId: string | null;
  activeSpeakerId: string | null;
  lastSpeakerId: string | null;
}

export function chooseMainTile(i: MainTileInput): string | null {
  const ok = (id: string | null): id is string => id !== null && id !== i.selfId && i.others.includes(id);
  for (const id of [i.spotlightId, i.pinnedId, i.activeSpeakerId, i.lastSpeakerId]) if (ok(id)) return id;
  return i.others[0] ?? null;
}
