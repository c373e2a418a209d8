// Times as WhatsApp Web prints them. `data-pre-plain-text` follows the user's locale:
//   "[10:54 PM, 12/9/2025] Name: "   (US: 12-hour, month first)
//   "[10:30, 28/09/2026] Nama: "     (most locales: 24-hour, day first; Indonesian may use 10.30)
//   "[14:14, 3/30/2026] Name: "     (en-US in 2026: 24-hour AND month first)
//   "[9:12 am, 10/12/2025] +91 …: "  (en-IN: 12-hour AND day first)
// So the clock style does NOT tell the date order (field guide, live-2026.md): the caller decides
// it from evidence on the page (date-order.ts) and passes `monthFirst`; a value above 12 in either
// place still wins for that one date. Minute precision only; results are local time.
import { LABEL, WEEKDAYS, isLabel } from './selectors';

export interface PrePlain {
  at: number;
  sender: string;
}

const PRE_PLAIN = /^\s*\[([^\]]{3,40})\]\s?(.*?):\s*$/s;
const CLOCK = /(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?\s*(?:([AaPp])\.?\s?[Mm]\.?)?/;
const DATE = /(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})/;

function clockOf(s: string): { h: number; m: number; twelveHour: boolean } | null {
  const c = CLOCK.exec(s);
  if (!c) return null;
  let h = Number(c[1]);
  const m = Number(c[2]);
  const ampm = c[3]?.toLowerCase();
  if (m > 59) return null;
  if (ampm) {
    if (h < 1 || h > 12) return null;
    if (ampm === 'p' && h !== 12) h += 12;
    if (ampm === 'a' && h === 12) h = 0;
  } else if (h > 23) return null;
  return { h, m, twelveHour: !!ampm };
}

/** A date's three numbers as printed, before the page's order is applied ("3/30/2026"). */
interface DateDigits {
  a: number;
  b: number;
  c: number;
  /** "2026-03-30": the year comes first, so the order is known. */
  yearFirst: boolean;
  /** "3/30/26": a two-digit year. */
  shortYear: boolean;
}

function dateDigits(s: string): DateDigits | null {
  const d = DATE.exec(s);
  if (!d) return null;
  return { a: Number(d[1]), b: Number(d[2]), c: Number(d[3]), yearFirst: d[1]!.length === 4, shortYear: d[3]!.length <= 2 };
}

function pairOf(d: DateDigits | null): [number, number] | null {
  return d && !d.yearFirst ? [d.a, d.b] : null;
}

/** The first two numbers of a day/month date ("3/30/2026" → [3, 30]); null for year-first or no date. */
export function dayMonthPair(s: string): [number, number] | null {
  return pairOf(dateDigits(s));
}

function dateFrom(digits: DateDigits | null, monthFirstHint: boolean): { y: number; mo: number; d: number } | null {
  if (!digits) return null;
  const { a, b, c } = digits;
  let y: number;
  let mo: number;
  let day: number;
  if (digits.yearFirst) [y, mo, day] = [a, b, c];
  else {
    y = digits.shortYear ? 2000 + c : c;
    if (a > 12) [day, mo] = [a, b];
    else if (b > 12) [mo, day] = [a, b];
    else if (monthFirstHint) [mo, day] = [a, b];
    else [day, mo] = [a, b];
  }
  if (mo < 1 || mo > 12 || day < 1 || day > 31 || y < 2009 || y > 2100) return null;
  return { y, mo, d: day };
}

function local(y: number, mo: number, d: number, h: number, m: number): number | null {
  const t = new Date(y, mo - 1, d, h, m, 0, 0);
  // Reject rolled-over dates such as 31/02.
  if (t.getMonth() !== mo - 1 || t.getDate() !== d) return null;
  return t.getTime();
}

/**
 * What one `data-pre-plain-text` says, worked out once: a thread repeats each string for every
 * message a sender sends in a minute, and a read meets it twice (the thread's date evidence, then
 * the row), so a 2,000-row first read spent an eighth of its time on these few regular
 * expressions and `Date`s (bench/README.md, "Scrape: the WhatsApp stamp parsed once per string").
 * The string's parts are read once; each date order's answer is worked out from them when first asked.
 */
