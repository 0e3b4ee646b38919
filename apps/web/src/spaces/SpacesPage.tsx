import { useEffect, useState } from 'preact/hooks';
import type { Space, SpaceList } from '@convene/protocol';
import { api, errorText } from '../app/api.ts';
import type { User } from '../app/App.tsx';
import { Link } from '../app/router.tsx';
import { getLocale, t } from '../i18n/index.ts';
import { nextHalfHourLocal } from '../lib/time.ts';
import { openBroadcast, openSpace } from './SpacePage.tsx';

const REFRESH_MS = 10_000;

/** Live Spaces to listen to, upcoming ones, and a form to start or schedule one. */
export function SpacesPage({ user }: { user: User }) {
  const [list, setList] = useState<SpaceList | null>(null);
  const [error, setError] = useState('');
  const refresh = () =>
    api.spaces().then(
      (l) => {
        setList(l);
        setError('');
      },
      (e: unknown) => setError(errorText(e)),
    );
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => document.hidden || void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <main class="page">
      <header class="row spread">
        <h1>{t('spaces')}</h1>
        <nav class="row">
          <Link href="/">{t('backHome')}</Link>
          <button onClick={() => void refresh()} data-testid="spaces-refresh">
            {t('refresh')}
          </button>
        </nav>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <section class="card" aria-labelledby="live-h">
        <h2 id="live-h">{t('liveSpaces')}</h2>
        {list === null ? (
          <p class="muted">{t('loading')}</p>
        ) : list.live.length === 0 ? (
          <p class="muted" data-testid="no-live-spaces">
            {t('noLiveSpaces')}
          </p>
        ) : (
          <ul class="spaces" data-testid="live-spaces">
            {list.live.map((s) => (
              <SpaceItem key={s.id} s={s} live mine={s.host.handle === user.handle} />
            ))}
          </ul>
        )}
      </section>
      <StartSpace onScheduled={() => void refresh()} />
      <section class="card" aria-labelledby="upcoming-h">
        <h2 id="upcoming-h">{t('upcomingSpaces')}</h2>
        {list && list.upcoming.length === 0 && <p class="muted">{t('noUpcomingSpaces')}</p>}
        {list && list.upcoming.length > 0 && (
          <ul class="spaces" data-testid="upcoming-spaces">
            {list.upcoming.map((s) => (
              <SpaceItem key={s.id} s={s} live={false} mine={s.host.handle === user.handle} />
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}

function SpaceItem({ s, live, mine }: { s: Space; live: boolean; mine: boolean }) {
  const when = new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(s.startsAt));
  return (
    <li class="space-item" data-testid={live ? 'live-space' : 'upcoming-space'} data-space-id={s.id}>
      <div class="grow">
        <div class="row">
          {live && <span class="live-badge">{t('live')}</span>}
          <strong data-testid="space-title">{s.title}</strong>
        </div>
        {s.topic && <div class="small">{s.topic}</div>}
        <div class="muted small">
          {t('hostedBy', { name: s.host.displayName })} · @{s.host.handle}
          {live ? ` · ${t('listenerCount', { count: s.listenerCount })} · ${t('speakerCount', { count: s.speakerCount })}` : ` · ${when}`}
        </div>
      </div>
      {live || mine ? (
        <div class="row space-actions">
          {live && !mine && s.hls?.status === 'live' && (
            <button onClick={() => openBroadcast(s.id)} data-testid={`broadcast-${s.id}`} aria-label={`${t('listenBroadcast')}: ${s.title}`}>
              {t('listenBroadcast')}
            </button>
          )}
          <button class={live ? 'primary' : ''} onClick={() => openSpace(s.id)} data-testid={`listen-${s.id}`} aria-label={`${live && !mine ? t('listen') : t('openSpace')}: ${s.title}`}>
            {live && !mine ? t('listen') : t('openSpace')}
          </button>
        </div>
      ) : (
        <button
          onClick={() => void navigator.clipboard?.writeText(s.link)}
          aria-label={`${t('copyLink')}: ${s.title}`}
        >
          {t('copyLink')}
        </button>
      )}
    </li>
  );
}

function StartSpace({ onScheduled }: { onScheduled: () => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [scheduled, setScheduled] = useState('');
  const create = async (form: HTMLFormElement, now: boolean) => {
    const f = new FormData(form);
    const title = String(f.get('title') ?? '').trim();
    const topic = String(f.get('topic') ?? '').trim();
    const when = String(f.get('startsAt') ?? '');
    if (!title) return setError(t('spaceTitleRequired'));
    if (!now && !when) return setError(t('spaceWhenRequired'));
    const startsAt = now ? null : new Date(when);
    if (startsAt && Number.isNaN(startsAt.getTime())) return setError(t('spaceWhenRequired'));
    setBusy(true);
    setError('');
    try {
      const s = await api.createSpace({ title, ...(topic ? { topic } : {}), ...(startsAt ? { startsAt: startsAt.toISOString() } : {}) });
      if (now) openSpace(s.id);
      else {
        form.reset();
        setScheduled(s.link);
        onScheduled();
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="card stack"
      aria-labelledby="start-space-h"
      onSubmit={(e) => {
        e.preventDefault();
        const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
        void create(e.currentTarget, submitter?.value !== 'schedule');
      }}
    >
      <h2 id="start-space-h">{t('startSpace')}</h2>
      <label>
        {t('title')}
        <input name="title" required maxLength={120} data-testid="space-title-input" />
      </label>
      <label>
        {t('spaceTopic')}
        <input name="topic" maxLength={280} data-testid="space-topic-input" />
      </label>
      <label>
        {t('spaceStartsAtOptional')}
        <input name="startsAt" type="datetime-local" defaultValue={nextHalfHourLocal()} data-testid="space-starts-input" />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {scheduled && (
        <p role="status" class="small" data-testid="space-scheduled">
          {t('spaceScheduled')} <code>{scheduled}</code>
        </p>
      )}
      <div class="row">
        <button class="primary" type="submit" name="when" value="now" disabled={busy} data-testid="space-start-now">
          {t('startSpaceNow')}
        </button>
        <button type="submit" name="when" value="schedule" disabled={busy} data-testid="space-schedule">
          {t('scheduleSpace')}
        </button>
      </div>
    </form>
  );
}
