import { useEffect, useRef, useState } from 'preact/hooks';
import { ConveneError, REACTIONS, type Reaction } from '@convene/protocol';
import type { MeetingSession } from '@convene/sdk';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';
import { floatersFor, type Floater } from './stage.ts';

const FLOAT_MS = 2600;

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** The emoji buttons. Five a second per person at most: past that, a short "slow down". */
export function ReactionBar({ session }: { session: MeetingSession }) {
  const [note, setNote] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const show = (text: string) => {
    setNote(text);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setNote(''), 2000);
  };
  const react = (emoji: Reaction) =>
    void session.react(emoji).catch((err: unknown) => show(err instanceof ConveneError && err.code === 'RATE_LIMITED' ? t('reactionSlowDown') : errorText(err)));
  return (
    <div class="reaction-bar" role="group" aria-label={t('reactions')}>
      {REACTIONS.map((e) => (
        <button key={e} class="emoji" onClick={() => react(e)} aria-label={t('reactWith', { emoji: e })} title={t('reactWith', { emoji: e })} data-testid={`react-${e}`}>
          {e}
        </button>
      ))}
      {note && (
        <span class="small muted" role="status">
          {note}
        </span>
      )}
    </div>
  );
}

/**
 * Incoming reactions float up the side of the stage. With reduced motion they appear in place,
 * counted, and fade without moving.
 */
export function ReactionOverlay({ session }: { session: MeetingSession }) {
  const [floaters, setFloaters] = useState<Floater[]>([]);
  const [still, setStill] = useState<{ key: number; counts: Record<string, number> } | null>(null);
  const next = useRef(0);
  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (fn: () => void) => {
      const id = setTimeout(() => {
        timers.delete(id);
        fn();
      }, FLOAT_MS);
      timers.add(id);
    };
    const off = session.on('reactions', (counts) => {
      if (prefersReducedMotion()) {
        const key = ++next.current;
        setStill({ key, counts });
        later(() => setStill((s) => (s?.key === key ? null : s)));
        return;
      }
      const fresh = floatersFor(counts, next.current);
      next.current += fresh.length;
      const keys = new Set(fresh.map((f) => f.key));
      setFloaters((xs) => [...xs, ...fresh].slice(-40));
      later(() => setFloaters((xs) => xs.filter((f) => !keys.has(f.key))));
    });
    return () => {
      off();
      timers.forEach(clearTimeout);
    };
  }, [session]);
  return (
    <div class="reaction-lane" aria-hidden="true" data-testid="reaction-lane">
      {floaters.map((f) => (
        <span key={f.key} class="floater" style={{ left: `${f.x}%`, animationDelay: `${(f.key % 5) * 90}ms` }} data-testid="floater">
          {f.emoji}
        </span>
      ))}
      {still && (
        <div class="reaction-still" data-testid="floater">
          {Object.entries(still.counts).map(([e, n]) => (
            <span key={e}>
              {e} {n > 1 ? `×${n}` : ''}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
