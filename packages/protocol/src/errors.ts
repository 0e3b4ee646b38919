import { z } from 'zod';

/**
 * Stable error codes. Clients switch on `code`, never on `message`.
 * HTTP status for each code is documented in docs/protocol.md and used by the server.
 */
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  UNKNOWN_METHOD: 400,
  UNAUTHENTICATED: 401,
  BAD_CREDENTIALS: 401,
  HANDLE_TAKEN: 409,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  /** Unknown meeting OR wrong code: deliberately indistinguishable. */
  MEETING_UNAVAILABLE: 404,
  RATE_LIMITED: 429,
  MEETING_LOCKED: 423,
  MEETING_ENDED: 410,
  NOT_JOINED: 409,
  ALREADY_JOINED: 409,
  NEGOTIATION_FAILED: 422,
  /** Calling this person is not possible: not allowed, blocked, or no such user. Deliberately vague. */
  CALL_UNAVAILABLE: 403,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const errorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Error carrying a stable code; thrown by server and SDK alike. */
export class ConveneError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConveneError';
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
  }
  get status(): number {
    return ERROR_CODES[this.code];
  }
  toBody(): ErrorBody {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}
