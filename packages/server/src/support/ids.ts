import { createHash, randomBytes } from 'node:crypto';

/** 128 random bits, base64url (22 characters). Used for user, meeting and message ids. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/** 256 random bits, base64url (43 characters). Bearer secrets such as session tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
