import { pino, type Logger } from 'pino';

/** Paths redacted from every log line: secrets never reach logs. */
export const REDACT = [
  'password',
  '*.password',
  'req.headers.cookie',
  'req.headers.authorization',
  'sessionToken',
  'resumeToken',
  '*.resumeToken',
  'sdp',
  '*.sdp',
  'credential',
  '*.credential',
  'TURN_SECRET',
  'VAPID_PRIVATE_KEY',
  '*.VAPID_PRIVATE_KEY',
  '*.TURN_SECRET',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { svc: 'convene' } });
}
export type { Logger };
