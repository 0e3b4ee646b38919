import { useEffect, useState } from 'preact/hooks';
import type { Conversation, Profile } from '@convene/protocol';
import { api, errorText, handleErrorText } from '../app/api.ts';
import { navigate } from '../app/router.tsx';
import { t } from '../i18n/index.ts';
import type { InboxStore } from '../inbox/InboxStore.ts';
import { otherMember } from './messageList.ts';

/** The side panel: the other person in a DM (follow, block), or a group's members. */
export function InfoPanel({ c, meId, meHandle, store, onClose }: { c: Conversation; meId: string; meHandle: string; store: InboxStore; onClose: () => void }) {
  return (
    <aside class="panel conv-info" aria-label={t('info')}>
      <header class="row spread">
        <h2>{c.kind === 'dm' ? t('info') : t('members')}</h2>
        <button class="link" onClick={onClose} aria-label={t('closeInfo')}>
          ✕
        </button>
      </header>
      {c.kind === 'dm' ? <ProfileCard handle={otherMember(c, meId)?.handle ?? ''} /> : <Members c={c} meId={meId} meHandle={meHandle} store={store} />}
    </aside>
  );
}

function ProfileCard({ handle }: { handle: string }) {
  const [p, setP] = useState<Profile | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.profile(handle).then(setP, (e: unknown) => setError(errorText(e)));
  }, [handle]);
  const act = async (fn: () => Promise<Profile>) => {
    setBusy(true);
    try {
      setP(await fn());
      setError('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  if (!p) return error ? <p class="error small">{error}</p> : <p class="muted">{t('loading')}</p>;
  return (
    <div class="stack" data-testid="profile-card">
      <div>
        <strong>{p.displayName}</strong> {p.verified && <span class="badge">{t('verified')}</span>}
        <div class="muted small">@{p.handle}</div>
        {p.followsMe && <div class="muted small">{t('followsYou')}</div>}
        {p.blockedByMe && <div class="error small">{t('youBlocked')}</div>}
      </div>
      <div class="row">
        <button aria-pressed={p.following} disabled={busy} onClick={() => void act(() => api.follow(p.handle, !p.following))} data-testid="follow-toggle">
          {p.following ? t('unfollow') : t('follow')}
        </button>
        <button
          class={p.blockedByMe ? '' : 'danger'}
          aria-pressed={p.blockedByMe}
          disabled={busy}
          onClick={() => {
            if (!p.blockedByMe && !confirm(t('blockConfirm', { name: p.displayName }))) return;
            void act(() => api.block(p.handle, !p.blockedByMe));
          }}
          data-testid="block-toggle"
        >
          {p.blockedByMe ? t('unblock') : t('block')}
        </button>
      </div>
      {error && <p class="error small">{error}</p>}
    </div>
  );
}

function Members({ c, meId, meHandle, store }: { c: Conversation; meId: string; meHandle: string; store: InboxStore }) {
  const [error, setError] = useState('');
  const [handle, setHandle] = useState('');
  const creator = c.createdBy === meId;
  const run = async (fn: () => Promise<void>) => {
    try {
      await fn();
      setError('');
    } catch (err) {
      setError(handleErrorText(err));
    }
  };
  return (
    <div class="stack">
      <p class="muted small">{t('membersCount', { count: c.members.length })}</p>
      <ul class="people" data-testid="member-list">
        {c.members.map((m) => (
          <li key={m.id}>
            <span class="grow">
              {m.id === meId ? t('you', { name: m.displayName }) : m.displayName} <span class="muted small">@{m.handle}</span>
              {m.id === c.createdBy && <span class="badge">{t('owner')}</span>}
            </span>
            {creator && m.id !== meId && (
              <button onClick={() => void run(async () => void (await api.removeMember(c.id, m.handle)))} aria-label={t('removeMember', { name: m.displayName })}>
                {t('remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {creator && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              store.upsert(await api.addMember(c.id, handle.trim().replace(/^@/, '')));
              setHandle('');
            });
          }}
        >
          <label class="grow">
            {t('addMember')}
            <input value={handle} onInput={(e) => setHandle(e.currentTarget.value)} required pattern="@?[A-Za-z0-9_]{3,30}" autocomplete="off" />
          </label>
          <button type="submit">{t('add')}</button>
        </form>
      )}
      <button
          class="danger"
          onClick={() => {
            if (!confirm(t('leaveGroupConfirm'))) return;
            void run(async () => {
              await api.removeMember(c.id, meHandle);
              store.remove(c.id);
              navigate('/messages');
            });
          }}
        >
          {t('leaveGroup')}
        </button>
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
