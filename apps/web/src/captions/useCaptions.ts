import { useEffect, useRef, useState } from 'preact/hooks';
import type { MeetingSession } from '@convene/sdk';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';
import { applyCaption, CAPTION_LANGUAGES, emptyCaptions, expireLines, isTyping, mergeHistory, type CaptionState } from './captions.ts';

export interface Captions {
  /** Room captions on (in `language`). */
  on: boolean;
  language: string;
  /** May turn room captions on and off: hosts and co-hosts, anyone in a call. */
  canControl: boolean;
  /** May download the transcript (same people). */
  canDownload: boolean;
  /** This person shows the caption overlay. */
  show: boolean;
  state: CaptionState;
  error: string;
  /** Display name of a participant (or "Someone" after they left). */
  nameOf: (id: string) => string;
  setShow: (show: boolean) => void;
  toggleRoom: () => void;
  setLanguage: (tag: string) => void;
  toggleOptOut: () => void;
}

/**
 * Live captions in a room: turns them on and off, keeps the overlay lines and the transcript,
 * and the `c` shortcut (room captions for those who control them, the overlay for others).
 * `notify` tells the user when someone else turns captions on or off.
 */
export function useCaptions(session: MeetingSession, notify: (text: string) => void): Captions {
  const [state, setState] = useState<CaptionState>(emptyCaptions);
  const [show, setShow] = useState(false);
  const [error, setError] = useState('');
  // I am turning captions on or off: when on, show them to me (everyone else chooses to).
  const changing = useRef(false);
  const room = session.room;
  const on = room?.captions != null;
  const language = room?.captions?.language ?? CAPTION_LANGUAGES[0].tag;
  const canControl = session.isHost || room?.kind === 'call';

  const nameOf = (id: string): string => {
    if (id === session.self?.id) return session.self.displayName;
    return session.participants.get(id)?.displayName ?? t('someone');
  };
  const nameRef = useRef(nameOf);
  nameRef.current = nameOf;

  useEffect(() => session.on('caption', (ev) => setState((s) => applyCaption(s, ev, nameRef.current(ev.participantId), Date.now()))), [session]);

  // Follow the room: show when I turned captions on, hide when they go off, tell people.
  const wasOn = useRef(on);
  const notifyRef = useRef(notify);
  notifyRef.current = notify;
  useEffect(
    () =>
      session.on('room', (r) => {
        const now = r.captions != null;
        if (now === wasOn.current) return;
        wasOn.current = now;
        if (now && changing.current) setShow(true);
        if (!now) {
          setShow(false);
          setState((s) => ({ ...s, lines: [] }));
        }
        if (!changing.current) notifyRef.current(now ? t('captionsTurnedOn') : t('captionsTurnedOff'));
        changing.current = false;
      }),
    [session],
  );

  // Joining while captions are on (or seeing them turned on): fetch what was said before, so the
  // transcript panel starts from when captions went on rather than from when I arrived.
  useEffect(() => {
    if (!on) return;
    let live = true;
    session.captionHistory().then(
      (lines) => live && setState((s) => mergeHistory(s, lines)),
      () => undefined, // an older server or a dropped socket: the live lines still come
    );
    return () => {
      live = false;
    };
  }, [session, on]);

  // Lines leave the overlay after a while.
  useEffect(() => {
    if (state.lines.length === 0) return;
    const timer = setInterval(() => setState((s) => expireLines(s, Date.now())), 1000);
    return () => clearInterval(timer);
  }, [state.lines.length > 0]);

  const act = (fn: () => Promise<unknown>) => void fn().then(() => setError(''), (e: unknown) => setError(errorText(e)));
  const setRoom = (enabled: boolean, lang: string) =>
    act(async () => {
      changing.current = enabled !== (session.room?.captions != null);
      try {
        await session.setCaptions(enabled, lang);
      } catch (e) {
        changing.current = false;
        throw e;
      }
      // Already on (a language change): the room event may not flip; keep my overlay on.
      if (enabled) setShow(true);
    });
  const toggleRoom = () => setRoom(!on, language);
  const setLanguage = (tag: string) => {
    if (on && tag !== language) setRoom(true, tag);
  };
  const toggleOptOut = () => act(() => session.setCaptionsOptOut(!session.self?.captionsOff));

  // `c`: captions on/off (or, for those who cannot, my overlay), unless typing.
  const keyRef = useRef(() => undefined as void);
  keyRef.current = () => {
    if (canControl) toggleRoom();
    else if (on) setShow(!show);
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'c' || e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target)) return;
      e.preventDefault();
      keyRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return { on, language, canControl, canDownload: canControl, show: on && show, state, error, nameOf, setShow, toggleRoom, setLanguage, toggleOptOut };
}
