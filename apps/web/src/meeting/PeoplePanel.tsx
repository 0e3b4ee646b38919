import { useState } from 'preact/hooks';
import type { Participant } from '@convene/protocol';
import type { MeetingSession } from '@convene/sdk';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';

interface Props {
  session: MeetingSession;
  waiting: Participant[];
  pinnedId: string | null;
  onPin: (id: string | null) => void;
  activity: string[];
  onClose: () => void;
}

/** Participants with roles and host controls, the hand queue, the lobby, room settings, activity. */
export function PeoplePanel({ session, waiting, pinnedId, onPin, activity, onClose }: Props) {
  const [error, setError] = useState('');
  const self = session.self!;
  const room = session.room!;
  const moderator = self.role !== 'participant';
  const act = (fn: () => Promise<unknown>) => void fn().then(() => setError(''), (e: unknown) => setError(errorText(e)));
  const everyone = [self, ...session.participants.values()];
  const byId = new Map(everyone.map((p) => [p.id, p]));
  return (
    <aside class="panel" aria-label={t('participants')}>
      <header class="row spread">
        <h2>{t('participants')}</h2>
        <button class="link" onClick={onClose} aria-label={t('closePanel')} data-testid="close-panel">
          ✕
        </button>
      </header>
      {error && <p class="error small">{error}</p>}
      {moderator && (
        <section class="stack">
          <label class="check">
            <input type="checkbox" checked={room.locked} onChange={(e) => act(() => session.lock(e.currentTarget.checked))} data-testid="lock-toggle" /> {t('lockMeeting')}
          </label>
          <label class="check">
            <input type="checkbox" checked={room.allowSelfUnmute} onChange={(e) => act(() => session.setAllowSelfUnmute(e.currentTarget.checked))} /> {t('allowUnmute')}
          </label>
          {room.kind === 'meeting' && <SeminarControls session={session} act={act} />}
        </section>
      )}
      {moderator && room.mode === 'seminar' && session.speakRequests.length > 0 && (
        <section>
          <h3>{t('speakRequests')}</h3>
          <ol class="people" data-testid="speak-requests">
            {session.speakRequests.map((p) => (
              <li key={p.id} data-testid="speak-request" data-participant-id={p.id}>
                <span class="grow">{p.displayName}</span>
                <button class="primary" onClick={() => act(() => session.setOnStage(p.id, true))} data-testid={`approve-${p.id}`}>
                  {t('bringOnStage')}
                </button>
                <button onClick={() => act(() => session.declineToSpeak(p.id))} data-testid={`decline-${p.id}`}>
                  {t('decline')}
                </button>
              </li>
            ))}
          </ol>
        </section>
      )}
      {moderator && waiting.length > 0 && (
        <section>
          <h3>{t('lobby')}</h3>
          <ul class="people">
            {waiting.map((p) => (
              <li key={p.id} data-testid="lobby-entry">
                <span class="grow">{p.displayName}</span>
                <button onClick={() => act(() => session.admit(p.id))} data-testid={`admit-${p.id}`}>
                  {t('admit')}
                </button>
                <button onClick={() => act(() => session.deny(p.id))} data-testid={`deny-${p.id}`}>
                  {t('deny')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {room.handQueue.length > 0 && (
        <section>
          <h3>{t('handQueue')}</h3>
          <ol>
            {room.handQueue.map((id) => (
              <li key={id}>
                {byId.get(id)?.displayName ?? '?'}
                {moderator && id !== self.id && (
                  <button class="link" onClick={() => act(() => session.lowerHandOf(id))}>
                    {t('lowerTheirHand')}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
      <ul class="people">
        {everyone.map((p) => (
          <li key={p.id} data-testid="person">
            <span class="grow">
              {p.id === self.id ? t('you', { name: p.displayName }) : p.displayName} <span class="muted small">@{p.handle}</span>
              {p.role !== 'participant' && <span class="badge">{p.role === 'host' ? t('host') : t('cohost')}</span>}
              {room.mode === 'seminar' && !p.onStage && <span class="badge">{t('attendees')}</span>}
            </span>
            {p.id !== self.id && (
              <button onClick={() => onPin(pinnedId === p.id ? null : p.id)} aria-pressed={pinnedId === p.id} data-testid={`pin-${p.id}`}>
                {pinnedId === p.id ? t('unpin') : t('pin')}
              </button>
            )}
            {moderator && (
              <button onClick={() => act(() => session.spotlight(room.spotlightId === p.id ? null : p.id))} aria-pressed={room.spotlightId === p.id} data-testid={`spotlight-${p.id}`}>
                {room.spotlightId === p.id ? t('removeSpotlight') : t('spotlight')}
              </button>
            )}
            {moderator && p.id !== self.id && p.role !== 'host' && (
              <>
                {p.sources.includes('microphone') && (
                  <button onClick={() => act(() => session.mute(p.id, 'microphone'))} data-testid={`mute-${p.id}`}>
                    {t('mute')}
                  </button>
                )}
                {room.mode === 'seminar' && p.role === 'participant' && (
                  <button onClick={() => act(() => session.setOnStage(p.id, !p.onStage))} data-testid={p.onStage ? `to-attendees-${p.id}` : `to-stage-${p.id}`}>
                    {p.onStage ? t('moveToAttendees') : t('bringOnStage')}
                  </button>
                )}
                <button onClick={() => act(() => session.remove(p.id))} data-testid={`remove-${p.id}`}>
                  {t('remove')}
                </button>
                {self.role === 'host' && (
                  <button onClick={() => act(() => session.setRole(p.id, p.role === 'cohost' ? 'participant' : 'cohost'))}>
                    {p.role === 'cohost' ? t('makeParticipant') : t('makeCohost')}
                  </button>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      <section>
        <h3>{t('activity')}</h3>
        <ul class="activity small muted" data-testid="activity">
          {activity.map((a, i) => (
            <li key={i}>{a}</li>
          ))}
        </ul>
      </section>
    </aside>
  );
}

/**
 * Meeting ↔ seminar. Switching asks who stays a panelist: by default the hosts and whoever is
 * sharing or has a camera on; everyone else watches (hosts and co-hosts always keep the stage).
 */
function SeminarControls({ session, act }: { session: MeetingSession; act: (fn: () => Promise<unknown>) => void }) {
  const [picking, setPicking] = useState<Set<string> | null>(null);
  const room = session.room!;
  const others = [...session.participants.values()];
  if (room.mode === 'seminar')
    return (
      <button onClick={() => act(() => session.setSeminar(false))} data-testid="seminar-end">
        {t('backToMeeting')}
      </button>
    );
  if (!picking)
    return (
      <button
        onClick={() => setPicking(new Set(others.filter((p) => p.role !== 'participant' || p.sources.includes('camera') || p.sources.includes('screen')).map((p) => p.id)))}
        data-testid="seminar-open"
        aria-expanded="false"
      >
        {t('switchToSeminar')}
      </button>
    );
  const toggle = (id: string, on: boolean) => {
    const next = new Set(picking);
    if (on) next.add(id);
    else next.delete(id);
    setPicking(next);
  };
  return (
    <fieldset class="panelist-picker" data-testid="panelist-picker">
      <legend class="small">{t('choosePanelists')}</legend>
      {others.map((p) => {
        const fixed = p.role !== 'participant';
        return (
          <label key={p.id} class="check">
            <input type="checkbox" checked={fixed || picking.has(p.id)} disabled={fixed} onChange={(e) => toggle(p.id, e.currentTarget.checked)} data-testid={`panelist-${p.id}`} />{' '}
            {p.displayName}
          </label>
        );
      })}
      <div class="row">
        <button
          class="primary"
          onClick={() => {
            const ids = [...picking];
            setPicking(null);
            act(() => session.setSeminar(true, ids));
          }}
          data-testid="seminar-start"
        >
          {t('startSeminar')}
        </button>
        <button onClick={() => setPicking(null)}>{t('cancel')}</button>
      </div>
    </fieldset>
  );
}
