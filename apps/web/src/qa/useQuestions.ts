import { useEffect, useRef, useState } from 'preact/hooks';
import { ConveneError, MAX_QUESTION_LENGTH, type Question } from '@convene/protocol';
import type { MeetingSession } from '@convene/sdk';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';
import { qaSections, seenKeys, unseen, type QaSections, type Viewer } from './qa.ts';

export type Moderation = 'approved' | 'answering' | 'answered' | 'dismissed';

export interface Questions {
  sections: QaSections;
  viewer: Viewer;
  myVotes: ReadonlySet<string>;
  /** Public questions from others that arrived while the panel was closed. */
  unread: number;
  /** Moderators: pending questions that arrived while the panel was closed. */
  newPending: number;
  error: string;
  /** Questions whose action is in flight (buttons disabled meanwhile). */
  busy: ReadonlySet<string>;
  /** Resolves true when asked (the text may be cleared). */
  ask: (text: string) => Promise<boolean>;
  vote: (q: Question) => void;
  moderate: (q: Question, status: Moderation) => void;
}

/**
 * The room's Q&A as this person sees it: loaded when joined (again after a reconnect, and when
 * their role changes), kept current by the SDK's QuestionStream; badge counts while the panel is
 * closed.
 */
export function useQuestions(session: MeetingSession, panelOpen: boolean, enabled = true): Questions {
  const stream = session.questions;
  const [list, setList] = useState<Question[]>(() => stream.list());
  const [error, setError] = useState('');
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [seen, setSeen] = useState<ReadonlySet<string>>(new Set());
  // Questions from before I joined are not "new": the first load marks them seen.
  const loaded = useRef(false);
  const moderator = session.isHost;
  const viewer: Viewer = { moderator, selfHandle: session.self?.handle ?? '' };

  useEffect(() => {
    if (!enabled) return;
    const load = () =>
      stream.load().then(
        (l) => {
          if (!loaded.current) setSeen(new Set(seenKeys(l)));
          loaded.current = true;
          setError('');
        },
        (e: unknown) => setError(e instanceof ConveneError && e.code === 'FORBIDDEN' ? t('qaUnavailable') : errorText(e)),
      );
    const offs = [
      stream.on('changed', setList),
      // Joined again after a resume or a reconnect: fetch what was missed.
      session.on('state', (s) => s === 'joined' && void load()),
    ];
    if (session.state === 'joined') void load();
    return () => offs.forEach((off) => off());
  }, [session, enabled]);

  // Made co-host (or no longer): the list I may see changed.
  const wasModerator = useRef(moderator);
  useEffect(() => {
    if (!enabled || wasModerator.current === moderator) return;
    wasModerator.current = moderator;
    void stream.load().then(undefined, () => undefined);
  }, [moderator, enabled]);

  // Everything shown while the panel is open counts as seen.
  useEffect(() => {
    if (panelOpen) setSeen((s) => new Set([...s, ...seenKeys(list)]));
  }, [panelOpen, list]);

  const withBusy = (id: string, fn: () => Promise<unknown>, onError: (e: unknown) => string = errorText) => {
    setBusy((b) => new Set([...b, id]));
    void fn()
      .then(
        () => setError(''),
        (e: unknown) => setError(onError(e)),
      )
      .finally(() =>
        setBusy((b) => {
          const n = new Set(b);
          n.delete(id);
          return n;
        }),
      );
  };

  const ask = async (raw: string): Promise<boolean> => {
    const text = raw.trim();
    if (!text) return false;
    if (text.length > MAX_QUESTION_LENGTH) {
      setError(t('qaTooLong', { max: MAX_QUESTION_LENGTH }));
      return false;
    }
    try {
      await stream.ask(text);
      setError('');
      return true;
    } catch (e) {
      setError(
        e instanceof ConveneError && e.code === 'RATE_LIMITED'
          ? t('qaTooFast', { seconds: Math.max(1, Math.ceil((e.retryAfterMs ?? 10_000) / 1000)) })
          : e instanceof ConveneError && e.code === 'FORBIDDEN'
            ? t('qaUnavailable')
            : errorText(e),
      );
      return false;
    }
  };
  const vote = (q: Question) =>
    withBusy(
      q.id,
      () => stream.vote(q.id, !stream.myVotes.has(q.id)),
      (e) => (e instanceof ConveneError && e.code === 'RATE_LIMITED' ? t('qaVoteTooFast') : errorText(e)),
    );
  const moderate = (q: Question, status: Moderation) => withBusy(q.id, () => stream.moderate(q.id, status));

  const counts = unseen(list, seen, viewer);
  return {
    sections: qaSections(list, viewer),
    viewer,
    myVotes: stream.myVotes,
    unread: panelOpen ? 0 : counts.questions,
    newPending: panelOpen ? 0 : counts.pending,
    error,
    busy,
    ask,
    vote,
    moderate,
  };
}
