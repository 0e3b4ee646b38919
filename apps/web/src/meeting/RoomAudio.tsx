import { useRef, useState } from 'preact/hooks';
import type { RemoteTrack } from '@convene/sdk';
import { AudioSink } from './VideoView.tsx';

/** Every remote audio track of a room, each through its own element (spatial audio hooks in there). */
export function RemoteAudio({ tracks }: { tracks: RemoteTrack[] }) {
  return (
    <>
      {tracks
        .filter((x) => x.kind === 'audio')
        .map((x) => (
          <AudioSink key={x.consumerId} track={x.track} participantId={x.participantId} />
        ))}
    </>
  );
}

/** Short-lived notices at the bottom of a room (joins, recording started…), read out politely. */
export function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <div class="toasts" aria-live="polite" role="status">
      {toasts.map((x) => (
        <div key={x.id} class="toast" data-testid="toast">
          {x.text}
        </div>
      ))}
    </div>
  );
}

export interface Toast {
  id: number;
  text: string;
}

/** The last three notices, each shown for 5 s. */
export function useToasts(): { toasts: Toast[]; show: (text: string) => void } {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(0);
  const show = (text: string) => {
    const id = ++next.current;
    setToasts((x) => [...x.slice(-2), { id, text }]);
    setTimeout(() => setToasts((x) => x.filter((y) => y.id !== id)), 5000);
  };
  return { toasts, show };
}
