import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Participant } from '@convene/protocol';
import type { MeetingSession, RemoteTrack } from '@convene/sdk';
import { navigate } from '../app/router.tsx';
import type { User } from '../app/App.tsx';
import { t } from '../i18n/index.ts';
import { ChatPanel } from './ChatPanel.tsx';
import { chooseMainTile } from './mainTile.ts';
import { JoinLeaveBatcher } from './notifications.ts';
import { PeoplePanel } from './PeoplePanel.tsx';
import { Tile } from './Tile.tsx';
import { Toolbar, type Panel } from './Toolbar.tsx';
import { CaptionControls } from '../captions/CaptionControls.tsx';
import { CaptionOverlay } from '../captions/CaptionOverlay.tsx';
import { TranscriptPanel } from '../captions/TranscriptPanel.tsx';
import { useCaptions } from '../captions/useCaptions.ts';
import type { LocalMedia } from './useLocalMedia.ts';
import { useSessionVersion } from './useSessionVersion.ts';
import { RemoteAudio, Toasts, useToasts } from './RoomAudio.tsx';
import { useTilePositions } from '../audio/useSpatialPositions.ts';
import { AnsweringBanner, QaToggle, QuestionsPanel } from '../qa/QuestionsPanel.tsx';
import { useQuestions } from '../qa/useQuestions.ts';
import { RecordButton, RecordingIndicator } from '../recording/RecordingControls.tsx';
import { useRecording } from '../recording/useRecording.ts';
import { StreamButton } from '../stream/StreamDialog.tsx';

interface Props {
  session: MeetingSession;
  /** The room's id (transcript downloads). */
  meetingId: string;
  user: User;
  media: LocalMedia;
  /** Lobby (hosts and co-hosts). */
  waiting: Participant[];
  reconnecting?: boolean;
  /** Meetings: false while the camera is not published (back from seminar with it off). */
  cameraPublished?: boolean;
  onCameraPublished?: () => void;
  /** Calls: what leaving does, and the call-specific controls and texts. */
  onLeave?: () => void;
  call?: {
    leaveLabel: string;
    aloneText: string;
    cameraPublished: boolean;
    onCameraPublished: () => void;
  };
}

