import { useCallback } from 'preact/hooks';
import type { Participant } from '@convene/protocol';
import type { MeetingSession, RemoteTrack } from '@convene/sdk';
import { t } from '../i18n/index.ts';
import { VideoView } from './VideoView.tsx';

export interface TileProps {
  session: MeetingSession;
  participant: Participant;
  video: RemoteTrack | undefined;
  main?: boolean;
  speaking?: boolean;
  self?: boolean;
  localTrack?: MediaStreamTrack | null;
}

/** One participant: video (or initials), name, muted mic, raised hand, connection quality. */
export function Tile(p: TileProps) {
  const { participant: who, video, session } = p;
  const consumerId = video?.consumerId;
  const onSize = useCallback((w: number, h: number) => consumerId && session.setTileSize(consumerId, w, h), [session, consumerId]);
  const micOn = who.sources.includes('microphone');
  const camOn = who.sources.includes(video?.source === 'screen' ? 'screen' : 'camera');
  const name = p.self ? t('you', { name: who.displayName }) : who.displayName;
  const track = p.self ? (p.localTrack ?? null) : camOn ? (video?.track ?? null) : null;
  return (
    <figure
      class={`tile${p.main ? ' main' : ''}${p.speaking ? ' speaking' : ''}`}
      data-testid="tile"
      data-participant-id={who.id}
      data-main={p.main ? 'true' : undefined}
      data-source={video?.source ?? 'camera'}
    >
      {track ? <VideoView track={track} mirror={p.self} {...(p.self ? {} : { onSize })} label={name} /> : <div class="avatar" aria-hidden="true">{initials(who.displayName)}</div>}
      <figcaption>
        {!micOn && (
          <span role="img" aria-label={t('micMuted')} title={t('micMuted')} data-testid="muted-icon">
            🔇
          </span>
        )}
        {who.handRaisedAt !== null && <HandBadge position={(session.room?.handQueue.indexOf(who.id) ?? -1) + 1} />}
        <span class="name">{name}</span>
        <Quality q={who.quality} />
      </figcaption>
    </figure>
  );
}

function HandBadge({ position }: { position: number }) {
  const label = position > 0 ? t('handRaisedAt', { n: position }) : t('handRaised');
  return (
    <span class="hand" role="img" aria-label={label} title={label} data-testid="hand-badge">
      ✋{position > 0 ? position : ''}
    </span>
  );
}

function Quality({ q }: { q: number }) {
  return (
    <span class="quality" role="img" aria-label={t('quality', { q })} data-quality={q}>
      {[1, 2, 3, 4, 5].map((i) => (
        <i key={i} class={i <= q ? 'on' : ''} />
      ))}
    </span>
  );
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}
