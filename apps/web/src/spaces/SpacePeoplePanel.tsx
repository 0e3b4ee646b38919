import { useState } from 'preact/hooks';
import type { Participant } from '@convene/protocol';
import type { MeetingSession } from '@convene/sdk';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';
import { stageOrder } from './stage.ts';

/** Hosts and co-hosts: requests to speak (oldest first), speakers and listeners, with actions. */
export function SpacePeoplePanel({ session, onClose }: { session: MeetingSession; onClose: () => void }) {
  const [error, setError] = useState('');
  const self = session.self!;
  const isHost = self.role === 'host';
  const act = (fn: () => Promise<unknown>) => void fn().then(() => setError(''), (e: unknown) => setError(errorText(e)));
  const everyone = [self, ...session.participants.values()];
  const speakers = stageOrder(everyone);
  const listeners = everyone.filter((p) => !p.onStage && p.id !== self.id);
  const requests = session.speakRequests;

  const roleActions = (p: Participant) =>
    isHost &&
    p.role !== 'host' && (
      <button onClick={() => act(() => session.setRole(p.id, p.role === 'cohost' ? 'participant' : 'cohost'))} data-testid={`cohost-${p.id}`}>
        {p.role === 'cohost' ? t('makeParticipant') : t('makeCohost')}
      </button>
    );
  const name = (p: Participant) => (
    <span class="grow">
      {p.id === self.id ? t('you', { name: p.displayName }) : p.displayName} <span class="muted small">@{p.handle}</span>
      {p.role !== 'participant' && <span class="badge">{p.role === 'host' ? t('host') : t('cohost')}</span>}
    </span>
  );

  return (
    <aside class="panel" aria-label={t('spacePeople')}>
      <header class="row spread">
        <h2>{t('spacePeople')}</h2>
        <button class="link" onClick={onClose} aria-label={t('closePanel')} data-testid="close-panel">
          ✕
        </button>
      </header>
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
      <section aria-labelledby="req-h">
        <h3 id="req-h">
          {t('speakRequests')} ({requests.length})
        </h3>
        {requests.length === 0 ? (
          <p class="muted small">{t('noSpeakRequests')}</p>
        ) : (
          <ol class="people" data-testid="speak-requests">
            {requests.map((p) => (
              <li key={p.id} data-testid="speak-request" data-participant-id={p.id}>
                {name(p)}
                <button class="primary" onClick={() => act(() => session.setOnStage(p.id, true))} data-testid={`approve-${p.id}`}>
                  {t('approve')}
                </button>
                <button onClick={() => act(() => session.declineToSpeak(p.id))} data-testid={`decline-${p.id}`}>
                  {t('decline')}
                </button>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="speakers-h">
        <h3 id="speakers-h">
          {t('speakers')} ({speakers.length})
        </h3>
        <ul class="people">
          {speakers.map((p) => (
            <li key={p.id} data-testid="speaker-entry" data-participant-id={p.id}>
              {name(p)}
              {p.id !== self.id && p.role !== 'host' && (
                <>
                  {p.sources.includes('microphone') && (
                    <button onClick={() => act(() => session.mute(p.id, 'microphone'))} data-testid={`mute-${p.id}`}>
                      {t('mute')}
                    </button>
                  )}
                  {p.role === 'participant' && (
                    <button onClick={() => act(() => session.setOnStage(p.id, false))} data-testid={`to-listeners-${p.id}`}>
                      {t('moveToListeners')}
                    </button>
                  )}
                  {roleActions(p)}
                  <button onClick={() => act(() => session.remove(p.id))} data-testid={`remove-${p.id}`}>
                    {t('remove')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="listeners-h">
        <h3 id="listeners-h">
          {t('listeners')} ({listeners.length})
        </h3>
        {listeners.length === 0 && <p class="muted small">{t('noListeners')}</p>}
        <ul class="people" data-testid="listeners">
          {listeners.map((p) => (
            <li key={p.id} data-testid="listener-entry" data-participant-id={p.id}>
              {name(p)}
              {p.speakRequestedAt !== null && <span class="badge">{t('wantsToSpeak')}</span>}
              <button onClick={() => act(() => session.setOnStage(p.id, true))} data-testid={`to-stage-${p.id}`}>
                {t('bringOnStage')}
              </button>
              {roleActions(p)}
              <button onClick={() => act(() => session.remove(p.id))} data-testid={`remove-${p.id}`}>
                {t('remove')}
              </button>
              <button class="danger" onClick={() => act(() => session.blockFromRoom(p.id))} data-testid={`block-${p.id}`}>
                {t('block')}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
