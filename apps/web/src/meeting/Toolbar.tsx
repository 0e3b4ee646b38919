import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { MeetingSession } from '@convene/sdk';
import { t } from '../i18n/index.ts';
import { errorText } from '../app/api.ts';
import type { LocalMedia } from './useLocalMedia.ts';
import { DeviceSelect } from './DeviceSelect.tsx';
import { SpatialAudioSelect } from '../audio/SpatialAudioSelect.tsx';

interface Props {
  session: MeetingSession;
  media: LocalMedia;
  view: 'speaker' | 'grid';
  onView: (v: 'speaker' | 'grid') => void;
  panel: Panel | null;
  onPanel: (p: Panel | null) => void;
  /** People waiting in the lobby, shown to moderators on the people button. */
  waiting: number;
  /** Requests to speak (seminar), shown to moderators on the people button. */
  requests?: number;
  /** Chat messages received while the chat panel was closed. */
  unread: number;
  onLeave: () => void;
  /** False while the camera was never published (an audio call): turning it on publishes it. */
  cameraPublished?: boolean;
  onCameraPublished?: () => void;
  /** Calls hide host-only controls that make no sense there (end for all). */
  hideHostControls?: boolean;
  /** Label of the leave button (calls say "Hang up"). */
  leaveLabel?: string;
  /** More controls before leave (Q&A, captions, recording). */
  children?: ComponentChildren;
}

export type Panel = 'people' | 'chat' | 'transcript' | 'qa';

export function Toolbar({ session, media, view, onView, panel, onPanel, waiting, requests = 0, unread, onLeave, cameraPublished = true, onCameraPublished, hideHostControls, leaveLabel, children }: Props) {
  const self = session.self!;
  const micOn = self.sources.includes('microphone');
  const camOn = self.sources.includes('camera');
  const sharing = self.sources.includes('screen');
  const hand = self.handRaisedAt !== null;
  // A seminar attendee watches: no mic, camera or sharing, but may ask to speak.
  const attendee = session.room?.mode === 'seminar' && !session.onStage;
  const asked = self.speakRequestedAt !== null;
  const [error, setError] = useState('');
  const act = (fn: () => Promise<unknown>) => void fn().then(() => setError(''), (e: unknown) => setError(errorText(e)));

  const toggleMic = () => act(() => session.setMuted('microphone', micOn));
  // Camera off releases the device (the camera light goes out); on opens it again and swaps the
  // new track in without renegotiation.
  const toggleCam = () =>
    act(async () => {
      if (camOn) {
        await session.setMuted('camera', true);
        media.cam?.stop();
        return;
      }
      const track = await media.selectCam(media.camId);
      if (!track) return;
      if (!cameraPublished) {
        // Audio → video upgrade: the first camera track is published, in the same session.
        await session.publishCamera(track);
        onCameraPublished?.();
        // A camera turned off before (e.g. before a seminar) may still be paused at the server.
        await session.setMuted('camera', false);
        return;
      }
      await session.replaceTrack('camera', track);
      await session.setMuted('camera', false);
    });
  const toggleShare = () =>
    act(async () => {
      if (sharing) return session.unpublish('screen');
      const s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const track = s.getVideoTracks()[0];
      if (!track) return;
      track.addEventListener('ended', () => void session.unpublish('screen'));
      await session.publishScreen(track);
    });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.ctrlKey && !e.metaKey) return;
      const k = e.key.toLowerCase();
      if (attendee && (k === 'd' || k === 'e')) return;
      if (k === 'd') {
        e.preventDefault();
        toggleMic();
      } else if (k === 'e') {
        e.preventDefault();
        toggleCam();
      } else if (k === 'h' && e.altKey) {
        e.preventDefault();
        act(() => session.raiseHand(!hand));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const isHost = self.role === 'host';
  return (
    <nav class="toolbar" aria-label={t('controls')} title={t('shortcuts')}>
      {error && (
        <span class="error small" role="alert">
          {error}
        </span>
      )}
      {attendee ? (
        <button aria-pressed={asked} onClick={() => act(() => session.requestToSpeak(!asked))} data-testid="ask-to-speak">
          {asked ? t('cancelRequest') : t('askToSpeak')}
        </button>
      ) : (
        <>
          <button aria-pressed={!micOn} onClick={toggleMic} data-testid="mic-toggle" aria-keyshortcuts="Control+D" title={t('shortcutMic')}>
            {micOn ? t('micOff') : t('micOn')}
          </button>
          <button aria-pressed={!camOn} onClick={toggleCam} data-testid="camera-toggle" aria-keyshortcuts="Control+E" title={t('shortcutCamera')}>
            {camOn ? t('cameraOff') : t('cameraOn')}
          </button>
          <details class="devices">
            <summary>{t('camera')} / {t('microphone')}</summary>
            <DeviceSelect
              kind="audioinput"
              devices={media.devices}
              value={media.micId}
              onChange={(id) => act(async () => {
                const tr = await media.selectMic(id);
                if (tr) await session.replaceTrack('microphone', tr);
              })}
            />
            <DeviceSelect
              kind="videoinput"
              devices={media.devices}
              value={media.camId}
              onChange={(id) => act(async () => {
                const tr = await media.selectCam(id);
                if (tr && cameraPublished) await session.replaceTrack('camera', tr);
              })}
            />
            <SpatialAudioSelect />
          </details>
          {'getDisplayMedia' in (navigator.mediaDevices ?? {}) && (
            <button aria-pressed={sharing} onClick={toggleShare} data-testid="share-toggle">
              {sharing ? t('stopShare') : t('shareScreen')}
            </button>
          )}
        </>
      )}
      <button
        aria-pressed={hand}
        onClick={() => act(() => session.raiseHand(!hand))}
        data-testid="hand-toggle"
        aria-keyshortcuts="Control+Alt+H"
        title={t('shortcutHand')}
      >
        {hand ? t('lowerHand') : t('raiseHand')}
      </button>
      <button aria-pressed={view === 'grid'} onClick={() => onView(view === 'grid' ? 'speaker' : 'grid')} data-testid="view-toggle">
        {view === 'grid' ? t('speakerView') : t('gridView')}
      </button>
      <button aria-pressed={panel === 'people'} onClick={() => onPanel(panel === 'people' ? null : 'people')} data-testid="people-toggle">
        {t('participants')} ({session.participants.size + 1})
        {waiting > 0 && (
          <span class="badge" data-testid="lobby-count">
            {t('waitingCount', { count: waiting })}
          </span>
        )}
        {requests > 0 && (
          <span class="badge" data-testid="requests-count">
            {t('requestsCount', { count: requests })}
          </span>
        )}
      </button>
      <button aria-pressed={panel === 'chat'} onClick={() => onPanel(panel === 'chat' ? null : 'chat')} data-testid="chat-toggle">
        {t('chat')}
        {unread > 0 && (
          <span class="badge" data-testid="unread">
            {t('unread', { n: unread })}
          </span>
        )}
      </button>
      {children}
      <button class="danger" onClick={onLeave} data-testid="leave">
        {leaveLabel ?? t('leave')}
      </button>
      {isHost && !hideHostControls && (
        <button class="danger" onClick={() => act(() => session.endForAll())} data-testid="end-for-all">
          {t('endForAll')}
        </button>
      )}
    </nav>
  );
}
