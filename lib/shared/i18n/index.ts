// Interface strings in English and Indonesian. The language follows the browser's, unless the
// user picked one in Options (stored under `uiLanguage`). Every user-facing sentence lives here,
// in both languages; the worker and the store keep codes (a send failure's `reason`), and the
// pages turn them into text, so a stored record never carries one language's words.
// One file per language (en.ts, the reference, and id.ts); this index picks one.
// Runs anywhere (worker and pages): no browser API.
import { en, type Strings } from './en';
import { id } from './id';

export type { SendFailureText, Strings } from './en';

export const LANGUAGES = ['en', 'id'] as const;
export type Language = (typeof LANGUAGES)[number];

const TABLE: Record<Language, Strings> = { en, id };

export function pickLanguage(preferred: string | null | undefined, browserLanguages: readonly string[]): Language {
  if (preferred && (LANGUAGES as readonly string[]).includes(preferred)) return preferred as Language;
  for (const l of browserLanguages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'id' || base === 'in' || base === 'ms') return 'id';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function strings(lang: Language): Strings {
  return TABLE[lang];
}
