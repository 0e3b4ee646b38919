/** Live captions: the languages we offer, and how caption events become overlay lines and a transcript. */

/** Languages the installed recognition engine supports (BCP 47 tag, and its name in en.ts). */
export const CAPTION_LANGUAGES = [{ tag: 'en-US', label: 'captionLangEnUS' }] as const;
export type CaptionLanguage = (typeof CAPTION_LANGUAGES)[number]['tag'];

export interface CaptionEvent {
  participantId: string;
  kind: 'partial' | 'final';
  text: string;
  at: number;
}

/** One line of captions: a speaker's words, partial while they speak, then final. */
export interface CaptionLine {
  id: number;
  participantId: string;
  name: string;
  text: string;
  final: boolean;
  /** Server time of the caption (ms). */
  at: number;
  /** Local time it arrived (ms): what expiry uses, so clock skew does not matter. */
  receivedAt: number;
}

export interface CaptionState {
  /** What the overlay shows, oldest first (at most `OVERLAY_LINES`). */
  lines: CaptionLine[];
  /** Every final line, oldest first. */
  transcript: CaptionLine[];
  nextId: number;
}

export const OVERLAY_LINES = 3;
/** A final line leaves the overlay this long after it arrived; a partial nobody finished, later. */
export const FINAL_TTL_MS = 8_000;
export const PARTIAL_TTL_MS = 15_000;
/** The transcript panel keeps this many lines (the server keeps the full transcript). */
export const TRANSCRIPT_MAX = 2_000;

export const emptyCaptions = (): CaptionState => ({ lines: [], transcript: [], nextId: 1 });

/**
 * Applies one caption event: a partial replaces the speaker's current (unfinished) line or
 * starts one; a final replaces it for good and is added to the transcript.
 */
export function applyCaption(state: CaptionState, ev: CaptionEvent, name: string, now: number): CaptionState {
  const text = ev.text.trim();
  const final = ev.kind === 'final';
  let lines = state.lines;
  let nextId = state.nextId;
  const i = findLastIndex(lines, (l) => l.participantId === ev.participantId && !l.final);
  if (!text) {
    // An empty final (noise, nothing recognised) just clears the speaker's partial line.
    if (final && i >= 0) lines = lines.filter((_, j) => j !== i);
    return lines === state.lines ? state : { ...state, lines };
  }
  const line: CaptionLine = { id: i >= 0 ? lines[i]!.id : nextId++, participantId: ev.participantId, name, text, final, at: ev.at, receivedAt: now };
  lines = i >= 0 ? lines.map((l, j) => (j === i ? line : l)) : [...lines, line];
  if (lines.length > OVERLAY_LINES) lines = lines.slice(-OVERLAY_LINES);
  const transcript = final ? [...state.transcript, line].slice(-TRANSCRIPT_MAX) : state.transcript;
  return { lines, transcript, nextId };
}

/**
 * Adds earlier final lines (said before I joined, from the server's caption history) to the
 * transcript, in time order, without duplicating lines I already received live. They never show
 * in the overlay.
 */
export function mergeHistory(state: CaptionState, history: readonly { participantId: string; name: string; text: string; at: number }[]): CaptionState {
  const key = (l: { participantId: string; at: number; text: string }) => `${l.participantId}\n${l.at}\n${l.text}`;
  const have = new Set(state.transcript.map(key));
  let nextId = state.nextId;
  const earlier: CaptionLine[] = [];
  for (const h of history) {
    if (have.has(key(h)) || !h.text.trim()) continue;
    earlier.push({ id: nextId++, participantId: h.participantId, name: h.name, text: h.text, final: true, at: h.at, receivedAt: 0 });
  }
  if (earlier.length === 0) return state;
  const transcript = [...earlier, ...state.transcript].sort((a, b) => a.at - b.at).slice(-TRANSCRIPT_MAX);
  return { ...state, transcript, nextId };
}

/** Drops overlay lines that have been on screen long enough. */
export function expireLines(state: CaptionState, now: number): CaptionState {
  const lines = state.lines.filter((l) => now - l.receivedAt < (l.final ? FINAL_TTL_MS : PARTIAL_TTL_MS));
  return lines.length === state.lines.length ? state : { ...state, lines };
}

/** "12:34:56"-style time for the transcript (the user's locale). */
export function captionTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** URL of the room's transcript (cookie auth; 404 while captions are off). */
export function transcriptUrl(meetingId: string, format: 'txt' | 'vtt'): string {
  return `/api/meetings/${encodeURIComponent(meetingId)}/transcript?format=${format}`;
}

/** True when a key press belongs to a text field (shortcuts must not fire while typing). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean } | null;
  if (!el?.tagName) return false;
  return el.isContentEditable === true || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

function findLastIndex<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i]!)) return i;
  return -1;
}
