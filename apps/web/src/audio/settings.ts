import { useEffect, useState } from 'preact/hooks';
import { parseSpatialMode, type SpatialMode } from './spatial.ts';

/** The spatial-audio setting of this browser, in localStorage, live across components and tabs. */
const KEY = 'convene.spatialAudio';
const listeners = new Set<(m: SpatialMode) => void>();
let current: SpatialMode | null = null;

function read(): SpatialMode {
  try {
    return parseSpatialMode(globalThis.localStorage?.getItem(KEY));
  } catch {
    return 'off';
  }
}

export function getSpatialMode(): SpatialMode {
  return (current ??= read());
}

export function setSpatialMode(mode: SpatialMode): void {
  try {
    globalThis.localStorage?.setItem(KEY, mode);
  } catch {
    // Storage disabled (private mode): the choice still holds for this page.
  }
  emit(mode);
}

function emit(mode: SpatialMode): void {
  if (mode === current) return;
  current = mode;
  for (const fn of listeners) fn(mode);
}

let storageHooked = false;
export function onSpatialMode(fn: (m: SpatialMode) => void): () => void {
  if (!storageHooked && typeof window !== 'undefined') {
    storageHooked = true;
    window.addEventListener('storage', (e) => {
      if (e.key === KEY) emit(parseSpatialMode(e.newValue));
    });
  }
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function useSpatialMode(): [SpatialMode, (m: SpatialMode) => void] {
  const [mode, setMode] = useState(getSpatialMode);
  useEffect(() => {
    setMode(getSpatialMode());
    return onSpatialMode(setMode);
  }, []);
  return [mode, setSpatialMode];
}
