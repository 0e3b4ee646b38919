import { useState } from 'preact/hooks';
import { MAX_QUESTION_LENGTH, type Question } from '@convene/protocol';
import { t } from '../i18n/index.ts';
import { canVote, isMine } from './qa.ts';
import type { Questions } from './useQuestions.ts';

interface Props {
  qa: Questions;
  onClose: () => void;
}

/**
 * The Q&A side panel: the question being answered on top, hosts' pending queue, open questions by
 * votes (upvote toggles), answered ones, my own waiting or hidden ones, and the ask box.
 */
export function QuestionsPanel({ qa, onClose }: Props) {
  const { sections: s, viewer } = qa;
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const mod = viewer.moderator;

  const submit = async (e?: Event) => {
    e?.preventDefault();
    if (sending || !text.trim()) return;
    setSending(true);
    try {
      if (await qa.ask(text)) setText('');
    } finally {
      setSending(false);
    }
  };

  const empty = !s.answering && s.open.length === 0 && s.answered.length === 0 && s.mine.length === 0 && s.pending.length === 0;
  return (
    <aside class="panel qa" aria-label={t('qaPanel')} data-testid="qa-panel">
      <header class="row spread">
        <h2>{t('qa')}</h2>
        <button class="link" onClick={onClose} aria-label={t('closePanel')} data-testid="close-panel">
          ✕
        </button>
      </header>
      {s.answering && (
        <section class="qa-answering" aria-labelledby="qa-answering-h" data-testid="qa-answering">
          <h3 id="qa-answering-h" class="small">
            {t('qaBeingAnswered')}
          </h3>
          <ol class="qa-list">
            <QuestionItem q={s.answering} qa={qa} />
          </ol>
        </section>
      )}
      {mod && (
        <section aria-labelledby="qa-pending-h">
          <h3 id="qa-pending-h">
            {t('qaPending')} ({s.pending.length})
          </h3>
          {s.pending.length === 0 ? (
            <p class="muted small">{t('qaPendingEmpty')}</p>
          ) : (
            <ol class="qa-list" data-testid="qa-pending">
              {s.pending.map((q) => (
                <QuestionItem key={q.id} q={q} qa={qa} />
              ))}
            </ol>
          )}
        </section>
      )}
      {s.open.length > 0 && (
        <section aria-labelledby="qa-open-h">
          <h3 id="qa-open-h">
            {t('qaOpen')} ({s.open.length})
          </h3>
          <ol class="qa-list" data-testid="qa-open">
            {s.open.map((q) => (
              <QuestionItem key={q.id} q={q} qa={qa} />
            ))}
          </ol>
        </section>
      )}
      {s.mine.length > 0 && (
        <section aria-labelledby="qa-mine-h">
          <h3 id="qa-mine-h">{t('qaYours')}</h3>
          <ol class="qa-list" data-testid="qa-mine">
            {s.mine.map((q) => (
              <QuestionItem key={q.id} q={q} qa={qa} />
            ))}
          </ol>
        </section>
      )}
      {s.answered.length > 0 && (
        <details class="qa-answered">
          <summary>
            {t('qaAnswered')} ({s.answered.length})
          </summary>
          <ol class="qa-list" data-testid="qa-answered">
            {s.answered.map((q) => (
              <QuestionItem key={q.id} q={q} qa={qa} />
            ))}
          </ol>
        </details>
      )}
      {empty && <p class="muted">{t('qaEmpty')}</p>}
      {qa.error && (
        <p class="error small" role="alert" data-testid="qa-error">
          {qa.error}
        </p>
      )}
      <form class="qa-ask stack" onSubmit={(e) => void submit(e)}>
        <label>
          <span class="visually-hidden">{t('qaAskLabel')}</span>
          <textarea
            rows={2}
            value={text}
            maxLength={MAX_QUESTION_LENGTH}
            placeholder={t('qaAskPlaceholder')}
            aria-describedby="qa-ask-hint"
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Enter asks; Shift+Enter is a new line.
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) void submit(e);
            }}
            data-testid="qa-input"
          />
        </label>
        <div class="row spread">
          <span id="qa-ask-hint" class="muted small">
            {mod ? t('qaHintHost') : t('qaHint')} {t('qaCharsLeft', { n: MAX_QUESTION_LENGTH - text.length })}
          </span>
          <button type="submit" class="primary" disabled={sending || !text.trim()} data-testid="qa-ask">
            {sending ? t('qaAsking') : t('qaAsk')}
          </button>
        </div>
      </form>
    </aside>
  );
}

