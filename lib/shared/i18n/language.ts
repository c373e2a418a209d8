// Which interface language to use: the user's choice in Options, else the browser's. Apart from
// the tables so the popup's early script (lib/pages/first-paint.ts) can pick one without them.

export const LANGUAGES = ['en', 'id'] as const;
export type Language = (typeof LANGUAGES)[number];

export function pickLanguage(preferred: string | null | undefined, browserLanguages: readonly string[]): Language {
  if (preferred && (LANGUAGES as readonly string[]).includes(preferred)) return preferred as Language;
  for (const l of browserLanguages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'id' || base === 'in' || base === 'ms') return 'id';
    if (base === 'en') return 'en';
  }
  return 'en';
}
