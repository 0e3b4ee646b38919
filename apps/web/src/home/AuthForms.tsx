import { useState } from 'preact/hooks';
import { api, errorText } from '../app/api.ts';
import type { User } from '../app/App.tsx';
import { t } from '../i18n/index.ts';

/** Sign in / create account. Only the handle and display name are ever shown to others. */
export function AuthForms({ onSignedIn }: { onSignedIn: (u: User) => void }) {
  const [mode, setMode] = useState<'signin' | 'signup'>('signup');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const p = mode === 'signup' ? 'signup' : 'signin';
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      const handle = String(f.get('handle') ?? '');
      const password = String(f.get('password') ?? '');
      const r =
        mode === 'signup'
          ? await api.signUp({ handle, password, displayName: String(f.get('displayName') ?? '') })
          : await api.signIn({ handle, password });
      onSignedIn(r.user);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="page narrow">
      <h1>{t('appName')}</h1>
      <p class="muted">{t('tagline')}</p>
      <form class="card stack" onSubmit={submit} aria-labelledby="auth-title">
        <h2 id="auth-title">{mode === 'signup' ? t('signUp') : t('signIn')}</h2>
        <label>
          {t('handle')}
          <input name="handle" autocomplete="username" required minLength={3} maxLength={30} pattern="[A-Za-z0-9_]{3,30}" data-testid={`${p}-handle`} />
        </label>
        {mode === 'signup' && (
          <label>
            {t('displayName')}
            <input name="displayName" autocomplete="nickname" required maxLength={64} data-testid="signup-display-name" />
          </label>
        )}
        <label>
          {t('password')}
          <input
            name="password"
            type="password"
            required
            minLength={mode === 'signup' ? 8 : 1}
            autocomplete={mode === 'signup' ? 'new-password' : 'current-password'}
            data-testid={`${p}-password`}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy} data-testid={`${p}-submit`}>
          {mode === 'signup' ? t('signUp') : t('signIn')}
        </button>
        <button type="button" class="link" onClick={() => setMode(mode === 'signup' ? 'signin' : 'signup')}>
          {mode === 'signup' ? t('haveAccount') : t('needAccount')}
        </button>
      </form>
    </main>
  );
}
