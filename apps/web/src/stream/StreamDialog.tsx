import { useEffect, useRef, useState } from 'preact/hooks';
import { createPortal } from 'preact/compat';
import { ConveneError } from '@convene/protocol';
import { createStreamKey, errorText, revokeStreamKey } from '../app/api.ts';
import { t } from '../i18n/index.ts';
import { streamName, type StreamKey } from './stream.ts';

interface Props {
  meetingId: string;
  kind: 'meeting' | 'space';
  /** The host's display name: the stream appears as "<name> (stream)". */
  displayName: string;
}

/**
 * Keys issued in this tab, by meeting. The server stores only a hash, so this is the one place a
 * key can be shown again (reopening the dialog, pre-join page → room). Memory only, never storage.
 */
const issued = new Map<string, StreamKey>();

/** Host control: "Stream from OBS…" and its dialog (WHIP server URL and stream key). */
export function StreamButton(props: Props) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    opener.current?.focus();
  };
  return (
    <>
      <button ref={opener} type="button" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(true)} data-testid="stream-open">
        {t('streamFromObs')}
      </button>
      {open && createPortal(<StreamDialog {...props} onClose={close} />, document.body)}
    </>
  );
}

function failureText(err: unknown, what: 'streamFailed' | 'streamRevokeFailed'): string {
  // 404 with a stable code: not this user's meeting; without one: no such route (WHIP disabled).
  if (err instanceof ConveneError && err.code === 'NOT_FOUND') return t('streamNotAllowed');
  if (err instanceof ConveneError && err.code === 'INTERNAL' && err.message === 'HTTP 404') return t('streamUnavailable');
  // fetch() rejects only when no answer came at all.
  if (!(err instanceof ConveneError)) return t(what, { reason: t('streamNetwork') });
  return t(what, { reason: errorText(err) });
}

/**
 * A modal <dialog>: the browser keeps focus inside it and closes it on Esc; focus goes back to the
 * button that opened it.
 */
