import { getLocale } from '../i18n/index.ts';

/** "14:05" today, "Mon 14:05" this week, "3 Mar" before. */
export function timeOf(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const loc = getLocale();
  if (d.toDateString() === now.toDateString()) return new Intl.DateTimeFormat(loc, { timeStyle: 'short' }).format(d);
  if (now.getTime() - d.getTime() < 6 * 86_400_000) return new Intl.DateTimeFormat(loc, { weekday: 'short', hour: 'numeric', minute: '2-digit' }).format(d);
  return new Intl.DateTimeFormat(loc, { day: 'numeric', month: 'short' }).format(d);
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}
