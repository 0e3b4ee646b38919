import { t } from '../i18n/index.ts';
import { formatElapsed } from './recording.ts';
import type { RecordingState } from './useRecording.ts';

/** The red REC badge with the elapsed time, for everyone, while the room is recorded. */
export function RecordingIndicator({ rec, kind }: { rec: RecordingState; kind: 'meeting' | 'space' }) {
  if (rec.startedAt === null) return null;
  const label = kind === 'space' ? t('recordingNowSpace') : t('recordingNowMeeting');
  const time = formatElapsed(rec.elapsedMs);
  return (
    <span class="rec-indicator" data-testid="rec-indicator" title={`${label} · ${t('recordingElapsed', { time })}`}>
      <span class="rec-dot" aria-hidden="true" />
      <span aria-hidden="true">{t('rec')}</span>
      <span class="rec-time" aria-hidden="true" data-testid="rec-elapsed">
        {time}
      </span>
      <span class="visually-hidden">{label}</span>
    </span>
  );
}

/** Hosts and co-hosts: Record / Stop recording, with the error when it cannot. */
export function RecordButton({ rec }: { rec: RecordingState }) {
  if (!rec.canControl) return null;
  const on = rec.startedAt !== null;
  return (
    <>
      <button class={on ? 'danger' : ''} aria-pressed={on} disabled={rec.busy !== null} onClick={rec.toggle} data-testid="record-toggle">
        <span class="rec-dot" aria-hidden="true" /> {rec.busy === 'starting' ? t('recordingStarting') : rec.busy === 'stopping' ? t('recordingStopping') : on ? t('stopRecording') : t('record')}
      </button>
      {rec.error && (
        <span class="error small" role="alert" data-testid="record-error">
          {rec.error}
        </span>
      )}
    </>
  );
}
