import { useEffect, useState } from 'preact/hooks';
import { ConveneError, type Recording } from '@convene/protocol';
import { fetchRecordings } from '../app/api.ts';
import { getLocale, t } from '../i18n/index.ts';
import { formatElapsed, formatSize, playerKind } from './recording.ts';

/** While a recording is still being written, look again this often. */
const POLL_MS = 3000;

interface Props {
  meetingId: string;
  /** Render nothing (not even a heading) when there are none, or none are visible to me. */
  hideWhenEmpty?: boolean;
  /** False inside a disclosure that already says "Recordings". */
  heading?: boolean;
}

/** A meeting's or Space's recordings, each with a player and a download link. */
export function RecordingList({ meetingId, hideWhenEmpty, heading = true }: Props) {
  const [list, setList] = useState<Recording[] | null>(null);
  const [error, setError] = useState('');
  const unfinished = list?.some((r) => r.endedAt === null) ?? false;

  useEffect(() => {
    let stopped = false;
    const load = () =>
      fetchRecordings(meetingId).then(
        (l) => {
          if (stopped) return;
          setList(l);
          setError('');
        },
        (e: unknown) => {
          if (stopped) return;
          // Not mine to see (another host's meeting): the same as none.
          if (e instanceof ConveneError && e.code === 'NOT_FOUND') setList([]);
          else setError(t('recordingsFailed'));
        },
      );
    void load();
    const timer = unfinished ? setInterval(() => document.hidden || void load(), POLL_MS) : undefined;
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [meetingId, unfinished]);

  if (hideWhenEmpty && !error && (list === null || list.length === 0)) return null;
  const when = new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section class="recordings" aria-label={t('recordings')} data-testid="recordings">
      {heading && <h2>{t('recordings')}</h2>}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
      {list === null && !error && <p class="muted small">{t('loading')}</p>}
      {list?.length === 0 && <p class="muted small">{t('noRecordings')}</p>}
      {list && list.length > 0 && (
        <ul class="recording-list">
          {list.map((r) => {
            const at = when.format(new Date(r.startedAt));
            return (
              <li key={r.id} class="recording" data-testid="recording" data-recording-id={r.id} data-ended={r.endedAt ? 'true' : 'false'}>
                <div class="row spread">
                  <span>
                    <strong>{t('recordingFrom', { when: at })}</strong>{' '}
                    <span class="muted small">{t('recordingMeta', { duration: formatElapsed(r.durationMs), size: formatSize(r.sizeBytes) })}</span>
                  </span>
                  {r.endedAt && (
                    <a class="button" href={r.url} download aria-label={t('downloadRecordingLabel', { when: at })} data-testid="recording-download">
                      {t('downloadRecording')}
                    </a>
                  )}
                </div>
                {r.endedAt === null ? (
                  <p class="muted small" role="status">
                    {t('recordingInProgress')}
                  </p>
                ) : playerKind(r.mimeType) === 'video' ? (
                  <video class="recording-player" controls preload="metadata" src={r.url} aria-label={t('recordingFrom', { when: at })} data-testid="recording-player" />
                ) : (
                  <audio class="recording-player" controls preload="metadata" src={r.url} aria-label={t('recordingFrom', { when: at })} data-testid="recording-player" />
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** A collapsed "Recordings" disclosure that loads the list only when opened (meeting lists). */
export function RecordingsDisclosure({ meetingId }: { meetingId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details class="recordings-disclosure" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="recordings-disclosure">
      <summary>{t('showRecordings')}</summary>
      {open && <RecordingList meetingId={meetingId} heading={false} />}
    </details>
  );
}
