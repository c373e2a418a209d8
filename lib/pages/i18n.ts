// The pages' entry to the interface strings. The tables live in lib/shared/i18n/ (one file per
// language), which any context may import. Here only English (the reference, and what shows while
// another table loads) is in the pages' start chunks; another language's table is a chunk of its
// own, loaded once it is wanted (beforeFirstRender waits for it), so a page carries one language's
// strings, not both (~4 KB gz each).
import { useEffect, useState } from 'preact/hooks';
import { en, type Strings } from '../shared/i18n/en';
import type { Language } from '../shared/i18n/language';

export type { SendFailureText, Strings } from '../shared/i18n/en';
export { LANGUAGES, pickLanguage, type Language } from '../shared/i18n/language';

const LOADERS: Record<Language, () => Promise<Strings>> = {
  en: () => Promise.resolve(en),
  id: () => import('../shared/i18n/id').then((m) => m.id),
};

const loaded: Partial<Record<Language, Strings>> = { en };
const loading: Partial<Record<Language, Promise<Strings>>> = {};

/** The table for `lang`, loading it first if needed (a failed load is tried again next time). */
export function loadStrings(lang: Language): Promise<Strings> {
  const table = loaded[lang];
  if (table) return Promise.resolve(table);
  loading[lang] ??= LOADERS[lang]().then(
    (t) => (loaded[lang] = t),
    (e: unknown) => {
      delete loading[lang];
      throw e;
    },
  );
  return loading[lang];
}

/** The table for `lang` if it has been loaded (loadStrings), else undefined. */
export function loadedStrings(lang: Language): Strings | undefined {
  return loaded[lang];
}

/**
 * The language to show and its strings: `lang` once its table is loaded (it starts loading here if
 * needed), English until then (a choice changed in Options while the page is open; the first render
 * has its table already: mountApp).
 */
export function useStrings(lang: Language): { lang: Language; s: Strings } {
  const [, setLoads] = useState(0);
  const table = loaded[lang];
  useEffect(() => {
    if (loaded[lang]) return;
    let live = true;
    loadStrings(lang).then(
      () => live && setLoads((n) => n + 1),
      (e: unknown) => console.error('[unified-inbox] interface strings could not load', e),
    );
    return () => {
      live = false;
    };
  }, [lang]);
  return table ? { lang, s: table } : { lang: 'en', s: en };
}