interface StampFacts {
  /** The sender, the clock and the date's numbers; null when the string is not a stamp we know. */
  parts: { sender: string; clock: ReturnType<typeof clockOf>; digits: DateDigits | null } | null;
  /** pairOf(parts.digits), kept: the date-order evidence asks it of every row. */
  pair: [number, number] | null;
  /** parsePrePlainText's answer for each date order, as first asked. */
  dayFirst?: PrePlain | null;
  monthFirst?: PrePlain | null;
}

/** Distinct strings kept (about one per sender and minute: a 2,000-row thread fits), emptied when full. */
const STAMPS_KEPT = 2_048;
const stamps = new Map<string, StampFacts>();

/** Forgets every string kept: what a page just opened starts from (the bench's first reads do). */
export function forgetStamps(): void {
  stamps.clear();
}

function factsOf(raw: string): StampFacts {
  let f = stamps.get(raw);
  if (!f) {
    if (stamps.size >= STAMPS_KEPT) stamps.clear();
    const p = PRE_PLAIN.exec(raw);
    if (!p) f = { parts: null, pair: null };
    else {
      const stamp = p[1]!;
      const digits = dateDigits(stamp.replace(CLOCK, ''));
      f = { parts: { sender: p[2]!.trim(), clock: clockOf(stamp), digits }, pair: pairOf(digits) };
    }
    stamps.set(raw, f);
  }
  return f;
}

/** The day/month pair of a `data-pre-plain-text` stamp's date (for date-order evidence). */
export function prePlainDatePair(raw: string | null | undefined): [number, number] | null {
  return raw ? factsOf(raw).pair : null;
}

/**
 * `data-pre-plain-text` → time and sender name, or null when it is not in a shape we know.
 * `monthFirst`: the page's date order (see date-order.ts), used when both values are ≤ 12.
 * The answer is shared between callers asking about the same string: read it, never change it.
 */
export function parsePrePlainText(raw: string | null | undefined, monthFirst: boolean): Readonly<PrePlain> | null {
  if (!raw) return null;
  const f = factsOf(raw);
  const known = monthFirst ? f.monthFirst : f.dayFirst;
  if (known !== undefined) return known;
  const parsed = stampIn(f, monthFirst);
  if (monthFirst) f.monthFirst = parsed;
  else f.dayFirst = parsed;
  return parsed;
}

function stampIn(f: StampFacts, monthFirst: boolean): PrePlain | null {
  const clock = f.parts?.clock;
  if (!f.parts || !clock) return null;
  const date = dateFrom(f.parts.digits, monthFirst);
  if (!date) return null;
  const at = local(date.y, date.mo, date.d, clock.h, clock.m);
  if (at === null) return null;
  return { at, sender: f.parts.sender };
}

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * The chat list's time label → epoch ms (best effort): "10:54" / "10:54 PM" today, "Yesterday" /
 * "Kemarin", a weekday within the last week, or a date. Day-only labels give that day's start.
 */
export function parseListTime(label: string | null | undefined, now: number, monthFirst: boolean): number | null {
  const s = (label ?? '').trim();
  if (!s) return null;
  if (isLabel(s, LABEL.yesterday)) return startOfDay(now) - 86_400_000;
  if (isLabel(s, LABEL.today)) return startOfDay(now);
  const weekday = WEEKDAYS[s.toLowerCase()];
  if (weekday !== undefined) {
    const today = new Date(now).getDay();
    const back = (today - weekday + 7) % 7 || 7;
    return startOfDay(now) - back * 86_400_000;
  }
  const digits = dateDigits(s);
  if (digits) {
    const date = dateFrom(digits, monthFirst);
    return date ? local(date.y, date.mo, date.d, 0, 0) : null;
  }
  const clock = clockOf(s);
  if (clock && /^\d{1,2}[:.]\d{2}(\s*[AaPp]\.?\s?[Mm]\.?)?$/.test(s)) {
    const d = new Date(now);
    d.setHours(clock.h, clock.m, 0, 0);
    return d.getTime();
  }
  return null;
}

/** Whether a short text has the shape of a chat-list time label (what parseListTime reads). */
export function isListTimeLabel(label: string): boolean {
  const s = label.trim();
  if (!s || s.length > 24) return false;
  if (isLabel(s, LABEL.yesterday) || isLabel(s, LABEL.today) || WEEKDAYS[s.toLowerCase()] !== undefined) return true;
  return /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/.test(s) || /^\d{1,2}[:.]\d{2}(\s*[AaPp]\.?\s?[Mm]\.?)?$/.test(s);
}
