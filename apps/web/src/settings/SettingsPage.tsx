import { useEffect, useState } from 'preact/hooks';
import type { CallSettings, WhoCanCall } from '@convene/protocol';
import { api, errorText } from '../app/api.ts';
import { Link } from '../app/router.tsx';
import { t, type MessageKey } from '../i18n/index.ts';
import { SpatialAudioSelect, spatialAudioSupported } from '../audio/SpatialAudioSelect.tsx';
import { enablePush, notificationSupport, requestNotificationPermission } from '../calls/systemNotifications.ts';

const CHOICES: { value: WhoCanCall; label: MessageKey }[] = [
  { value: 'nobody', label: 'whoNobody' },
  { value: 'following', label: 'whoFollowing' },
  { value: 'verified', label: 'whoVerified' },
  { value: 'everyone', label: 'whoEveryone' },
];

/** Who can call me (saved as soon as it changes), incoming-call notifications, spatial audio. */
export function SettingsPage() {
  return (
    <main class="page narrow">
      <header class="row spread">
        <h1>{t('settings')}</h1>
        <nav class="row">
          <Link href="/messages">{t('messages')}</Link>
          <Link href="/">{t('appName')}</Link>
        </nav>
      </header>
      <CallSettingsForm />
      <NotificationSettings />
      <SpatialAudioSettings />
    </main>
  );
}

function CallSettingsForm() {
  const [s, setS] = useState<CallSettings | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api.callSettings().then(setS, (e: unknown) => setError(errorText(e)));
  }, []);
  const save = async (next: CallSettings) => {
    const prev = s;
    setS(next);
    setStatus('');
    try {
      setS(await api.setCallSettings(next));
      setStatus(t('saved'));
      setError('');
    } catch (err) {
      setS(prev);
      setError(errorText(err));
    }
  };
  return (
    <section class="card stack">
      {!s ? (
        <p class={error ? 'error' : 'muted'}>{error || t('loading')}</p>
      ) : (
        <fieldset class="stack plain" data-testid="call-settings">
          <legend>
            <h2>{t('callSettings')}</h2>
          </legend>
          {CHOICES.map((c) => (
            <label class="check" key={c.value}>
              <input type="radio" name="whoCanCall" value={c.value} checked={s.whoCanCall === c.value} onChange={() => void save({ ...s, whoCanCall: c.value })} data-testid={`who-${c.value}`} />
              {t(c.label)}
            </label>
          ))}
          <label class="check">
            <input
              type="checkbox"
              checked={s.onlyMessagedBefore}
              disabled={s.whoCanCall === 'nobody'}
              onChange={(e) => void save({ ...s, onlyMessagedBefore: e.currentTarget.checked })}
              data-testid="only-messaged"
            />
            {t('onlyMessagedBefore')}
          </label>
          <p class="muted small" role="status">
            {status}
          </p>
          {error && (
            <p class="error small" role="alert">
              {error}
            </p>
          )}
        </fieldset>
      )}
    </section>
  );
}

function NotificationSettings() {
  const [perm, setPerm] = useState(notificationSupport());
  const [push, setPush] = useState(false);
  useEffect(() => {
    if (perm === 'granted') void enablePush().then(setPush, () => setPush(false));
  }, [perm]);
  return (
    <section class="card stack">
      <h2>{t('notifications')}</h2>
      <p class="muted small">{t('notificationsHelp')}</p>
      {perm === 'unsupported' && <p>{t('notificationsUnsupported')}</p>}
      {perm === 'granted' && <p role="status">{t('notificationsOn')}</p>}
      {perm === 'granted' && push && <p class="muted small">{t('pushOn')}</p>}
      {perm === 'denied' && <p>{t('notificationsDenied')}</p>}
      {perm === 'default' && (
        <button onClick={() => void requestNotificationPermission().then(setPerm)} data-testid="enable-notifications">
          {t('enableNotifications')}
        </button>
      )}
    </section>
  );
}

function SpatialAudioSettings() {
  return (
    <section class="card stack" data-testid="spatial-settings">
      <h2>{t('spatialAudio')}</h2>
      <p class="muted small">{spatialAudioSupported() ? t('spatialAudioHelp') : t('spatialUnsupported')}</p>
      <SpatialAudioSelect />
    </section>
  );
}