export function MeetingRoom({ session, meetingId, user, media, waiting, reconnecting, onLeave, call, cameraPublished, onCameraPublished }: Props) {
  useSessionVersion(session);
  const [view, setView] = useState<'speaker' | 'grid'>('speaker');
  const [panel, setPanel] = useState<Panel | null>(null);
  const [unread, setUnread] = useState(0);
  const chatOpen = useRef(false);
  chatOpen.current = panel === 'chat';
  useEffect(() => {
    if (panel === 'chat') setUnread(0);
  }, [panel]);
  useEffect(
    () =>
      session.on('chat', (m) => {
        if (!chatOpen.current && m.from.handle !== session.self?.handle) setUnread((n) => n + 1);
      }),
    [session],
  );
  const [pinnedId, setPinnedId] = useState<string | null>(null);
  const { toasts, show: showToast } = useToasts();
  const [activity, setActivity] = useState<string[]>([]);
  const lastSpeaker = useRef<string | null>(null);
  // Spatial audio: each remote voice comes from where its tile is on screen.
  const stageRef = useRef<HTMLElement>(null);
  useTilePositions(stageRef);

  const toast = (text: string) => {
    showToast(text);
    setActivity((x) => [...x.slice(-49), `${new Date().toLocaleTimeString()} ${text}`]);
  };

  const captions = useCaptions(session, toast);
  // Q&A and recording belong to meetings (and seminars), not to calls.
  const isCall = call !== undefined || session.room?.kind === 'call';
  const qa = useQuestions(session, panel === 'qa', !isCall);
  const rec = useRecording(session, toast, 'meeting');

  const knownRequests = useRef(new Set(session.speakRequests.map((p) => p.id)));
  const mode = useRef(session.room?.mode ?? 'meeting');
  useEffect(() => {
    const batcher = new JoinLeaveBatcher(toast);
    const offs = [
      session.on('participantsJoined', (ps) => batcher.add('joined', ps.map((p) => p.displayName))),
      session.on('participantsLeft', (ps) => batcher.add('left', ps.map((p) => p.displayName))),
      session.on('mutedByHost', (source) => toast(t('mutedByHost', { source: source === 'microphone' ? t('microphone') : t('camera') }))),
      session.on('activeSpeaker', (id) => {
        if (id && id !== session.self?.id) lastSpeaker.current = id;
      }),
      session.on('speakRequests', (reqs) => {
        const fresh = reqs.filter((p) => !knownRequests.current.has(p.id));
        knownRequests.current = new Set(reqs.map((p) => p.id));
        if (fresh.length) toast(t('asksToSpeak', { name: fresh.map((p) => p.displayName).join(', ') }));
      }),
      session.on('room', (r) => {
        if (r.mode !== mode.current) {
          mode.current = r.mode;
          toast(r.mode === 'seminar' ? t('seminarSwitched') : t('meetingRestored'));
        }
      }),
    ];
    return () => {
      batcher.dispose();
      offs.forEach((off) => off());
    };
  }, [session]);

  // Tell moderators when someone new knocks, whether or not the people panel is open.
  const knownWaiting = useRef(new Set<string>());
  useEffect(() => {
    const fresh = waiting.filter((p) => !knownWaiting.current.has(p.id));
    knownWaiting.current = new Set(waiting.map((p) => p.id));
    if (fresh.length > 0 && session.self?.role !== 'participant') toast(t('wantsToJoin', { name: fresh.map((p) => p.displayName).join(', ') }));
  }, [waiting]);

  // Escape closes the side panel.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setPanel(null);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const self = session.self!;
  const others = [...session.participants.values()];
  const room = session.room;
  const tracks = [...session.remoteTracks.values()];
  const videoOf = (id: string, source: 'camera' | 'screen' = 'camera') => tracks.find((x) => x.participantId === id && x.kind === 'video' && x.source === source);
  const mainId = chooseMainTile({
    selfId: self.id,
    others: others.map((p) => p.id),
    spotlightId: room?.spotlightId ?? null,
    pinnedId,
    activeSpeakerId: room?.activeSpeakerId ?? null,
    lastSpeakerId: lastSpeaker.current,
  });
  const speakingId = room?.activeSpeakerId ?? null;
  const screens = useMemo(() => tracks.filter((x) => x.kind === 'video' && x.source === 'screen'), [tracks]);

  const tile = (p: Participant, opts: { main?: boolean; video?: RemoteTrack | undefined } = {}) => (
    <Tile key={`${p.id}:${opts.video?.source ?? 'cam'}`} session={session} participant={p} video={opts.video ?? videoOf(p.id)} main={opts.main ?? false} speaking={p.id === speakingId} />
  );
  const selfTile = <Tile key="self" session={session} participant={self} video={undefined} self localTrack={self.sources.includes('camera') ? media.cam : null} />;
  const mainP = others.find((p) => p.id === mainId);

  return (
    <div class={`room ${panel ? 'with-panel' : ''}`}>
      {reconnecting && (
        <div class="banner" role="status" data-testid="reconnecting">
          {t('reconnecting')}
        </div>
      )}
      <main ref={stageRef} class={`stage ${view}`} aria-label={view === 'grid' ? t('gridView') : t('speakerView')}>
        {rec.startedAt !== null && (
          <div class="stage-rec">
            <RecordingIndicator rec={rec} kind="meeting" />
          </div>
        )}
        {!isCall && <AnsweringBanner qa={qa} onOpen={() => setPanel('qa')} />}
        {room?.mode === 'seminar' && (
          <div class="seminar-banner" role="status" data-testid="seminar-banner">
            {session.onStage ? t('seminarHostBanner') : t('seminarBanner')}
          </div>
        )}
        {others.length === 0 && <p class="muted center" data-testid="alone">{call?.aloneText ?? t('alone')}</p>}
        {view === 'speaker' ? (
          <>
            <div class="main-tile" data-testid="main-tile">
              {mainP && tile(mainP, { main: true, video: videoOf(mainP.id, 'screen') ?? videoOf(mainP.id) })}
            </div>
            <div class="filmstrip">
              {selfTile}
              {others.filter((p) => p.id !== mainId).map((p) => tile(p))}
              {screens.filter((s) => s.participantId !== mainId).map((s) => tile(others.find((p) => p.id === s.participantId) ?? self, { video: s }))}
            </div>
          </>
        ) : (
          <div class="grid" style={{ '--n': String(others.length + 1 + screens.length) }}>
            {selfTile}
            {others.map((p) => tile(p))}
            {screens.map((s) => tile(others.find((p) => p.id === s.participantId) ?? self, { video: s }))}
          </div>
        )}
        <CaptionOverlay session={session} captions={captions} />
      </main>
      {panel === 'people' && <PeoplePanel session={session} waiting={waiting} pinnedId={pinnedId} onPin={setPinnedId} activity={activity} onClose={() => setPanel(null)} />}
      {panel === 'chat' && <ChatPanel session={session} onClose={() => setPanel(null)} />}
      {panel === 'qa' && !isCall && <QuestionsPanel qa={qa} onClose={() => setPanel(null)} />}
      {panel === 'transcript' && <TranscriptPanel session={session} meetingId={meetingId} captions={captions} onClose={() => setPanel(null)} />}
      <Toolbar
        session={session}
        media={media}
        view={view}
        onView={setView}
        panel={panel}
        onPanel={setPanel}
        waiting={session.self?.role === 'participant' ? 0 : waiting.length}
        requests={session.self?.role === 'participant' ? 0 : session.speakRequests.length}
        unread={unread}
        onLeave={onLeave ?? (() => void session.leave().then(() => navigate('/')))}
        {...(call
          ? { leaveLabel: call.leaveLabel, hideHostControls: true, cameraPublished: call.cameraPublished, onCameraPublished: call.onCameraPublished }
          : { ...(cameraPublished === undefined ? {} : { cameraPublished }), ...(onCameraPublished ? { onCameraPublished } : {}) })}
      >
        {!isCall && <QaToggle qa={qa} open={panel === 'qa'} onToggle={() => setPanel(panel === 'qa' ? null : 'qa')} />}
        <CaptionControls session={session} captions={captions} transcriptOpen={panel === 'transcript'} onTranscript={() => setPanel(panel === 'transcript' ? null : 'transcript')} />
        {!isCall && <RecordButton rec={rec} />}
        {!isCall && self.role === 'host' && <StreamButton meetingId={meetingId} kind="meeting" displayName={user.displayName} />}
      </Toolbar>
      <RemoteAudio tracks={tracks} />
      <Toasts toasts={toasts} />
    </div>
  );
}
