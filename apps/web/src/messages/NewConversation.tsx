import { useState } from 'preact/hooks';
import { api, handleErrorText } from '../app/api.ts';
import { navigate } from '../app/router.tsx';
import { messagesPath } from '../app/routes.ts';
import { t } from '../i18n/index.ts';
import type { InboxStore } from '../inbox/InboxStore.ts';
import { parseHandles } from './messageList.ts';

/** Start a DM by handle, or create a group with a title and handles. */
export function NewConversation({ store }: { store: InboxStore }) {
  const [mode, setMode] = useState<'dm' | 'group' | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      const c =
        mode === 'dm'
          ? await api.createConversation({ kind: 'dm', handle: String(f.get('handle') ?? '').trim().replace(/^@/, '') })
          : await api.createConversation({ kind: 'group', title: String(f.get('title') ?? '').trim(), handles: parseHandles(String(f.get('handles') ?? '')) });
      store.upsert(c);
      setMode(null);
      navigate(messagesPath(c.id));
    } catch (err) {
      setError(handleErrorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="new-conv stack">
      <div class="row">
        <button aria-expanded={mode === 'dm'} onClick={() => setMode(mode === 'dm' ? null : 'dm')} data-testid="new-dm">
          {t('newChat')}
        </button>
        <button aria-expanded={mode === 'group'} onClick={() => setMode(mode === 'group' ? null : 'group')} data-testid="new-group">
          {t('newGroup')}
        </button>
      </div>
      {mode && (
        <form class="card stack" onSubmit={submit}>
          {mode === 'dm' ? (
            <label>
              {t('personHandle')}
              <input name="handle" required autoFocus autocomplete="off" pattern="@?[A-Za-z0-9_]{3,30}" data-testid="new-dm-handle" />
            </label>
          ) : (
            <>
              <label>
                {t('groupTitle')}
                <input name="title" required autoFocus maxLength={64} data-testid="new-group-title" />
              </label>
              <label>
                {t('groupHandles')}
                <input name="handles" required autocomplete="off" data-testid="new-group-handles" />
              </label>
            </>
          )}
          {error && (
            <p class="error small" role="alert">
              {error}
            </p>
          )}
          <button class="primary" type="submit" disabled={busy} data-testid="new-conv-submit">
            {mode === 'dm' ? t('startChat') : t('createGroup')}
          </button>
        </form>
      )}
    </div>
  );
}
