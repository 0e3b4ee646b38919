import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Conversation } from '@convene/protocol';
import { api, errorText } from '../app/api.ts';
import type { User } from '../app/App.tsx';
import { Link } from '../app/router.tsx';
import { t } from '../i18n/index.ts';
import { useCalls } from '../inbox/context.tsx';
import type { InboxStore } from '../inbox/InboxStore.ts';
import { CallIcon, PhoneIcon, VideoIcon } from '../ui/icons.tsx';
import { Composer } from './Composer.tsx';
import { InfoPanel } from './InfoPanel.tsx';
import { MessageItem, PendingItem } from './MessageItem.tsx';
import { conversationTitle, otherMember } from './messageList.ts';
import { useConversation } from './useConversation.ts';

const NEAR_BOTTOM_PX = 80;

/** One conversation: header with call buttons, history, composer, and an info panel. */
export function ConversationView({ store, user, conversationId }: { store: InboxStore; user: User; conversationId: string }) {
  const calls = useCalls();
  const c = store.conversations.get(conversationId);
  const [loadError, setLoadError] = useState('');
  useEffect(() => {
    // Fresh copy (members, active call); also covers a link to a conversation not in the list.
    api.conversation(conversationId).then(
      (fresh) => store.upsert(fresh),
      (e: unknown) => setLoadError(errorText(e)),
    );
  }, [conversationId]);

  if (!c) {
    return (
      <section class="conversation center">
        <p class={loadError ? 'error' : 'muted'}>{loadError || t('loading')}</p>
        <Link href="/messages">{t('backToList')}</Link>
      </section>
    );
  }
  return <Thread key={conversationId} c={c} store={store} user={user} calls={calls} />;
}

function Thread({ c, store, user, calls }: { c: Conversation; store: InboxStore; user: User; calls: ReturnType<typeof useCalls> }) {
  const conv = useConversation(store, c.id);
  const [info, setInfo] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const restoreFrom = useRef<number | null>(null);
  const [visible, setVisible] = useState(!document.hidden);

  // This conversation is on screen: live messages here are read, not unread.
  useEffect(() => {
    store.viewing = c.id;
    const onVis = () => setVisible(!document.hidden);
    document.addEventListener('visibilitychange', onVis);
    return () => {
      if (store.viewing === c.id) store.viewing = null;
      document.removeEventListener('visibilitychange', onVis);
    };
  }, [c.id]);

  // Keep the view pinned to the bottom for new messages; keep the position when older ones load.
  const count = conv.messages.length + conv.pending.length;
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    if (restoreFrom.current !== null) {
      el.scrollTop = el.scrollHeight - restoreFrom.current;
      restoreFrom.current = null;
    } else if (atBottom.current) el.scrollTop = el.scrollHeight;
  }, [count]);

  // Read marker: the newest message is read once it is on screen and the page is visible.
  const lastSeq = conv.messages.at(-1)?.seq ?? 0;
  const [bottomTick, setBottomTick] = useState(0);
  useEffect(() => {
    if (!visible || !atBottom.current || lastSeq <= c.lastReadSeq) return;
    store.markReadLocal(c.id, lastSeq);
    void api.markRead(c.id, lastSeq).catch(() => undefined);
  }, [lastSeq, visible, bottomTick, c.lastReadSeq]);

  const onScroll = () => {
    const el = list.current;
    if (!el) return;
    const wasAtBottom = atBottom.current;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (atBottom.current && !wasAtBottom) setBottomTick((x) => x + 1);
    if (el.scrollTop < 60 && conv.hasMore && !conv.loadingOlder) loadOlder();
  };
  const loadOlder = () => {
    const el = list.current;
    if (el) restoreFrom.current = el.scrollHeight - el.scrollTop;
    void conv.loadOlder();
  };

  const title = conversationTitle(c, user.id);
  const other = c.kind === 'dm' ? otherMember(c, user.id) : undefined;
  const active = store.activeCalls.get(c.id) ?? c.activeCall;
  const inThisCall = active && calls.current?.call?.id === active.id && calls.current.phase !== 'ended';
  const busy = !!calls.current && calls.current.phase !== 'ended';
  const firstUnread = c.unread > 0 ? c.lastReadSeq : null;

  return (
    <section class={`conversation${info ? ' with-info' : ''}`} aria-label={title}>
      <header class="conv-header">
        <Link href="/messages" class="back button" aria-label={t('backToList')}>
          ←
        </Link>
        <div class="grow conv-heading">
          <h2 data-testid="conversation-title">{title}</h2>
          <div class="muted small">{other ? `@${other.handle}` : t('membersCount', { count: c.members.length })}</div>
        </div>
        <button onClick={() => void calls.start(c.id, 'audio')} disabled={busy} aria-label={t('startAudioCall', { name: title })} title={t('audioCall')} data-testid="call-audio">
          <PhoneIcon />
          <span class="label-wide">{t('audioCall')}</span>
        </button>
        <button onClick={() => void calls.start(c.id, 'video')} disabled={busy} aria-label={t('startVideoCall', { name: title })} title={t('videoCall')} data-testid="call-video">
          <VideoIcon />
          <span class="label-wide">{t('videoCall')}</span>
        </button>
        <button aria-pressed={info} onClick={() => setInfo(!info)} data-testid="info-toggle">
          {c.kind === 'dm' ? t('info') : t('members')}
        </button>
      </header>
      {active && active.state !== 'ended' && !inThisCall && c.kind === 'group' && (
        <div class="call-banner" role="status" data-testid="join-call-banner">
          <span>
            <CallIcon media={active.media} /> {t('callInProgress')} ({active.participants.length})
          </span>
          <button class="primary" onClick={() => void calls.accept(active)} disabled={busy} data-testid="join-call">
            {t('joinCall')}
          </button>
        </div>
      )}
      <div class="conv-body">
        <div class="thread-wrap">
          <ol ref={list} class="thread" role="log" aria-live="polite" aria-relevant="additions" onScroll={onScroll} data-testid="thread">
            {conv.hasMore ? (
              <li class="older">
                <button class="link" onClick={loadOlder} disabled={conv.loadingOlder} data-testid="load-older">
                  {conv.loadingOlder ? t('loadingOlder') : t('loadOlder')}
                </button>
              </li>
            ) : (
              !conv.loading && <li class="older muted small">{t('beginning')}</li>
            )}
            {conv.messages.map((m, i) => {
              const prev = conv.messages[i - 1];
              const showSender = c.kind === 'group' && (prev?.from?.id !== m.from?.id || prev?.kind !== 'text');
              return (
                <>
                  {firstUnread !== null && prev && prev.seq <= firstUnread && m.seq > firstUnread && m.from?.id !== user.id && (
                    <li key={`unread-${m.seq}`} class="divider small" role="separator">
                      {t('newMessagesBelow')}
                    </li>
                  )}
                  <MessageItem key={m.id} m={m} meId={user.id} showSender={showSender} />
                </>
              );
            })}
            {conv.pending.map((p) => (
              <PendingItem key={p.clientMsgId} p={p} onRetry={() => conv.retry(p.clientMsgId)} onDiscard={() => conv.discard(p.clientMsgId)} />
            ))}
          </ol>
          {conv.error && (
            <p class="error small" role="alert">
              {conv.error}
            </p>
          )}
          <Composer
            label={t('messageLabel', { name: title })}
            onSend={(text) => {
              atBottom.current = true;
              conv.send(text);
            }}
          />
        </div>
        {info && <InfoPanel c={c} meId={user.id} meHandle={user.handle} store={store} onClose={() => setInfo(false)} />}
      </div>
    </section>
  );
}
