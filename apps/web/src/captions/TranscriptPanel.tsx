import { useEffect, useRef, useState } from 'preact/hooks';
import type { MeetingSession } from '@convene/sdk';
import { t } from '../i18n/index.ts';
import { captionTime, transcriptUrl } from './captions.ts';
import type { Captions } from './useCaptions.ts';

interface Props {
  session: MeetingSession;
  meetingId: string;
  captions: Captions;
  onClose: () => void;
}

/** Everything captioned since this person joined, with speaker and time; hosts download it. */
export function TranscriptPanel({ session, meetingId, captions: c, onClose }: Props) {
  const lines = c.state.transcript;
  const list = useRef<HTMLOListElement>(null);
  const [following, setFollowing] = useState(true);
  const [error, setError] = useState('');
  useEffect(() => {
    if (following) list.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [lines.length, following]);
  const onScroll = () => {
    const el = list.current;
    if (el) setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight < 40);
  };
  const optedOut = [...session.participants.values()].filter((p) => p.captionsOff).map((p) => p.displayName);

  const download = async (format: 'txt' | 'vtt') => {
    setError('');
    try {
      const res = await fetch(transcriptUrl(meetingId, format), { credentials: 'same-origin' });
      if (!res.ok) throw new Error(String(res.status));
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `transcript.${format}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setError(t('downloadFailed'));
    }
  };

  return (
    <aside class="panel transcript" aria-label={t('transcript')} data-testid="transcript-panel">
      <header class="row spread">
        <h2>{t('transcript')}</h2>
        <button class="link" onClick={onClose} aria-label={t('closePanel')} data-testid="close-panel">
          ✕
        </button>
      </header>
      {c.canDownload &&
        (c.on ? (
          <details class="download-menu">
            <summary data-testid="transcript-download">{t('downloadTranscript')}</summary>
            <div class="row">
              <button onClick={() => void download('txt')} data-testid="transcript-download-txt">
                {t('downloadTxt')}
              </button>
              <button onClick={() => void download('vtt')} data-testid="transcript-download-vtt">
                {t('downloadVtt')}
              </button>
            </div>
          </details>
        ) : (
          <p class="small muted">{t('downloadUnavailable')}</p>
        ))}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
      {session.self?.captionsOff && <p class="small muted" data-testid="transcript-self-off">{t('captionsOffForYou')}</p>}
      {optedOut.length > 0 && (
        <p class="small muted" data-testid="transcript-opted-out">
          {t('captionsOffFor', { names: optedOut.join(', ') })}
        </p>
      )}
      {lines.length === 0 && <p class="muted">{c.on ? t('transcriptEmpty') : t('transcriptCaptionsOff')}</p>}
      <ol ref={list} class="messages transcript-lines" onScroll={onScroll} tabIndex={0} aria-label={t('transcript')} data-testid="transcript-lines">
        {lines.map((l) => (
          <li key={l.id} data-testid="transcript-line" data-participant-id={l.participantId}>
            <strong>{l.name}</strong> <time class="muted small" dateTime={new Date(l.at).toISOString()}>{captionTime(l.at)}</time>
            <div class="text">{l.text}</div>
          </li>
        ))}
      </ol>
      {!following && (
        <button class="link" onClick={() => setFollowing(true)}>
          {t('jumpToLatest')}
        </button>
      )}
    </aside>
  );
}
