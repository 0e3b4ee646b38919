import type { Conversation } from '@convene/protocol';
import { Link } from '../app/router.tsx';
import { messagesPath } from '../app/routes.ts';
import { t } from '../i18n/index.ts';
import { CallIcon } from '../ui/icons.tsx';
import { initials, timeOf } from './format.ts';
import { conversationTitle, previewText } from './messageList.ts';

/** Conversations, most recent first, with unread badges, last message and calls in progress. */
export function ConversationList({ list, meId, selected }: { list: Conversation[]; meId: string; selected: string | null }) {
  if (list.length === 0) return <p class="muted">{t('noConversations')}</p>;
  return (
    <ul class="conv-list" aria-label={t('conversations')}>
      {list.map((c) => {
        const title = conversationTitle(c, meId);
        const unread = c.unread > 0;
        return (
          <li key={c.id}>
            <Link
              href={messagesPath(c.id)}
              class={`conv-item${c.id === selected ? ' selected' : ''}${unread ? ' unread' : ''}`}
              aria-current={c.id === selected ? 'page' : undefined}
              data-testid="conversation-item"
              data-conversation-id={c.id}
            >
              <span class="avatar small" aria-hidden="true">
                {initials(title)}
              </span>
              <span class="conv-main">
                <span class="conv-top">
                  <span class="conv-title">{title}</span>
                  {c.lastMessage && <time class="muted small">{timeOf(c.lastMessage.sentAt)}</time>}
                </span>
                <span class="conv-bottom">
                  <span class="conv-preview muted small" data-testid="conversation-preview">
                    {c.activeCall ? (
                      <>
                        <CallIcon media={c.activeCall.media} /> {t('callInProgress')}
                      </>
                    ) : (
                      previewText(c.lastMessage, meId)
                    )}
                  </span>
                  {unread && (
                    <span class="count" data-testid="conversation-unread" aria-label={t('unreadCount', { count: c.unread })}>
                      {c.unread > 99 ? '99+' : c.unread}
                    </span>
                  )}
                </span>
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
