import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s.normalize('NFC'), 'utf8').digest();

/**
 * Constant-time comparison of a host-set meeting code with a guess. Both sides are hashed first so
 * the comparison length does not depend on (and does not leak) the code's length.
 */
export function codesMatch(expected: string, guess: string): boolean {
  return timingSafeEqual(digest(expected), digest(guess.trim()));
}
