import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { transcriptUrl } from './captions.ts';

/**
 * The host's way back to a meeting's transcript outside the room (before it starts again, or
 * after it ended): download links, shown only when the server has a transcript for me.
 */
export function TranscriptLinks({ meetingId }: { meetingId: string }) {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let live = true;
    // HEAD: 200 when there is a transcript I may download, 404 otherwise (never the body).
    fetch(transcriptUrl(meetingId, 'txt'), { method: 'HEAD', credentials: 'same-origin' }).then(
      (res) => live && setAvailable(res.ok),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [meetingId]);
  if (!available) return null;
  return (
    <section class="transcript-links row" aria-label={t('transcript')} data-testid="transcript-links">
      <strong>{t('transcript')}</strong>
      <a class="button" href={transcriptUrl(meetingId, 'txt')} download data-testid="transcript-link-txt">
        {t('downloadTxt')}
      </a>
      <a class="button" href={transcriptUrl(meetingId, 'vtt')} download data-testid="transcript-link-vtt">
        {t('downloadVtt')}
      </a>
    </section>
  );
}
