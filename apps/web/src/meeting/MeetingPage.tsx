import { useEffect, useRef, useState } from 'preact/hooks';
import { MeetingSession } from '@convene/sdk';
import type { Meeting, Participant } from '@convene/protocol';
import type { SessionState } from '@convene/sdk';
import { api, errorText } from '../app/api.ts';
import type { User } from '../app/App.tsx';
import { Link } from '../app/router.tsx';
import { t } from '../i18n/index.ts';
import { DeviceSelect } from './DeviceSelect.tsx';
import { MeetingRoom } from './MeetingRoom.tsx';
import { useLocalMedia } from './useLocalMedia.ts';
import { VideoView } from './VideoView.tsx';
import { RecordingList } from '../recording/RecordingList.tsx';
import { TranscriptLinks } from '../captions/TranscriptLinks.tsx';
import { StreamButton } from '../stream/StreamDialog.tsx';

declare global {
  interface Window {
    /** Test hook for end-to-end tests: the live session once joined. */
    __convene?: { session: MeetingSession };
  }
}

/** Pre-join screen (preview, devices, code), then the meeting, the lobby or a goodbye screen. */
export function MeetingPage({ user, meetingId }: { user: User; meetingId: string }) {
  const media = useLocalMedia();
  const [micOn, setMicOn] = useState(true);
  const [camOn, setCamOn] = useState(true);
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [session, setSession] = useState<MeetingSession | null>(null);
  const [state, setState] = useState<SessionState | 'prejoin'>('prejoin');
  // People waiting in the lobby (hosts). The SDK emits only changes, so listen from the start.
  const [waiting, setWaiting] = useState<Participant[]>([]);

  useEffect(() => () => void session?.leave(), [session]);

  // Publish each local track once we are in and it exists (the camera may still be starting
  // when the user clicks Join; device switches later go through replaceTrack). Seminar attendees
  // are off stage: they publish nothing until they are brought back.
  const published = useRef(new Set<string>());
  const [onStage, setOnStage] = useState(true);
  // False once back on stage with the camera off: the camera is published when turned on.
  const [cameraPublished, setCameraPublished] = useState(true);
  useEffect(() => {
    if (!session || state !== 'joined' || !onStage) return;
    const run = async () => {
      if (media.mic && !published.current.has('microphone')) {
        published.current.add('microphone');
        await session.publishMicrophone(media.mic);
        // Always explicit: the server remembers a pause from before a seminar.
        await session.setMuted('microphone', !micOn);
      }
      if (media.cam && cameraPublished && !published.current.has('camera')) {
        published.current.add('camera');
        await session.publishCamera(media.cam);
        await session.setMuted('camera', !camOn);
      }
    };
    run().catch((err: unknown) => setError(errorText(err)));
  }, [session, state, media.mic, media.cam, onStage]);

  // Seminar mode: moved off stage, the SDK has unpublished; release the devices and remember
  // what was on. Back on stage (the host's choice, or back to a meeting): restore exactly that.
  const wanted = useRef({ mic: true, cam: true });
  wanted.current = session ? wanted.current : { mic: micOn, cam: camOn };
  const mediaRef = useRef(media);
  mediaRef.current = media;
  useEffect(() => {
    if (!session) return;
    const goOff = () => {
      mediaRef.current.release();
      published.current.clear();
      setOnStage(false);
    };
    const goOn = async () => {
      const w = wanted.current;
      setMicOn(w.mic);
      setCamOn(w.cam);
      setCameraPublished(w.cam);
      await mediaRef.current.reopen({ audio: true, video: w.cam });
      setOnStage(true);
    };
    if (!session.onStage) goOff();
    const offs = [
      session.on('participantUpdated', (p) => {
        if (p.id === session.self?.id && p.onStage) wanted.current = { mic: p.sources.includes('microphone'), cam: p.sources.includes('camera') };
      }),
      session.on('stage', (on) => (on ? void goOn().catch((err: unknown) => setError(errorText(err))) : goOff())),
    ];
    return () => offs.forEach((off) => off());
  }, [session]);

  // Title and host when the meeting is visible to us (hosts, and meetings without a code).
  const [info, setInfo] = useState<Meeting | null>(null);
  useEffect(() => {
    api.getMeeting(meetingId).then(setInfo, () => setInfo(null));
  }, [meetingId]);

  const join = async () => {
    setBusy(true);
    setError('');
    try {
      const s = await MeetingSession.join({ baseUrl: location.origin, meetingId, ...(code.trim() ? { code: code.trim() } : {}) });
      window.__convene = { session: s };
      s.on('state', setState);
      setWaiting(s.lobbyWaiting);
      s.on('lobby', setWaiting);
      setSession(s);
      setState(s.state);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const onCameraPublished = () => {
    published.current.add('camera');
    setCameraPublished(true);
  };
  if (session && (state === 'joined' || state === 'reconnecting'))
    return (
      <MeetingRoom
        session={session}
        meetingId={meetingId}
        user={user}
        media={media}
        waiting={waiting}
        reconnecting={state === 'reconnecting'}
        cameraPublished={cameraPublished}
        onCameraPublished={onCameraPublished}
      />
    );
  if (session && state === 'lobby') return <Notice text={t('waitingForHost')} live />;
  if (session && state !== 'connecting') {
    const text = { removed: t('removed'), ended: t('ended'), denied: t('denied'), left: t('left') }[state as 'removed'] ?? t('left');
    return <Notice text={text} recordingsOf={info?.host.handle === user.handle ? meetingId : undefined} />;
  }

  return (
    <main class="page prejoin">
      <div class="preview">
        <VideoView track={camOn ? media.cam : null} mirror label={t('camera')} />
        <div class="row center">
          <button aria-pressed={!micOn} onClick={() => setMicOn(!micOn)} data-testid="prejoin-mic">
            {micOn ? t('micOff') : t('micOn')}
          </button>
          <button aria-pressed={!camOn} onClick={() => setCamOn(!camOn)} data-testid="prejoin-camera">
            {camOn ? t('cameraOff') : t('cameraOn')}
          </button>
        </div>
        {info?.host.handle === user.handle && !info.endedAt && (
          <div class="row">
            <StreamButton meetingId={meetingId} kind="meeting" displayName={user.displayName} />
          </div>
        )}
        {info?.host.handle === user.handle && <TranscriptLinks meetingId={meetingId} />}
        {info?.host.handle === user.handle && <RecordingList meetingId={meetingId} hideWhenEmpty />}
      </div>
      <form
        class="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          void join();
        }}
      >
        <h1 data-testid="meeting-title">{info?.title ?? t('joinMeeting')}</h1>
        {info && <p class="muted small">{t('hostedBy', { name: info.host.displayName })}</p>}
        <DeviceSelect kind="audioinput" devices={media.devices} value={media.micId} onChange={(id) => void media.selectMic(id)} />
        <DeviceSelect kind="videoinput" devices={media.devices} value={media.camId} onChange={(id) => void media.selectCam(id)} />
        {/* A meeting we can see without a code needs none; a hidden one (404) may need one. */}
        {(!info || info.hasCode) && (
          <>
            <label>
              {t('codeToJoin')}
              <input value={code} onInput={(e) => setCode(e.currentTarget.value)} maxLength={32} autocomplete="off" data-testid="code-input" aria-describedby="code-hint" />
            </label>
            <p id="code-hint" class="muted small">
              {t('codeHint')}
            </p>
          </>
        )}
        {media.error && <p class="muted small">{t('errDevices', { message: media.error })}</p>}
        {error && (
          <p class="error" role="alert" data-testid="join-error">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy} data-testid="join-button">
          {t('join')}
        </button>
        <Link href="/">{t('backHome')}</Link>
      </form>
    </main>
  );
}

function Notice({ text, live, recordingsOf }: { text: string; live?: boolean; recordingsOf?: string | undefined }) {
  return (
    <main class="page narrow center">
      <p role={live ? 'status' : undefined} data-testid="notice">
        {text}
      </p>
      {recordingsOf && <TranscriptLinks meetingId={recordingsOf} />}
      {recordingsOf && <RecordingList meetingId={recordingsOf} hideWhenEmpty />}
      <Link href="/">{t('backHome')}</Link>
    </main>
  );
}
