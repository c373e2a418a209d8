// The page's day/month order. WhatsApp prints numeric dates in the user's locale, and the clock
// style does not tell the order (live-2026.md: `[14:14, 3/30/2026]` is en-US, 24-hour and month
// first; `[9:12 am, 10/12/2025]` is en-IN, 12-hour and day first). So, in this order:
//   1. evidence: a date on the page (thread stamps, list times) whose first or second number is
//      above 12 settles it for the whole page (one locale prints both);
//   2. the locale: `<html lang>` when it names a region, else `navigator.language`;
//   3. a bare language (`<html lang="en">` and no regional navigator language): its default
//      region's order — still ambiguous, and `dateOrder()` says so.
// Evidence is remembered per app instance (its #pane-side) and page language: once seen, it holds
// while the page lives, also after the dates that proved it scrolled away.

export type DateOrderBasis = 'evidence' | 'locale' | 'language';

export interface DateOrder {
  monthFirst: boolean;
  basis: DateOrderBasis;
  /** True while only a bare language decided (or the evidence contradicted itself). */
  ambiguous: boolean;
}

import { SEL } from './selectors';

interface PageState {
  /** The `<html lang>` the evidence was gathered under: a new page language starts afresh. */
  lang: string;
  /** 'dmy'/'mdy' once a date proved it; 'conflict' when dates proved both (then the locale decides). */
  evidence: 'dmy' | 'mdy' | 'conflict' | null;
  localeKey: string;
  locale: DateOrder | null;
}

/** Per app instance: keyed by its chat list (#pane-side lives as long as the app's page does). */
const pages = new WeakMap<object, PageState>();

/** Each document's chat list as last found: a read asks for the state once or twice a row. */
const paneSides = new WeakMap<Document, Element>();

function keyOf(doc: Document): object {
  const known = paneSides.get(doc);
  if (known?.isConnected) return known;
  const found = doc.querySelector(SEL.paneSide);
  if (found) paneSides.set(doc, found);
  else paneSides.delete(doc);
  return found ?? doc;
}

function stateOf(doc: Document): PageState {
  const lang = doc.documentElement.getAttribute('lang') ?? '';
  const key = keyOf(doc);
  let s = pages.get(key);
  if (!s || s.lang !== lang) {
    s = { lang, evidence: null, localeKey: '', locale: null };
    pages.set(key, s);
  }
  return s;
}

/**
 * Records what one date's first two numbers prove about the order (nothing when both are ≤ 12).
 * True when the date proved an order (whether or not it agreed with the dates before it).
 */
export function noteDatePair(doc: Document, pair: [number, number] | null): boolean {
  if (!pair) return false;
  const [a, b] = pair;
  const proves = a > 12 && a <= 31 && b <= 12 ? 'dmy' : b > 12 && b <= 31 && a <= 12 ? 'mdy' : null;
  if (!proves) return false;
  const s = stateOf(doc);
  if (s.evidence === null) s.evidence = proves;
  else if (s.evidence !== proves) s.evidence = 'conflict';
  return true;
}

/** Whether dates on the page have settled the order (and none contradicted it so far). */
export function orderProven(doc: Document): boolean {
  const e = stateOf(doc).evidence;
  return e === 'dmy' || e === 'mdy';
}

/** Forgets the page's evidence: what a page just opened starts from (the bench's first reads do). */
export function forgetDateOrder(doc: Document): void {
  pages.delete(keyOf(doc));
}

/** Month first for a BCP 47 tag, from the platform's own date formatting; null for an unknown tag. */
export function monthFirstFor(tag: string): boolean | null {
  try {
    const parts = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'numeric', year: 'numeric' }).formatToParts(new Date(2026, 2, 30));
    const day = parts.findIndex((p) => p.type === 'day');
    const month = parts.findIndex((p) => p.type === 'month');
    return day < 0 || month < 0 ? null : month < day;
  } catch {
    return null;
  }
}

const hasRegion = (tag: string) => /^[a-z]{2,3}[-_]([A-Za-z]{4}[-_])?([A-Za-z]{2}|\d{3})\b/i.test(tag);
const languageOf = (tag: string) => tag.split(/[-_]/)[0]!.toLowerCase();

function fromLocale(doc: Document): DateOrder {
  const lang = (doc.documentElement.getAttribute('lang') ?? '').trim();
  const nav = doc.defaultView?.navigator;
  const navTags = [...(nav?.languages ?? []), nav?.language ?? ''].filter((t) => t && hasRegion(t));
  // A regional <html lang> is the page's own statement; a bare one is refined by the browser's
  // regional language of the same language (WhatsApp serves "en" to en-US and en-IN alike).
  const regional = hasRegion(lang) ? lang : navTags.find((t) => !lang || languageOf(t) === languageOf(lang));
  const tag = regional ?? (lang || 'en');
  const monthFirst = monthFirstFor(tag.replace('_', '-')) ?? monthFirstFor('en')!;
  return { monthFirst, basis: regional ? 'locale' : 'language', ambiguous: !regional };
}

/** The page's date order as far as it is known now (cheap: cached per document). */
export function dateOrder(doc: Document): DateOrder {
  const s = stateOf(doc);
  if (s.evidence === 'dmy' || s.evidence === 'mdy') return { monthFirst: s.evidence === 'mdy', basis: 'evidence', ambiguous: false };
  const key = `${doc.documentElement.getAttribute('lang') ?? ''}|${doc.defaultView?.navigator?.language ?? ''}`;
  if (!s.locale || s.localeKey !== key) {
    s.locale = fromLocale(doc);
    s.localeKey = key;
  }
  return s.evidence === 'conflict' ? { ...s.locale, ambiguous: true } : s.locale;
}
