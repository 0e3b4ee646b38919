import type { User } from '../app/App.tsx';
import { Link } from '../app/router.tsx';
import { t } from '../i18n/index.ts';
import { useInbox } from '../inbox/context.tsx';
import { ConversationList } from './ConversationList.tsx';
import { ConversationView } from './ConversationView.tsx';
import { NewConversation } from './NewConversation.tsx';

/** Conversation list beside the open conversation; on a phone, one at a time. */
export function MessagesPage({ user, conversationId }: { user: User; conversationId: string | null }) {
  const store = useInbox();
  return (
    <div class={`messenger${conversationId ? ' has-conv' : ''}`}>
      <aside class="conv-list-pane" aria-label={t('conversations')}>
        <header class="row spread">
          <h1>{t('messages')}</h1>
          <nav class="row">
            <Link href="/">{t('appName')}</Link>
            <Link href="/settings" data-testid="settings-link">
              {t('settings')}
            </Link>
          </nav>
        </header>
        {!store.connected && store.loaded && (
          <p class="muted small" role="status" data-testid="offline">
            {t('offline')}
          </p>
        )}
        <NewConversation store={store} />
        {store.loaded ? <ConversationList list={store.list()} meId={user.id} selected={conversationId} /> : <p class="muted">{t('loading')}</p>}
      </aside>
      {conversationId ? (
        <ConversationView store={store} user={user} conversationId={conversationId} />
      ) : (
        <section class="conversation empty center">
          <p class="muted">{t('selectConversation')}</p>
        </section>
      )}
    </div>
  );
}
