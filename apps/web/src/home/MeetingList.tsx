import { useState } from 'preact/hooks';
import type { Meeting } from '@convene/protocol';
import { api } from '../app/api.ts';
import { Link } from '../app/router.tsx';
import { meetingPath } from '../app/routes.ts';
import { getLocale, t } from '../i18n/index.ts';
import { RecordingsDisclosure } from '../recording/RecordingList.tsx';

export function MeetingList({ meetings }: { meetings: Meeting[] }) {
  if (meetings.length === 0) return <p class="muted">{t('noUpcoming')}</p>;
  return (
    <ul class="meetings">
      {meetings.map((m) => (
        <MeetingItem key={m.id} m={m} />
      ))}
    </ul>
  );
}

function MeetingItem({ m }: { m: Meeting }) {
  const [copied, setCopied] = useState(false);
  const when = new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: m.timeZone }).format(new Date(m.startsAt));
  return (
    <li class="meeting" data-testid="meeting-item">
      <div class="grow">
        <Link href={meetingPath(m.id)}>{m.title}</Link>
        <div class="muted small">
          {when} ({m.timeZone}) · {t('minutes', { n: m.durationMinutes })}{m.code ? ` · ${t('code', { code: m.code })}` : ''}
        </div>
        <code class="small" data-testid="meeting-link">
          {m.link}
        </code>
        <RecordingsDisclosure meetingId={m.id} />
      </div>
      <button
        onClick={() =>
          void navigator.clipboard?.writeText(m.link).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          })
        }
      >
        {copied ? t('copied') : t('copyLink')}
      </button>
      <a class="button" href={api.inviteUrl(m.id)} download>
        {t('downloadInvite')}
      </a>
    </li>
  );
}
