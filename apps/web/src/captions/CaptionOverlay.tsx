import type { MeetingSession } from '@convene/sdk';
import { t } from '../i18n/index.ts';
import type { Captions } from './useCaptions.ts';

/**
 * The last few caption lines at the bottom of the stage, each attributed to its speaker; the
 * current speaker's words appear live and are replaced by the final text.
 */
export function CaptionOverlay({ session, captions: c }: { session: MeetingSession; captions: Captions }) {
  if (!c.show) return null;
  const speakerId = session.room?.activeSpeakerId ?? null;
  const speaker = speakerId ? (speakerId === session.self?.id ? session.self : session.participants.get(speakerId)) : undefined;
  const speakerOff = speaker?.captionsOff === true;
  // A speaker who just opted out: drop their unfinished line.
  const off = (id: string) => (id === session.self?.id ? session.self : session.participants.get(id))?.captionsOff === true;
  const lines = c.state.lines.filter((l) => l.final || !off(l.participantId));
  return (
    <div class="caption-overlay" role="region" aria-label={t('captionOverlay')} data-testid="caption-overlay">
      <div aria-live="polite" aria-relevant="additions text">
        {lines.map((l) => (
          <p key={l.id} class={`caption-line${l.final ? '' : ' partial'}`} data-testid="caption-line" data-participant-id={l.participantId} data-final={String(l.final)}>
            <strong class="caption-name">{t('captionSpeaker', { name: l.name })}</strong> <span class="caption-text">{l.text}</span>
          </p>
        ))}
        {speakerOff && speaker && (
          <p class="caption-line caption-off" data-testid="caption-off">
            {t('captionsOffForSpeaker', { name: speaker.displayName })}
          </p>
        )}
      </div>
    </div>
  );
}
