import type { MeetingSession } from '@convene/sdk';
import { t } from '../i18n/index.ts';
import { CAPTION_LANGUAGES } from './captions.ts';
import type { Captions } from './useCaptions.ts';

interface Props {
  session: MeetingSession;
  captions: Captions;
  transcriptOpen: boolean;
  onTranscript: () => void;
}

/**
 * Toolbar controls for live captions: the CC button (captions for everyone, for those who may;
 * the overlay for others), and a settings menu (language, show captions, "Don't caption me",
 * transcript).
 */
export function CaptionControls({ session, captions: c, transcriptOpen, onTranscript }: Props) {
  const optedOut = session.self?.captionsOff === true;
  const languages = CAPTION_LANGUAGES.map((l) => t(l.label)).join(', ');
  return (
    <span class="captions-controls">
      {c.canControl ? (
        <button aria-pressed={c.on} onClick={c.toggleRoom} data-testid="captions-toggle" aria-keyshortcuts="C" title={t('shortcutCaptions')}>
          <span class="cc" aria-hidden="true">
            CC
          </span>{' '}
          {c.on ? t('captionsOff') : t('captionsOn')}
        </button>
      ) : (
        <button
          aria-pressed={c.show}
          onClick={() => c.setShow(!c.show)}
          disabled={!c.on}
          data-testid="captions-show-toggle"
          aria-keyshortcuts="C"
          title={c.on ? t('shortcutShowCaptions') : t('captionsOffHint')}
        >
          <span class="cc" aria-hidden="true">
            CC
          </span>{' '}
          {c.show ? t('hideCaptions') : t('showCaptions')}
        </button>
      )}
      <details class="captions-menu" data-testid="captions-menu">
        <summary aria-label={t('captionSettings')} title={t('captionSettings')}>
          {t('captionSettings')}
        </summary>
        <div class="captions-menu-body">
          <label>
            {t('captionLanguage')}
            <select value={c.language} onChange={(e) => c.setLanguage(e.currentTarget.value)} disabled={!c.canControl} data-testid="captions-language">
              {CAPTION_LANGUAGES.map((l) => (
                <option key={l.tag} value={l.tag}>
                  {t(l.label)}
                </option>
              ))}
            </select>
          </label>
          <p class="small muted" data-testid="captions-languages">
            {t('captionLanguagesAvailable', { list: languages })}
            {!c.canControl && ` ${t('captionLanguageHostOnly')}`}
          </p>
          <label class="check">
            <input type="checkbox" checked={c.show} disabled={!c.on} onChange={(e) => c.setShow(e.currentTarget.checked)} data-testid="captions-show" />
            {t('showCaptions')}
          </label>
          <label class="check">
            <input type="checkbox" checked={optedOut} onChange={c.toggleOptOut} data-testid="captions-optout" aria-describedby="captions-optout-hint" />
            {t('captionOptOut')}
          </label>
          <p class="small muted" id="captions-optout-hint">
            {t('captionOptOutHint')}
          </p>
        </div>
      </details>
      {(c.on || c.state.transcript.length > 0) && (
        <button aria-pressed={transcriptOpen} onClick={onTranscript} data-testid="transcript-toggle">
          {t('transcript')}
        </button>
      )}
      {c.error && (
        <span class="error small" role="alert">
          {c.error}
        </span>
      )}
    </span>
  );
}
