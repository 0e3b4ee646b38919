import { useEffect, useState } from 'preact/hooks';
import type { Meeting } from '@convene/protocol';
import { api, errorText } from '../app/api.ts';
import type { User } from '../app/App.tsx';
import { Link, navigate } from '../app/router.tsx';
import { useInbox } from '../inbox/context.tsx';
import { meetingPath, parseMeetingInput } from '../app/routes.ts';
import { t } from '../i18n/index.ts';
import { isValidTimeZone, localTimeZone, zonedTimeToUtc } from '../lib/time.ts';
import { MeetingList } from './MeetingList.tsx';

const localTz = localTimeZone();

/** Start a meeting now, schedule one, see upcoming ones, or join by link. */
export function HomePage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const [meetings, setMeetings] = useState<Meeting[]>([]);
  const [error, setError] = useState('');
  const refresh = () => api.listMeetings().then(setMeetings, (e: unknown) => setError(errorText(e)));
  useEffect(() => void refresh(), []);

  const create = async (form: HTMLFormElement, now: boolean) => {
    const f = new FormData(form);
    const code = String(f.get('code') ?? '').trim();
    const when = String(f.get('startsAt') ?? '');
    const timeZone = String(f.get('timeZone') ?? '').trim() || localTz;
    setError('');
    if (!isValidTimeZone(timeZone)) return setError(t('errTimeZone', { zone: timeZone }));
    // The wall-clock time is in the chosen zone, not necessarily the browser's.
    const startsAt = now || !when ? null : zonedTimeToUtc(when, timeZone);
    try {
      const m = await api.createMeeting({
        title: String(f.get('title') ?? '').trim() || t('newMeeting'),
        ...(startsAt ? { startsAt: startsAt.toISOString() } : {}),
        durationMinutes: Number(f.get('duration') ?? 60) || 60,
        timeZone,
        lobby: f.get('lobby') === 'on',
        ...(code ? { code } : {}),
      });
      if (now) navigate(meetingPath(m.id));
      else {
        form.reset();
        await refresh();
      }
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <main class="page">
      <header class="row spread">
        <h1>{t('appName')}</h1>
        <span class="muted">{t('signedInAs', { name: user.displayName, handle: user.handle })}</span>
        <nav class="row">
          <MessagesLink />
          <Link href="/spaces" class="button" data-testid="spaces-link">
            {t('spaces')}
          </Link>
          <Link href="/settings">{t('settings')}</Link>
        </nav>
        <button
          onClick={() =>
            void api.signOut().finally(() => {
              onSignedOut();
            })
          }
        >
          {t('signOut')}
        </button>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="grid2">
        <form
          class="card stack"
          onSubmit={(e) => {
            e.preventDefault();
            void create(e.currentTarget, true);
          }}
        >
          <h2>{t('newMeeting')}</h2>
          <label>
            {t('title')}
            <input name="title" maxLength={120} data-testid="new-title" />
          </label>
          <label>
            {t('meetingCode')}
            <input name="code" minLength={4} maxLength={32} data-testid="new-code" />
          </label>
          <label class="check">
            <input type="checkbox" name="lobby" /> {t('useLobby')}
          </label>
          <button class="primary" type="submit" data-testid="new-meeting">
            {t('startNow')}
          </button>
        </form>
        <form
          class="card stack"
          onSubmit={(e) => {
            e.preventDefault();
            void create(e.currentTarget, false);
          }}
        >
          <h2>{t('schedule')}</h2>
          <label>
            {t('title')}
            <input name="title" required maxLength={120} data-testid="schedule-title" />
          </label>
          <label>
            {t('startsAt')}
            <input name="startsAt" type="datetime-local" required data-testid="schedule-starts" />
          </label>
          <div class="row">
            <label>
              {t('durationMinutes')}
              <input name="duration" type="number" min={5} max={1440} value={60} data-testid="schedule-duration" />
            </label>
            <label>
              {t('timeZone')}
              <input name="timeZone" value={localTz} data-testid="schedule-timezone" />
            </label>
          </div>
          <label>
            {t('meetingCode')}
            <input name="code" minLength={4} maxLength={32} data-testid="schedule-code" />
          </label>
          <label class="check">
            <input type="checkbox" name="lobby" /> {t('useLobby')}
          </label>
          <button class="primary" type="submit" data-testid="schedule-submit">
            {t('schedule')}
          </button>
        </form>
      </div>
      <JoinByLink />
      <section class="card">
        <h2>{t('upcoming')}</h2>
        <MeetingList meetings={meetings} />
      </section>
    </main>
  );
}

function JoinByLink() {
  const [bad, setBad] = useState(false);
  return (
    <form
      class="card row"
      onSubmit={(e) => {
        e.preventDefault();
        const id = parseMeetingInput(String(new FormData(e.currentTarget).get('link') ?? ''));
        setBad(!id);
        if (id) navigate(meetingPath(id));
      }}
    >
      <label class="grow">
        {t('joinByLink')}
        <input name="link" required aria-invalid={bad} data-testid="join-link" />
      </label>
      <button type="submit">{t('join')}</button>
    </form>
  );
}

function MessagesLink() {
  const store = useInbox();
  const n = store.totalUnread();
  return (
    <Link href="/messages" class="button" data-testid="messages-link">
      {t('messages')}
      {n > 0 && (
        <span class="badge" data-testid="messages-unread">
          {t('unread', { n })}
        </span>
      )}
    </Link>
  );
}
