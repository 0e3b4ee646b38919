/** Shared by the caption end-to-end tests: the test sentence, and reading caption lines off a page. */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { hasFlite } from '../support/speech.ts';

export const CAPTIOND = path.resolve('packages/server/native/build/captiond');
export const SENTENCE = 'please call me back when you are free tomorrow';
/** Words of SENTENCE that PocketSphinx reliably gets right ("call" sometimes comes out "tell"). */
export const WORDS = ['please', 'call', 'back', 'free', 'tomorrow'];

/** Whether flite and the caption engine are here; warns (the test is then skipped) when not. */
export function captionsReady(name: string): boolean {
  const ready = hasFlite && fs.existsSync(CAPTIOND);
  if (!ready) console.warn(`[${name}] skipped: flite or captiond missing (scripts/test.sh installs flite and builds captiond)`);
  return ready;
}

export const wordsIn = (text: string): string[] => WORDS.filter((w) => text.toLowerCase().split(/[^a-z']+/).includes(w));

/** The line of `participantId` with the most expected words, on `page`, under `testId` (caption-line, transcript-line). */
export async function bestLine(page: Page, testId: string, participantId: string): Promise<{ words: number; text: string }> {
  const texts = await page.locator(`[data-testid="${testId}"][data-participant-id="${participantId}"]`).allTextContents();
  let best = { words: 0, text: '' };
  for (const text of texts) if (wordsIn(text).length > best.words) best = { words: wordsIn(text).length, text };
  return best;
}
