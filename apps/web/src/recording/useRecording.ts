import { useEffect, useRef, useState } from 'preact/hooks';
import { ConveneError, type RoomState } from '@convene/protocol';
import type { MeetingSession } from '@convene/sdk';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';
import { recordingChange } from './recording.ts';

export interface RecordingState {
  /** Server time (ms) the running recording started; null when not recording. */
  startedAt: number | null;
  /** ms since it started, updated every second. */
  elapsedMs: number;
  /** Hosts and co-hosts start and stop it. */
  canControl: boolean;
  busy: 'starting' | 'stopping' | null;
  error: string;
  toggle: () => void;
}

/**
 * The room's recording: whether it runs and for how long, the host's start/stop, and a one-time
 * notice to everyone when it starts (also to whoever joins while it runs) and when it stops.
 */
export function useRecording(session: MeetingSession, notify: (text: string) => void, kind: 'meeting' | 'space'): RecordingState {
  const startedAt = session.room?.recording?.startedAt ?? null;
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState<RecordingState['busy']>(null);
  const [error, setError] = useState('');
  const notifyRef = useRef(notify);
  notifyRef.current = notify;

  const announced = useRef<number | null>(null);
  useEffect(() => {
    const check = (room: RoomState | null) => {
      const next = room?.recording?.startedAt ?? null;
      const change = recordingChange(announced.current, next);
      announced.current = next;
      if (change === 'started') notifyRef.current(kind === 'space' ? t('recordingStartedSpace') : t('recordingStartedMeeting'));
      else if (change === 'stopped') notifyRef.current(t('recordingStopped'));
    };
    check(session.room);
    return session.on('room', check);
  }, [session]);

  useEffect(() => {
    if (startedAt === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [startedAt]);

  const toggle = () => {
    if (busy) return;
    const on = startedAt === null;
    setBusy(on ? 'starting' : 'stopping');
    void session
      .setRecording(on)
      .then(
        () => setError(''),
        (e: unknown) => setError(e instanceof ConveneError && e.code === 'FORBIDDEN' && /not available/i.test(e.message) ? t('recordingUnavailable') : errorText(e)),
      )
      .finally(() => setBusy(null));
  };

  return { startedAt, elapsedMs: startedAt === null ? 0 : Math.max(0, now - startedAt), canControl: session.isHost, busy, error, toggle };
}
