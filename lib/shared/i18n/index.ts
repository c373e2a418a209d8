// Interface strings in English and Indonesian. The language follows the browser's, unless the
// user picked one in Options (stored under `uiLanguage`). Every user-facing sentence lives here,
// in both languages; the worker and the store keep codes (a send failure's `reason`), and the
// pages turn them into text, so a stored record never carries one language's words.
// One file per language (en.ts, the reference, and id.ts); this index holds both and picks one
// (the tests compare them). The pages load a language through lib/pages/i18n.ts (English built
// in, Indonesian on demand); the worker needs only the notifications' strings (notify.ts).
// Runs anywhere (worker and pages): no browser API.
import { en, type Strings } from './en';
import { id } from './id';
import type { Language } from './language';

export type { SendFailureText, Strings } from './en';
export { LANGUAGES, pickLanguage, type Language } from './language';

const TABLE: Record<Language, Strings> = { en, id };

export function strings(lang: Language): Strings {
  return TABLE[lang];
}
