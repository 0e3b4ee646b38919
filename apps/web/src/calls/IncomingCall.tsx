import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { useInbox } from '../inbox/context.tsx';
import { initials } from '../messages/format.ts';
import type { CallController, IncomingRing } from './CallController.ts';

function mediaText(r: IncomingRing): string {
  return t(r.call.media === 'video' ? 'incomingVideo' : 'incomingAudio');
}

/** Full-screen incoming call: who, what kind, Accept / Decline. Focus starts on Accept. */
export function IncomingCall({ ring, calls }: { ring: IncomingRing; calls: CallController }) {
  const store = useInbox();
  const accept = useRef<HTMLButtonElement>(null);
  const conv = store.conversations.get(ring.call.conversationId);
  useEffect(() => accept.current?.focus(), [ring.call.id]);
  return (
    <div class="incoming" role="alertdialog" aria-modal="true" aria-labelledby="incoming-name" aria-describedby="incoming-kind" data-testid="incoming-call" data-call-id={ring.call.id}>
      <div class="incoming-card">
        <div class="avatar big ringing" aria-hidden="true">
          {initials(ring.caller.displayName)}
        </div>
        <h2 id="incoming-name" data-testid="incoming-caller">
          {ring.caller.displayName}
        </h2>
        <p class="muted">@{ring.caller.handle}</p>
        <p id="incoming-kind" data-testid="incoming-kind">
          {conv?.kind === 'group' ? `${mediaText(ring)} · ${t('incomingGroup', { title: conv.title ?? '' })}` : mediaText(ring)}
        </p>
        {calls.ringtone.blocked && <p class="muted small">{t('tapToEnableSound')}</p>}
        <div class="row center incoming-actions">
          <button class="danger round" onClick={() => void calls.decline(ring.call.id)} data-testid="incoming-decline">
            {t('decline')}
          </button>
          <button ref={accept} class="accept round" onClick={() => void calls.accept(ring.call)} data-testid="incoming-accept">
            {ring.call.media === 'video' ? t('acceptVideo') : t('acceptAudio')}
          </button>
        </div>
      </div>
    </div>
  );
}

/** Someone calls while I am already in a call: a quiet banner, not a takeover. */
export function CallWaiting({ ring, calls }: { ring: IncomingRing; calls: CallController }) {
  return (
    <div class="call-waiting" role="alert" data-testid="call-waiting" data-call-id={ring.call.id}>
      <span class="grow">{t('callWaiting', { name: `${ring.caller.displayName} (@${ring.caller.handle})`, media: mediaText(ring) })}</span>
      <button class="danger" onClick={() => void calls.decline(ring.call.id)} data-testid="waiting-decline">
        {t('decline')}
      </button>
      <button class="primary" onClick={() => void calls.accept(ring.call)} data-testid="waiting-accept">
        {calls.current && calls.current.phase !== 'ended' ? t('endAndAccept') : t('accept')}
      </button>
    </div>
  );
}