function StreamDialog({ meetingId, kind, displayName, onClose }: Props & { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const primary = useRef<HTMLButtonElement>(null);
  const urlInput = useRef<HTMLInputElement>(null);
  const keyInput = useRef<HTMLInputElement>(null);
  const [key, setKey] = useState<StreamKey | null>(() => issued.get(meetingId) ?? null);
  const [busy, setBusy] = useState<'create' | 'revoke' | null>(null);
  const [shown, setShown] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (typeof d.showModal === 'function') d.showModal();
    else d.setAttribute('open', '');
    primary.current?.focus();
    return () => {
      if (d.open) d.close();
    };
  }, []);

  const run = async (what: 'create' | 'revoke') => {
    if (busy) return;
    setBusy(what);
    setError('');
    setNotice('');
    try {
      if (what === 'create') {
        const k = await createStreamKey(meetingId);
        issued.set(meetingId, k);
        setKey(k);
        setShown(false);
      } else {
        await revokeStreamKey(meetingId);
        issued.delete(meetingId);
        setKey(null);
        setNotice(t('streamRevoked'));
        primary.current?.focus();
      }
    } catch (err) {
      setError(failureText(err, what === 'create' ? 'streamFailed' : 'streamRevokeFailed'));
    } finally {
      setBusy(null);
    }
  };

  // The clipboard API needs a secure context and permission; otherwise select the text to copy by hand.
  const copy = async (which: 'url' | 'key') => {
    if (!key) return;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(which === 'url' ? key.whipUrl : key.streamKey);
      setNotice(which === 'url' ? t('streamCopiedServer') : t('streamCopiedKey'));
    } catch {
      // A password field cannot be copied from: reveal the key first.
      if (which === 'key') setShown(true);
      setTimeout(() => {
        const input = which === 'url' ? urlInput.current : keyInput.current;
        input?.focus();
        input?.select();
      });
      setNotice(t('streamCopyManually'));
    }
  };

  const intro = t(kind === 'space' ? 'streamIntroSpace' : 'streamIntroMeeting', { name: streamName(displayName) });
  return (
    <dialog
      ref={ref}
      class="stream-dialog"
      aria-labelledby="stream-title"
      aria-describedby="stream-intro"
      data-testid="stream-dialog"
      onClose={onClose}
      // Esc closes this dialog only, not the room's side panel too.
      onKeyDown={(e) => e.key === 'Escape' && e.stopPropagation()}
    >
      <div class="stack">
        <div class="row spread">
          <h2 id="stream-title">{t('streamTitle')}</h2>
          <button type="button" class="link" onClick={() => ref.current?.close()} aria-label={t('streamClose')} data-testid="stream-close">
            ✕
          </button>
        </div>
        <p id="stream-intro">{intro}</p>
        {key && (
          <>
            <div class="stream-field">
              <label for="stream-url">{t('streamServer')}</label>
              <div class="stream-value">
                <input id="stream-url" ref={urlInput} readOnly value={key.whipUrl} spellcheck={false} onFocus={(e) => e.currentTarget.select()} data-testid="stream-url" />
                <button type="button" onClick={() => void copy('url')} aria-label={t('streamCopyServerLabel')} data-testid="stream-copy-url">
                  {t('streamCopy')}
                </button>
              </div>
            </div>
            <div class="stream-field">
              <label for="stream-key">{t('streamKey')}</label>
              <div class="stream-value">
                <input
                  id="stream-key"
                  ref={keyInput}
                  readOnly
                  type={shown ? 'text' : 'password'}
                  value={key.streamKey}
                  autocomplete="off"
                  spellcheck={false}
                  onFocus={(e) => e.currentTarget.select()}
                  aria-describedby="stream-key-once"
                  data-testid="stream-key"
                  data-shown={shown ? 'true' : 'false'}
                />
                <button type="button" onClick={() => setShown(!shown)} aria-label={shown ? t('streamHideKeyLabel') : t('streamShowKeyLabel')} aria-controls="stream-key" data-testid="stream-show-key">
                  {shown ? t('streamHideKey') : t('streamShowKey')}
                </button>
                <button type="button" onClick={() => void copy('key')} aria-label={t('streamCopyKeyLabel')} data-testid="stream-copy-key">
                  {t('streamCopy')}
                </button>
              </div>
              <p id="stream-key-once" class="muted small">
                {t('streamKeyOnce')}
              </p>
            </div>
            <section aria-labelledby="stream-howto">
              <h3 id="stream-howto">{t('streamHowTo')}</h3>
              <ol class="stream-steps small" data-testid="stream-steps">
                <li>{t('streamStep1')}</li>
                <li>{t('streamStep2')}</li>
                <li>{t('streamStep3')}</li>
              </ol>
            </section>
          </>
        )}
        <p class="stream-note small" data-testid="stream-vp8">
          {t('streamVp8Note')}
        </p>
        <p class="small" role="status" aria-live="polite" data-testid="stream-notice">
          {notice}
        </p>
        {error && (
          <p class="error small" role="alert" data-testid="stream-error">
            {error}
          </p>
        )}
        {key && (
          <p id="stream-new-warning" class="small stream-warning">
            {t('streamNewKeyWarning')}
          </p>
        )}
        <div class="row stream-actions">
          <button
            type="button"
            ref={primary}
            class="primary"
            aria-disabled={busy !== null}
            aria-describedby={key ? 'stream-new-warning' : undefined}
            onClick={() => void run('create')}
            data-testid="stream-create"
          >
            {busy === 'create' ? t('streamCreating') : key ? t('streamNewKey') : t('streamCreateKey')}
          </button>
          {key && (
            <button type="button" class="danger" aria-disabled={busy !== null} onClick={() => void run('revoke')} data-testid="stream-revoke">
              {busy === 'revoke' ? t('streamRevoking') : t('streamRevoke')}
            </button>
          )}
          <button type="button" onClick={() => ref.current?.close()}>
            {t('streamClose')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
