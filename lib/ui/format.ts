// Dates and numbers for the interface, in the interface's language.
import type { Language } from './i18n';

const LOCALE: Record<Language, string> = { en: 'en-GB', id: 'id-ID' };

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Short time for a list row: "14:05" today, "Yesterday", a weekday this week, else a date. */
export function listTime(ms: number | null, lang: Language, yesterdayWord: string, now = Date.now()): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const today = new Date(now);
  if (sameDay(d, today)) return d.toLocaleTimeString(LOCALE[lang], { hour: '2-digit', minute: '2-digit' });
  const y = new Date(now);
  y.setDate(y.getDate() - 1);
  if (sameDay(d, y)) return yesterdayWord;
  if (now - ms < 6 * 86_400_000 && ms < now) return d.toLocaleDateString(LOCALE[lang], { weekday: 'short' });
  return d.toLocaleDateString(LOCALE[lang], { day: 'numeric', month: 'short', year: d.getFullYear() === today.getFullYear() ? undefined : 'numeric' });
}

/** Time shown on a message, honest about precision (day-only times show no clock). */
export function messageTime(ms: number | null, precision: 'minute' | 'day' | 'none', lang: Language): string {
  if (ms === null || precision === 'none') return '';
  const d = new Date(ms);
  if (precision === 'day') return d.toLocaleDateString(LOCALE[lang], { day: 'numeric', month: 'short' });
  return d.toLocaleString(LOCALE[lang], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

export function count(n: number, lang: Language): string {
  return n.toLocaleString(LOCALE[lang]);
}
