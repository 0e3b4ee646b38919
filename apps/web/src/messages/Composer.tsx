import { useRef, useState } from 'preact/hooks';
import { MAX_MESSAGE_LENGTH } from '@convene/protocol';
import { t } from '../i18n/index.ts';

/** Enter sends, Shift+Enter adds a line; grows with its text up to a few lines. */
export function Composer({ label, onSend }: { label: string; onSend: (text: string) => void }) {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  const send = () => {
    const body = text.trim();
    if (!body) return;
    onSend(body);
    setText('');
    ref.current?.focus();
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={ref}
        rows={Math.min(5, text.split('\n').length)}
        value={text}
        maxLength={MAX_MESSAGE_LENGTH}
        aria-label={label}
        placeholder={t('messagePlaceholder')}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
        data-testid="composer"
      />
      <button type="submit" class="primary" disabled={!text.trim()} data-testid="send">
        {t('send')}
      </button>
    </form>
  );
}
