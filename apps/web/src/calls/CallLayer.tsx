import type { User } from '../app/App.tsx';
import { t } from '../i18n/index.ts';
import { useCalls } from '../inbox/context.tsx';
import { CallView } from './CallView.tsx';
import { CallWaiting, IncomingCall } from './IncomingCall.tsx';

/** Over every page: the incoming-call screen (or call-waiting banner), the call I am in, errors. */
export function CallLayer({ user }: { user: User }) {
  const calls = useCalls();
  const cur = calls.current;
  const inCall = !!cur && cur.phase !== 'ended';
  // One ring at a time takes over the screen; more (or any while in a call) are banners.
  const [first, ...rest] = calls.rings;
  const full = !inCall && first && !first.waiting ? first : undefined;
  const banners = full ? rest : calls.rings;
  return (
    <>
      {cur && cur.phase !== 'ended' && <CallView key={cur.key} cur={cur} calls={calls} user={user} />}
      {cur?.phase === 'ended' && (
        <div class="call-ended" role="status" data-testid="call-ended">
          {cur.endText}
        </div>
      )}
      {banners.length > 0 && (
        <div class="call-waiting-stack">
          {banners.map((r) => (
            <CallWaiting key={r.call.id} ring={r} calls={calls} />
          ))}
        </div>
      )}
      {full && <IncomingCall key={full.call.id} ring={full} calls={calls} />}
      {calls.error && (
        <div class="call-error" role="alert" data-testid="call-error">
          <span>{calls.error}</span>
          <button class="link" onClick={() => calls.dismissError()} aria-label={t('closePanel')}>
            ✕
          </button>
        </div>
      )}
    </>
  );
}
