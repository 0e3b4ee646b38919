import { useEffect, useRef, useState } from 'preact/hooks';
import type { Participant, Space } from '@convene/protocol';
import type { MeetingSession } from '@convene/sdk';
import { errorText } from '../app/api.ts';
import type { User } from '../app/App.tsx';
import { navigate } from '../app/router.tsx';
import { t } from '../i18n/index.ts';
import { ChatPanel } from '../meeting/ChatPanel.tsx';
import { CaptionControls } from '../captions/CaptionControls.tsx';
import { CaptionOverlay } from '../captions/CaptionOverlay.tsx';
import { TranscriptPanel } from '../captions/TranscriptPanel.tsx';
import { useCaptions } from '../captions/useCaptions.ts';
import { Tile } from '../meeting/Tile.tsx';
import { useSessionVersion } from '../meeting/useSessionVersion.ts';
import { RemoteAudio, Toasts, useToasts } from '../meeting/RoomAudio.tsx';
import { ReactionBar, ReactionOverlay } from './Reactions.tsx';
import { SpacePeoplePanel } from './SpacePeoplePanel.tsx';
import { chooseSpaceVideo, pushRecentSpeaker, stageOrder } from './stage.ts';
import { useSpaceMedia } from './useSpaceMedia.ts';
import { positionsFromSeats } from '../audio/spatial.ts';
import { useSeatPositions } from '../audio/useSpatialPositions.ts';
import { AnsweringBanner, QaToggle, QuestionsPanel } from '../qa/QuestionsPanel.tsx';
import { useQuestions } from '../qa/useQuestions.ts';
import { RecordButton, RecordingIndicator } from '../recording/RecordingControls.tsx';
import { useRecording } from '../recording/useRecording.ts';
import { StreamButton } from '../stream/StreamDialog.tsx';

interface Props {
  session: MeetingSession;
  spaceId: string;
  user: User;
  info: Space | null;
  reconnecting: boolean;
  /** Leave and join again as a listener (a speaker who does not want to be recorded). */
  onRejoinAsListener: () => void;
}

