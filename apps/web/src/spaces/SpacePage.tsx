import { useEffect, useState } from 'preact/hooks';
import { MeetingSession, type SessionState } from '@convene/sdk';
import type { Space } from '@convene/protocol';
import { api, errorText } from '../app/api.ts';
import type { User } from '../app/App.tsx';
import { Link, navigate } from '../app/router.tsx';
import { broadcastPath, spacePath } from '../app/routes.ts';
import { t } from '../i18n/index.ts';
import { BroadcastPlayer, broadcastOffered } from './BroadcastPlayer.tsx';
import { isBroadcastOnly } from './broadcast.ts';
import { SpaceRoom } from './SpaceRoom.tsx';
import { RecordingList } from '../recording/RecordingList.tsx';
import { StreamButton } from '../stream/StreamDialog.tsx';

/**
 * A full or busy Space: our place in line, updated live; we are let in automatically. While it is
 * full (no WebRTC seat), we hear the broadcast meanwhile; it stops when we are admitted.
 */
function QueuedNotice({ session, spaceId, info }: { session: MeetingSession; spaceId: string; info: Space | null }) {
  const [queue, setQueue] = useState(session.queue);
  useEffect(() => session.on('queue', (position, reason) => setQueue({ position, reason })), [session]);
  const broadcast = queue?.reason === 'full' && broadcastOffered(info?.hls);
  return (
    <main class="page narrow center">
      {broadcast ? (
        <BroadcastPlayer spaceId={spaceId} hls={info?.hls} message={t('broadcastQueued', { n: queue.position })} />
      ) : (
        <p role="status" aria-live="polite" data-testid="space-queued">
          {queue?.reason === 'full' ? t('spaceFull') : t('spaceBusy')} {queue ? t('queuePosition', { n: queue.position }) : ''}
        </p>
      )}
      <button onClick={() => void session.leave().then(() => navigate('/spaces'))}>{t('leaveSpace')}</button>
    </main>
  );
}

/**
 * Opened from a click in the app (the list's Listen, Start now): join at once — the click lets
 * the browser play the audio. A Space opened from a pasted link asks for that click first.
 */
let autoJoin: string | null = null;
export function openSpace(id: string): void {
  autoJoin = id;
  navigate(spacePath(id));
}

/** Opened from the list's "Listen via broadcast": the broadcast only, no WebRTC seat. */
export function openBroadcast(id: string): void {
  navigate(broadcastPath(id));
}

/** A Space: its card (title, topic, host) until joined, then the room, then a goodbye. */
export function SpacePage({ user, spaceId }: { user: User; spaceId: string }) {
  const [info, setInfo] = useState<Space | null | undefined>(undefined);
  const [session, setSession] = useState<MeetingSession | null>(null);
  const [state, setState] = useState<SessionState | 'idle'>('idle');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const broadcastOnly = isBroadcastOnly(location.search) && !session;

  useEffect(() => {
    api.space(spaceId).then(setInfo, () => setInfo(null));
  }, [spaceId]);
  useEffect(() => () => void session?.leave(), [session]);

  const join = async (again = false) => {
    if (!again && (busy || session)) return;
    setBusy(true);
    setError('');
    try {
      if (isBroadcastOnly(location.search)) navigate(spacePath(spaceId), { replace: true });
      const s = await MeetingSession.join({ baseUrl: location.origin, meetingId: spaceId });
      window.__convene = { session: s };
      s.on('state', setState);
      setSession(s);
      setState(s.state);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (autoJoin === spaceId) {
      autoJoin = null;
      void join();
    }
  }, [spaceId]);

  // A speaker who does not want to be recorded steps back to listening (no reconnect).
  const rejoinAsListener = () => {
    const me = session?.self;
    if (session && me) void session.setOnStage(me.id, false).catch(() => undefined);
  };

  if (session && (state === 'joined' || state === 'reconnecting'))
    return <SpaceRoom session={session} spaceId={spaceId} user={user} info={info ?? null} reconnecting={state === 'reconnecting'} onRejoinAsListener={rejoinAsListener} />;
  if (session && state === 'queued') return <QueuedNotice session={session} spaceId={spaceId} info={info ?? null} />;
  if (session && state !== 'connecting' && state !== 'lobby') {
    const text = { removed: t('spaceRemoved'), ended: t('spaceEnded'), denied: t('spaceRemoved'), left: t('spaceLeft') }[state as 'removed'] ?? t('spaceLeft');
    return (
      <main class="page narrow center">
        <p role="status" data-testid="notice">
          {text}
        </p>
        <RecordingList meetingId={spaceId} hideWhenEmpty />
        <Link href="/spaces">{t('backToSpaces')}</Link>
      </main>
    );
  }

  const mine = info?.host.handle === user.handle;
  const ended = !!info?.endedAt;
  return (
    <main class="page narrow">
      <div class="card stack space-card">
        {info === undefined && <p class="muted">{t('loading')}</p>}
        {info === null && <p data-testid="space-missing">{t('errNotFound')}</p>}
        {info && (
          <>
            <div class="row">
              {info.live && <span class="live-badge">{t('live')}</span>}
              <h1 data-testid="space-name">{info.title}</h1>
            </div>
            {info.topic && <p>{info.topic}</p>}
            <p class="muted small">
              {t('hostedBy', { name: info.host.displayName })} · @{info.host.handle}
            </p>
            {info.live && <p class="small">{t('listenerCount', { count: info.listenerCount })}</p>}
            {ended && <p data-testid="notice">{t('spaceEnded')}</p>}
            {!mine && !ended && !broadcastOnly && <p class="muted small">{t('listenerHint')}</p>}
            {broadcastOnly && !ended && <BroadcastPlayer spaceId={spaceId} hls={info.hls} message={t('broadcastOnly')} />}
          </>
        )}
        {info && mine && !ended && (
          <div class="row space-actions">
            <StreamButton meetingId={spaceId} kind="space" displayName={user.displayName} />
          </div>
        )}
        {info && <RecordingList meetingId={spaceId} hideWhenEmpty />}
        {error && (
          <p class="error" role="alert" data-testid="join-error">
            {error}
          </p>
        )}
        {info !== null && !ended && (
          <button class="primary" onClick={() => void join()} disabled={busy || !!session} data-testid="space-join">
            {busy || session ? t('joining') : mine ? t('startYourSpace') : broadcastOnly ? t('joinLive') : t('listen')}
          </button>
        )}
        <Link href="/spaces">{t('backToSpaces')}</Link>
      </div>
    </main>
  );
}
