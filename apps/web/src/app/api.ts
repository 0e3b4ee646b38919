import { ApiClient } from '@convene/sdk';
import { ConveneError, errorBodySchema, recordingListSchema, type Recording } from '@convene/protocol';
import { t } from '../i18n/index.ts';
import { parseStreamKey, type StreamKey } from '../stream/stream.ts';

/** Same-origin HTTP API; the session cookie authenticates. */
export const api = new ApiClient(typeof location === 'undefined' ? '' : location.origin);

/**
 * GET /api/meetings/:id/recordings: a meeting's recordings (its host) or a Space's (anyone signed
 * in), newest first. The file URLs are on this origin and accept Range requests.
 */
export async function fetchRecordings(meetingId: string): Promise<Recording[]> {
  const res = await fetch(`/api/meetings/${encodeURIComponent(meetingId)}/recordings`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw failure(res, body);
  return recordingListSchema.parse(body).recordings;
}

/**
 * POST /api/meetings/:id/stream-key (the meeting's or Space's host): a new stream key for OBS or
 * any WHIP client; the previous key stops working. The server keeps only a hash: shown once.
 */
export async function createStreamKey(meetingId: string): Promise<StreamKey> {
  const res = await fetch(`/api/meetings/${encodeURIComponent(meetingId)}/stream-key`, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw failure(res, body);
  const key = parseStreamKey(body);
  if (!key) throw new ConveneError('INTERNAL', 'unexpected answer from the server');
  return key;
}

/** DELETE /api/meetings/:id/stream-key: the host's key stops working (204). */
export async function revokeStreamKey(meetingId: string): Promise<void> {
  const res = await fetch(`/api/meetings/${encodeURIComponent(meetingId)}/stream-key`, { method: 'DELETE', credentials: 'same-origin' });
  if (!res.ok) throw failure(res, await res.json().catch(() => undefined));
}

/** An error answer as a ConveneError with its stable code. */
function failure(res: Response, body: unknown): ConveneError {
  const err = errorBodySchema.safeParse(body);
  return err.success ? new ConveneError(err.data.code, err.data.message) : new ConveneError('INTERNAL', `HTTP ${res.status}`);
}

/** Human text for an error with a stable code. */
export function errorText(err: unknown): string {
  if (err instanceof ConveneError) {
    switch (err.code) {
      case 'MEETING_UNAVAILABLE':
        return t('errMeetingUnavailable');
      case 'RATE_LIMITED':
        return t('errRateLimited', { seconds: Math.ceil((err.retryAfterMs ?? 60_000) / 1000) });
      case 'MEETING_LOCKED':
        return t('errLocked');
      case 'MEETING_ENDED':
        return t('errEnded');
      case 'UNAUTHENTICATED':
        return t('errSignedOut');
      case 'BAD_CREDENTIALS':
        return t('errCredentials');
      case 'HANDLE_TAKEN':
        return t('errHandleTaken');
      case 'CALL_UNAVAILABLE':
        return t('callUnavailable');
      case 'NOT_FOUND':
        return t('errNotFound');
      case 'FORBIDDEN':
        return t('errForbidden');
      case 'BAD_REQUEST':
        return t('errBadRequest', { message: err.message });
      default:
        return t('errGeneric', { message: err.message });
    }
  }
  return t('errGeneric', { message: err instanceof Error ? err.message : String(err) });
}

/** Like errorText, for forms that take a handle: "not found" means no such person. */
export function handleErrorText(err: unknown): string {
  return err instanceof ConveneError && err.code === 'NOT_FOUND' ? t('errNotFoundUser') : errorText(err);
}