/** Inside a Space: the stage, the big video of whoever speaks, reactions, comments, controls. */
export function SpaceRoom({ session, spaceId, user, info, reconnecting, onRejoinAsListener }: Props) {
  useSessionVersion(session);
  const media = useSpaceMedia(session);
  const [panel, setPanel] = useState<'people' | 'chat' | 'transcript' | 'qa' | null>(null);
  const [unread, setUnread] = useState(0);
  const [error, setError] = useState('');
  const { toasts, show: toast } = useToasts();
  const [recent, setRecent] = useState<string[]>([]);
  const panelRef = useRef(panel);
  panelRef.current = panel;

  const captions = useCaptions(session, toast);
  const qa = useQuestions(session, panel === 'qa');
  const rec = useRecording(session, toast, 'space');
  const recording = rec.startedAt !== null;
  const act = (fn: () => Promise<unknown>) => void fn().then(() => setError(''), (e: unknown) => setError(errorText(e)));

  // Hosts hear about every new request; everyone hears about their own stage changes.
  const knownRequests = useRef(new Set<string>(session.speakRequests.map((p) => p.id)));
  useEffect(() => {
    const offs = [
      session.on('activeSpeaker', (id) => setRecent((r) => pushRecentSpeaker(r, id))),
      session.on('stage', (on) => toast(on ? `${t('nowSpeaker')}${session.room?.recording ? ` ${t('willBeRecorded')}` : ''}` : t('nowListener'))),
      session.on('speakRequests', (reqs) => {
        const fresh = reqs.filter((p) => !knownRequests.current.has(p.id));
        knownRequests.current = new Set(reqs.map((p) => p.id));
        if (fresh.length) toast(t('asksToSpeak', { name: fresh.map((p) => p.displayName).join(', ') }));
      }),
      session.on('mutedByHost', () => toast(t('mutedByHost', { source: t('microphone') }))),
      session.on('chat', (m) => {
        if (panelRef.current !== 'chat' && m.from.handle !== session.self?.handle) setUnread((n) => n + 1);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [session]);
  useEffect(() => {
    if (panel === 'chat') setUnread(0);
  }, [panel]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setPanel(null);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const self = session.self!;
  const room = session.room;
  const moderator = self.role !== 'participant';
  const onStage = session.onStage;
  const requested = self.speakRequestedAt !== null;
  const stage = stageOrder([self, ...session.participants.values()]);
  // Spatial audio: each speaker's voice comes from the seat the server gave them.
  useSeatPositions(positionsFromSeats(stage, self.id));
  const tracks = [...session.remoteTracks.values()];
  const camOf = (id: string) => tracks.find((x) => x.participantId === id && x.kind === 'video' && x.source === 'camera');
  const withVideo = stage.filter((p) => p.id !== self.id && p.sources.includes('camera') && camOf(p.id)).map((p) => p.id);
  const mainId = chooseSpaceVideo({ selfId: self.id, withVideo, activeSpeakerId: room?.activeSpeakerId ?? null, recentSpeakers: recent });
  const mainP = mainId ? session.participants.get(mainId) : undefined;
  const speakingId = room?.activeSpeakerId ?? null;
  const listeners = room?.audienceCount ?? 0;
  const micOn = self.sources.includes('microphone');
  const title = info?.title ?? t('spaces');

  const roleLabel = (p: Participant) => (p.role === 'host' ? t('host') : p.role === 'cohost' ? t('cohost') : t('speaker'));
  const seat = (p: Participant) => {
    const isSelf = p.id === self.id;
    return (
      <li key={p.id} class={`seat${p.id === speakingId ? ' speaking' : ''}`} data-testid="seat" data-participant-id={p.id} data-speaking={p.id === speakingId ? 'true' : undefined}>
        <Tile
          session={session}
          participant={p}
          video={isSelf || p.id === mainId ? undefined : camOf(p.id)}
          speaking={p.id === speakingId}
          self={isSelf}
          localTrack={isSelf ? media.cam : null}
        />
        <span class="seat-name small">{isSelf ? t('you', { name: p.displayName }) : p.displayName}</span>
        <span class="small muted">{roleLabel(p)}</span>
        {p.id === speakingId && <span class="visually-hidden">{t('speakingNow')}</span>}
      </li>
    );
  };

  const leave = () => void session.leave().then(() => navigate('/spaces'));
  return (
    <div class={`space-room${panel ? ' with-panel' : ''}`}>
      {reconnecting && (
        <div class="banner" role="status" data-testid="reconnecting">
          {t('reconnecting')}
        </div>
      )}
      <header class="space-head">
        <div class="grow">
          <div class="row">
            <span class="live-badge">{t('live')}</span>
            <RecordingIndicator rec={rec} kind="space" />
            <h1 data-testid="space-name">{title}</h1>
          </div>
          {info?.topic && <p class="small">{info.topic}</p>}
        </div>
        <p class="small" data-testid="listener-count" aria-live="polite">
          {t('listenerCount', { count: listeners })}
        </p>
      </header>
      <main class="space-main" aria-label={t('stage')}>
        <AnsweringBanner qa={qa} onOpen={() => setPanel('qa')} />
        {mainP && (
          <div class="space-video main-tile" data-testid="main-tile">
            <Tile session={session} participant={mainP} video={camOf(mainP.id)} main speaking={mainP.id === speakingId} />
          </div>
        )}
        <ul class={`space-stage${mainP ? ' compact' : ''}`} aria-label={t('speakers')} data-testid="stage">
          {stage.map(seat)}
        </ul>
        {!onStage && (
          <p class="muted small center" data-testid="listening">
            {requested ? t('requestPending') : t('youAreListening')}
          </p>
        )}
        {!onStage && recording && (
          <p class="rec-consent small center" role="status" data-testid="rec-consent">
            {requested ? t('willBeRecorded') : t('recordedIfYouSpeak')}
          </p>
        )}
        {onStage && recording && self.role === 'participant' && (
          <div class="rec-consent small center" role="status" data-testid="rec-consent">
            <p>
              <strong>{t('willBeRecorded')}</strong> {t('recordedOnStage')}
            </p>
            <button onClick={onRejoinAsListener} data-testid="step-back">
              {t('stepBackToListener')}
            </button>
          </div>
        )}
        {onStage && media.starting && <p class="muted small center">{t('openingMic')}</p>}
        {(media.error || error) && (
          <p class="error small center" role="alert">
            {media.error || error}
          </p>
        )}
        <ReactionOverlay session={session} />
        <CaptionOverlay session={session} captions={captions} />
      </main>
      {panel === 'people' && moderator && <SpacePeoplePanel session={session} onClose={() => setPanel(null)} />}
      {panel === 'chat' && <ChatPanel session={session} onClose={() => setPanel(null)} />}
      {panel === 'transcript' && <TranscriptPanel session={session} meetingId={spaceId} captions={captions} onClose={() => setPanel(null)} />}
      {panel === 'qa' && <QuestionsPanel qa={qa} onClose={() => setPanel(null)} />}
      <nav class="toolbar space-controls" aria-label={t('spaceControls')}>
        {onStage ? (
          <>
            <button aria-pressed={!micOn} onClick={() => void media.toggleMic()} disabled={media.starting} data-testid="mic-toggle">
              {micOn ? t('micOff') : t('micOn')}
            </button>
            <button aria-pressed={!!media.cam} onClick={() => void media.toggleCam()} data-testid="camera-toggle">
              {media.cam ? t('cameraOff') : t('cameraOn')}
            </button>
          </>
        ) : (
          <button aria-pressed={requested} onClick={() => act(() => session.requestToSpeak(!requested))} data-testid="request-speak">
            {requested ? t('cancelRequest') : t('requestToSpeak')}
          </button>
        )}
        <ReactionBar session={session} />
        <button aria-pressed={panel === 'chat'} onClick={() => setPanel(panel === 'chat' ? null : 'chat')} data-testid="chat-toggle">
          {t('comments')}
          {unread > 0 && (
            <span class="badge" data-testid="unread">
              {t('unread', { n: unread })}
            </span>
          )}
        </button>
        <QaToggle qa={qa} open={panel === 'qa'} onToggle={() => setPanel(panel === 'qa' ? null : 'qa')} />
        {moderator && (
          <button aria-pressed={panel === 'people'} onClick={() => setPanel(panel === 'people' ? null : 'people')} data-testid="people-toggle">
            {t('spacePeople')}
            {session.speakRequests.length > 0 && (
              <span class="badge" data-testid="requests-count">
                {t('requestsCount', { count: session.speakRequests.length })}
              </span>
            )}
          </button>
        )}
        <CaptionControls session={session} captions={captions} transcriptOpen={panel === 'transcript'} onTranscript={() => setPanel(panel === 'transcript' ? null : 'transcript')} />
        <RecordButton rec={rec} />
        {self.role === 'host' && <StreamButton meetingId={spaceId} kind="space" displayName={user.displayName} />}
        <button class="danger" onClick={leave} data-testid="leave">
          {t('leaveSpace')}
        </button>
        {self.role === 'host' && (
          <button
            class="danger"
            onClick={() => {
              if (confirm(t('endSpaceConfirm'))) act(() => session.endForAll());
            }}
            data-testid="end-space"
          >
            {t('endSpace')}
          </button>
        )}
      </nav>
      <RemoteAudio tracks={tracks} />
      <Toasts toasts={toasts} />
    </div>
  );
}
