import type { Message } from '@convene/protocol';
import { t } from '../i18n/index.ts';
import { CallIcon } from '../ui/icons.tsx';
import { timeOf } from './format.ts';
import { callRecordText, type PendingMessage } from './messageList.ts';

/** One message. Text is rendered as text (never HTML); links and images are never fetched. */
export function MessageItem({ m, meId, showSender }: { m: Message; meId: string; showSender: boolean }) {
  if (m.kind === 'call' && m.call) {
    const missed = m.call.outcome !== 'completed';
    return (
      <li class={`msg call${missed ? ' missed' : ''}`} data-testid="message" data-kind="call" data-seq={m.seq}>
        <CallIcon media={m.call.media} />
        <span data-testid="call-record">{callRecordText(m.call)}</span>
        <time class="muted small" dateTime={m.sentAt}>
          {timeOf(m.sentAt)}
        </time>
      </li>
    );
  }
  if (m.kind === 'system' || m.from === null) {
    return (
      <li class="msg system muted small" data-testid="message" data-kind="system" data-seq={m.seq}>
        {m.text}
      </li>
    );
  }
  const mine = m.from.id === meId;
  return (
    <li class={`msg text${mine ? ' mine' : ''}`} data-testid="message" data-kind="text" data-seq={m.seq}>
      {showSender && !mine && <div class="sender small">{m.from.displayName}</div>}
      <div class="bubble">
        <span class="text">{m.text}</span>
        <time class="stamp" dateTime={m.sentAt} title={new Date(m.sentAt).toLocaleString()}>
          {timeOf(m.sentAt)}
        </time>
      </div>
    </li>
  );
}

export function PendingItem({ p, onRetry, onDiscard }: { p: PendingMessage; onRetry: () => void; onDiscard: () => void }) {
  return (
    <li class={`msg text mine pending ${p.status}`} data-testid="message-pending" data-status={p.status}>
      <div class="bubble">
        <span class="text">{p.text}</span>
        <span class="stamp" role="status">
          {p.status === 'sending' ? t('sending') : t('sendFailed')}
        </span>
      </div>
      {p.status === 'failed' && (
        <div class="row pending-actions">
          <button class="link" onClick={onRetry} data-testid="retry-send">
            {t('retry')}
          </button>
          <button class="link" onClick={onDiscard}>
            {t('discard')}
          </button>
        </div>
      )}
    </li>
  );
}
