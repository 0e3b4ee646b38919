import en from './en.ts';
import type { Message, Params, PluralMessage } from './types.ts';

export type { Params } from './types.ts';
export type MessageKey = keyof typeof en;
/** Every language file default-exports one of these: the same keys as en.ts, all required. */
export type Dictionary = { [K in MessageKey]: (typeof en)[K] extends string ? string : PluralMessage };

/**
 * Languages are discovered from the files next to this one: adding `fr.ts` that default-exports a
 * `Dictionary` is all it takes. The first of `navigator.languages` we have wins; English otherwise.
 */
const files = import.meta.glob<{ default: Dictionary }>(['./*.ts', '!./index.ts', '!./types.ts', '!./*.test.ts'], {
  eager: true,
});
const dictionaries = new Map<string, Dictionary>([['en', en]]);
for (const [path, mod] of Object.entries(files)) {
  const lang = /\.\/([\w-]+)\.ts$/.exec(path)?.[1];
  if (lang) dictionaries.set(lang, mod.default);
}

function pickLocale(wanted: readonly string[]): string {
  for (const tag of wanted) {
    if (dictionaries.has(tag)) return tag;
    const base = tag.split('-')[0] ?? '';
    if (dictionaries.has(base)) return base;
  }
  return 'en';
}

let locale = pickLocale(typeof navigator === 'undefined' ? [] : navigator.languages);
let dict: Dictionary = dictionaries.get(locale) ?? en;
let plurals = new Intl.PluralRules(locale);

export function getLocale(): string {
  return locale;
}

/** Switches language (tests, or a future picker). Unknown tags fall back to English. */
export function setLocale(tag: string): void {
  locale = pickLocale([tag]);
  dict = dictionaries.get(locale) ?? en;
  plurals = new Intl.PluralRules(locale);
}

/**
 * Translates `key`, replacing `{name}` placeholders from `params`. Plural messages choose their
 * form from `params.count`.
 */
export function t(key: MessageKey, params?: Params): string {
  const message: Message = dict[key] ?? en[key];
  const text = typeof message === 'string' ? message : pluralForm(message, Number(params?.count ?? 0));
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

function pluralForm(message: PluralMessage, count: number): string {
  return message[plurals.select(count)] ?? message.other;
}