function QuestionItem({ q, qa }: { q: Question; qa: Questions }) {
  const mod = qa.viewer.moderator;
  const busy = qa.busy.has(q.id);
  const voted = qa.myVotes.has(q.id);
  const mine = isMine(q, qa.viewer);
  return (
    <li class={`question ${q.status}${voted ? ' voted' : ''}`} data-testid="question" data-question-id={q.id} data-status={q.status}>
      <div class="question-body">
        <p class="text" data-testid="question-text">
          {q.text}
        </p>
        <p class="muted small">
          {mine ? t('you2') : t('qaFrom', { name: q.from.displayName })}
          {q.status === 'pending' && !mod && (
            <>
              {' · '}
              <span data-testid="question-state">{t('qaWaitingApproval')}</span>
            </>
          )}
          {q.status === 'dismissed' && (
            <>
              {' · '}
              <span data-testid="question-state">{t('qaNotShown')}</span>
            </>
          )}
          {q.status === 'answered' && ` · ${t('qaVotes', { count: q.votes })}`}
        </p>
      </div>
      <div class="question-actions">
        {canVote(q) && (
          <button
            class="vote"
            aria-pressed={voted}
            aria-label={t('qaVoteLabel', { count: q.votes })}
            title={voted ? t('qaUpvoted') : t('qaUpvote')}
            disabled={busy}
            onClick={() => qa.vote(q)}
            data-testid={`qa-vote-${q.id}`}
          >
            <span aria-hidden="true">▲</span> <span data-testid={`qa-votes-${q.id}`}>{q.votes}</span>
          </button>
        )}
        {mod && q.status === 'pending' && (
          <>
            <button class="primary" disabled={busy} onClick={() => qa.moderate(q, 'approved')} data-testid={`qa-approve-${q.id}`}>
              {t('qaApprove')}
            </button>
            <button disabled={busy} onClick={() => qa.moderate(q, 'dismissed')} data-testid={`qa-dismiss-${q.id}`}>
              {t('qaDismiss')}
            </button>
          </>
        )}
        {mod && q.status === 'approved' && (
          <>
            <button disabled={busy} onClick={() => qa.moderate(q, 'answering')} data-testid={`qa-answer-${q.id}`}>
              {t('qaAnswerNow')}
            </button>
            <button disabled={busy} onClick={() => qa.moderate(q, 'answered')} data-testid={`qa-answered-${q.id}`}>
              {t('qaMarkAnswered')}
            </button>
            <button disabled={busy} onClick={() => qa.moderate(q, 'dismissed')} data-testid={`qa-dismiss-${q.id}`}>
              {t('qaDismiss')}
            </button>
          </>
        )}
        {mod && q.status === 'answering' && (
          <button class="primary" disabled={busy} onClick={() => qa.moderate(q, 'answered')} data-testid={`qa-answered-${q.id}`}>
            {t('qaMarkAnswered')}
          </button>
        )}
      </div>
    </li>
  );
}

/** The toolbar button that opens the panel, with its badges. */
export function QaToggle({ qa, open, onToggle }: { qa: Questions; open: boolean; onToggle: () => void }) {
  return (
    <button aria-pressed={open} onClick={onToggle} data-testid="qa-toggle">
      {t('qa')}
      {qa.unread > 0 && (
        <span class="badge" data-testid="qa-unread">
          {t('qaNew', { n: qa.unread })}
        </span>
      )}
      {qa.newPending > 0 && (
        <span class="badge" data-testid="qa-pending-count">
          {t('qaPendingCount', { count: qa.newPending })}
        </span>
      )}
    </button>
  );
}

/** The question on the floor, for the stage (Spaces) or the top of the meeting. */
export function AnsweringBanner({ qa, onOpen }: { qa: Questions; onOpen: () => void }) {
  const q = qa.sections.answering;
  if (!q) return null;
  return (
    <div class="qa-banner" role="status" data-testid="qa-banner">
      <button class="link" onClick={onOpen}>
        <strong>{t('qaBeingAnswered')}:</strong> <span class="qa-banner-text">{q.text}</span>{' '}
        <span class="muted small">{isMine(q, qa.viewer) ? t('qaFromYou') : t('qaFrom', { name: q.from.displayName })}</span>
      </button>
    </div>
  );
}
