import { useEffect, useRef, useState } from 'preact/hooks';
import type { User } from '../app/App.tsx';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';
import { MeetingRoom } from '../meeting/MeetingRoom.tsx';
import { useLocalMedia } from '../meeting/useLocalMedia.ts';
import { useSessionVersion } from '../meeting/useSessionVersion.ts';
import { VideoView } from '../meeting/VideoView.tsx';
import { formatDuration } from '../messages/messageList.ts';
import type { CallController, CurrentCall } from './CallController.ts';
import type { MeetingSession } from '@convene/sdk';

/**
 * The call I am in, over every page: a "calling…" screen until the room is joined, then the
 * meeting room (speaker view, mute, camera, screen share, hang up). An audio call opens no
 * camera; turning the camera on publishes it in the same session (audio → video).
 */
export function CallView({ cur, calls, user }: { cur: CurrentCall; calls: CallController; user: User }) {
  const media = useLocalMedia({ video: cur.media === 'video' });
  const session = cur.session;
  const joined = session && (session.state === 'joined' || session.state === 'reconnecting');
  const [cameraPublished, setCameraPublished] = useState(false);
  const [error, setError] = useState('');

  const published = useRef(new Set<string>());
  useEffect(() => {
    if (!session || session.state !== 'joined') return;
    const run = async () => {
      if (media.mic && !published.current.has('microphone')) {
        published.current.add('microphone');
        await session.publishMicrophone(media.mic);
      }
      if (cur.media === 'video' && media.cam && !published.current.has('camera')) {
        published.current.add('camera');
        await session.publishCamera(media.cam);
        setCameraPublished(true);
      }
    };
    run().catch((err: unknown) => setError(errorText(err)));
  }, [session, session?.state, media.mic, media.cam]);

  const status = statusText(cur);
  if (!joined) {
    return (
      <div class="call-layer calling" role="dialog" aria-modal="true" aria-label={status} data-testid="call-screen" data-phase={cur.phase}>
        <div class="calling-preview">{media.cam && <VideoView track={media.cam} mirror label={t('camera')} />}</div>
        <div class="calling-info">
          <h2 data-testid="call-title">{cur.title}</h2>
          <p role="status" data-testid="call-status">
            {status}
          </p>
          {media.error && <p class="muted small">{t('errDevices', { message: media.error })}</p>}
          <button class="danger round" onClick={() => void calls.hangUp()} data-testid="call-hangup">
            {cur.phase === 'ringing' || cur.phase === 'starting' ? t('cancel') : t('hangUp')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div class="call-layer" role="dialog" aria-modal="true" aria-label={t('inCallWith', { name: cur.title })} data-testid="call-screen" data-phase={cur.phase}>
      <header class="call-header">
        <strong data-testid="call-title">{cur.title}</strong>
        <span class="muted" role="status" data-testid="call-status">
          {cur.phase === 'active' ? <Timer since={cur.call?.answeredAt ?? null} /> : status}
        </span>
        {error && <span class="error small">{error}</span>}
        <CallExtras calls={calls} />
      </header>
      <InCall
        session={session}
        user={user}
        media={media}
        cur={cur}
        calls={calls}
        cameraPublished={cameraPublished}
        onCameraPublished={() => {
          published.current.add('camera');
          setCameraPublished(true);
        }}
      />
    </div>
  );
}

function InCall(p: {
  session: MeetingSession;
  user: User;
  media: ReturnType<typeof useLocalMedia>;
  cur: CurrentCall;
  calls: CallController;
  cameraPublished: boolean;
  onCameraPublished: () => void;
}) {
  useSessionVersion(p.session);
  const ringing = p.cur.phase === 'ringing';
  return (
    <MeetingRoom
      session={p.session}
      meetingId={p.cur.call?.meetingId ?? ''}
      user={p.user}
      media={p.media}
      waiting={[]}
      reconnecting={p.session.state === 'reconnecting'}
      onLeave={() => void p.calls.hangUp()}
      call={{
        leaveLabel: ringing ? t('cancel') : t('hangUp'),
        aloneText: ringing ? t('ringing', { name: p.cur.title }) : t('waitingForOthers'),
        cameraPublished: p.cameraPublished,
        onCameraPublished: p.onCameraPublished,
      }}
    />
  );
}

function statusText(cur: CurrentCall): string {
  switch (cur.phase) {
    case 'starting':
      return t('calling');
    case 'ringing':
      return t('ringing', { name: cur.title });
    case 'connecting':
      return t('connectingCall');
    case 'active':
      return '';
    case 'ended':
      return cur.endText;
  }
}

function Timer({ since }: { since: string | null }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  if (!since) return <span />;
  return <span data-testid="call-timer">{formatDuration((now - Date.parse(since)) / 1000)}</span>;
}

/** Add a person by handle, and turn the call into a meeting with a shareable link. */
function CallExtras({ calls }: { calls: CallController }) {
  const [open, setOpen] = useState(false);
  const [handle, setHandle] = useState('');
  const [note, setNote] = useState('');
  const [link, setLink] = useState('');
  const invite = async (e: Event) => {
    e.preventDefault();
    if (!handle.trim()) return;
    try {
      await calls.invite(handle);
      setNote(t('callInvited', { handle: handle.trim().replace(/^@/, '') }));
      setHandle('');
      setOpen(false);
    } catch (err) {
      setNote(errorText(err));
    }
  };
  const makeMeeting = async () => {
    try {
      const l = await calls.toMeeting();
      setLink(l);
      await navigator.clipboard?.writeText(l).catch(() => undefined);
    } catch (err) {
      setNote(errorText(err));
    }
  };
  return (
    <span class="call-extras">
      {open ? (
        <form onSubmit={(e) => void invite(e)} class="inline-form">
          <label class="visually-hidden" for="call-invite-handle">
            {t('callInviteLabel')}
          </label>
          <input id="call-invite-handle" value={handle} onInput={(e) => setHandle(e.currentTarget.value)} placeholder={t('callInvitePlaceholder')} data-testid="call-invite-handle" autoFocus />
          <button type="submit" data-testid="call-invite-submit">
            {t('callInviteSubmit')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('cancel')}
          </button>
        </form>
      ) : (
        <button onClick={() => setOpen(true)} data-testid="call-add-person">
          {t('callAddPerson')}
        </button>
      )}
      {link ? (
        <span class="small" data-testid="call-meeting-link">
          {t('callMeetingLink')} <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} aria-label={t('callMeetingLink')} />
        </span>
      ) : (
        <button onClick={() => void makeMeeting()} data-testid="call-to-meeting">
          {t('callToMeeting')}
        </button>
      )}
      {note && (
        <span class="muted small" role="status">
          {note}
        </span>
      )}
    </span>
  );
}
