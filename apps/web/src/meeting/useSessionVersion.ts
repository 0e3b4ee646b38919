import { useEffect, useState } from 'preact/hooks';
import type { MeetingSession } from '@convene/sdk';

const EVENTS = ['participantsJoined', 'participantsLeft', 'participantUpdated', 'trackAdded', 'trackRemoved', 'activeSpeaker', 'room', 'lobby', 'state', 'stage', 'speakRequests'] as const;

/** Re-render on any session change; the session object itself holds the state. */
export function useSessionVersion(session: MeetingSession): number {
  const [v, setV] = useState(0);
  useEffect(() => {
    const offs = EVENTS.map((e) => session.on(e, () => setV((x) => x + 1)));
    return () => offs.forEach((off) => off());
  }, [session]);
  return v;
}
