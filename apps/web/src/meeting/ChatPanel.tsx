import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '@convene/protocol';
import type { MeetingSession } from '@convene/sdk';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';

/** Durable, ordered chat. Text is rendered as text, never as HTML. */
export function ChatPanel({ session, onClose }: { session: MeetingSession; onClose: () => void }) {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const add = (m: ChatMessage) => setMessages((xs) => (xs.some((x) => x.id === m.id) ? xs : [...xs, m].sort((a, b) => a.seq - b.seq)));
    void session.chatHistory().then((h) => h.forEach(add), () => undefined);
    return session.on('chat', add);
  }, [session]);
  useEffect(() => list.current?.lastElementChild?.scrollIntoView({ block: 'end' }), [messages]);
  const send = async (e: Event) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText('');
    try {
      const m = await session.sendChat(body);
      setMessages((xs) => (xs.some((x) => x.id === m.id) ? xs : [...xs, m].sort((a, b) => a.seq - b.seq)));
    } catch (err) {
      setText(body);
      setError(errorText(err));
    }
  };
  return (
    <aside class="panel chat" aria-label={t('chat')}>
      <header class="row spread">
        <h2>{t('chat')}</h2>
        <button class="link" onClick={onClose} aria-label={t('closePanel')} data-testid="close-panel">
          ✕
        </button>
      </header>
      {messages.length === 0 && <p class="muted">{t('noMessages')}</p>}
      <ol ref={list} class="messages" aria-live="polite">
        {messages.map((m) => (
          <li key={m.id} data-testid="chat-message">
            <strong>{m.from.displayName}</strong> <span class="muted small">{new Date(m.sentAt).toLocaleTimeString()}</span>
            <div class="text">{m.text}</div>
          </li>
        ))}
      </ol>
      {error && <p class="error small">{error}</p>}
      <form class="row" onSubmit={send}>
        <input class="grow" value={text} onInput={(e) => setText(e.currentTarget.value)} maxLength={4000} aria-label={t('sendMessage')} placeholder={t('sendMessage')} data-testid="chat-input" />
        <button type="submit">{t('send')}</button>
      </form>
    </aside>
  );
}
