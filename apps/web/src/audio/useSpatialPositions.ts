import { useEffect, useRef, type MutableRef } from 'preact/hooks';
import { spatialAudio } from './engine.ts';
import { positionsFromTiles, type TileBox } from './spatial.ts';

/**
 * Keeps the spatial audio positions in step with the tiles inside `container`: measured after
 * every render and whenever the container resizes (panels, window, view changes). The engine
 * glides to new positions, so re-measuring often costs nothing audible.
 */
export function useTilePositions(container: MutableRef<HTMLElement | null>): void {
  const frame = useRef(0);
  const measure = () => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const el = container.current;
      if (!el) return;
      const box = el.getBoundingClientRect();
      const tiles: TileBox[] = [];
      for (const t of el.querySelectorAll<HTMLElement>('[data-testid="tile"][data-participant-id]')) {
        const r = t.getBoundingClientRect();
        if (r.width === 0) continue;
        tiles.push({ participantId: t.dataset.participantId ?? '', main: t.dataset.main === 'true', source: t.dataset.source === 'screen' ? 'screen' : 'camera', left: r.left, width: r.width });
      }
      spatialAudio().setPositions(positionsFromTiles(tiles, { left: box.left, width: box.width }));
    });
  };
  useEffect(measure);
  useEffect(() => {
    const el = container.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    // A scrolled filmstrip moves its tiles too.
    el.addEventListener('scroll', measure, true);
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', measure, true);
      cancelAnimationFrame(frame.current);
    };
  }, []);
}

/** Spaces: positions straight from the stage seats. */
export function useSeatPositions(positions: ReadonlyMap<string, number>): void {
  const key = [...positions].map(([id, x]) => `${id}:${x.toFixed(3)}`).join(',');
  useEffect(() => spatialAudio().setPositions(positions), [key]);
}
