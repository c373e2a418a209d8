// Time labels of Meta's web apps (Instagram Direct and Messenger share them), in English and
// Indonesian: relative list times ("2h", "2 j", "1w", "1 mgg") and date breaks ("Today 10:42",
// "Kemarin pukul 20.15", "Mon 14:03", "Jun 3, 2026, 09:15", "3 Juni 2026 09.15").
// Date breaks give day precision only: callers report the local midnight of that day.

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export type Lang = 'en' | 'id';

/** The page's language as the document declares it (Meta sets <html lang>). */
export function pageLang(doc: Document): Lang {
  const lang = (doc.documentElement.getAttribute('lang') ?? '').toLowerCase();
  return lang.startsWith('id') || lang.startsWith('in') ? 'id' : 'en';
}

const UNITS: Record<Lang, Record<string, number>> = {
  en: {
    s: 1000,
    sec: 1000,
    m: MIN,
    min: MIN,
    mins: MIN,
    h: HOUR,
    hr: HOUR,
    hrs: HOUR,
    d: DAY,
    w: 7 * DAY,
    wk: 7 * DAY,
    y: 365 * DAY,
    yr: 365 * DAY,
  },
  id: { dtk: 1000, d: 1000, mnt: MIN, m: MIN, j: HOUR, jam: HOUR, h: DAY, hr: DAY, mgg: 7 * DAY, thn: 365 * DAY },
};
const NOW_WORDS = ['now', 'just now', 'active now', 'baru saja', 'sekarang'];

/**
 * A relative list time ("2h", "12 mnt") as epoch ms, in the page's language first.
 * Returns null when it is not a relative time.
 */
export function parseRelativeTime(label: string, lang: Lang, now: number): number | null {
  const s = label.trim().toLowerCase();
  if (NOW_WORDS.includes(s)) return now;
  const m = /^(\d{1,4})\s*([a-z]{1,4})\.?$/u.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2]!;
  const order: Lang[] = lang === 'id' ? ['id', 'en'] : ['en', 'id'];
  for (const l of order) {
    const ms = UNITS[l][unit];
    if (ms !== undefined) return now - n * ms;
  }
  return null;
}

const TODAY = ['today', 'hari ini'];
const YESTERDAY = ['yesterday', 'kemarin'];
const WEEKDAYS: string[][] = [
  ['sun', 'sunday', 'min', 'minggu', 'ahad'],
  ['mon', 'monday', 'sen', 'senin'],
  ['tue', 'tuesday', 'sel', 'selasa'],
  ['wed', 'wednesday', 'rab', 'rabu'],
  ['thu', 'thursday', 'kam', 'kamis'],
  ['fri', 'friday', 'jum', 'jumat', "jum'at"],
  ['sat', 'saturday', 'sab', 'sabtu'],
];
const MONTHS: string[][] = [
  ['jan', 'january', 'januari'],
  ['feb', 'february', 'februari'],
  ['mar', 'march', 'maret'],
  ['apr', 'april'],
  ['may', 'mei'],
  ['jun', 'june', 'juni'],
  ['jul', 'july', 'juli'],
  ['aug', 'august', 'agu', 'agt', 'agustus'],
  ['sep', 'sept', 'september'],
  ['oct', 'october', 'okt', 'oktober'],
  ['nov', 'november', 'nop', 'nopember'],
  ['dec', 'december', 'des', 'desember'],
];

function indexIn(table: string[][], word: string): number {
  return table.findIndex((names) => names.includes(word));
}

function midnight(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function daysBefore(now: number, n: number): number {
  const d = new Date(midnight(now));
  d.setDate(d.getDate() - n);
  return d.getTime();
}

/**
 * A date-break label → local midnight (epoch ms) of that day, or null when unrecognised.
 * Time-of-day parts are ignored: only the day is certain for every message under the break.
 */
export function parseDateBreak(label: string, now: number): number | null {
  const s = label
    .toLowerCase()
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/,/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (s === '') return null;
  if (TODAY.some((w) => s.startsWith(w))) return midnight(now);
  if (YESTERDAY.some((w) => s.startsWith(w))) return daysBefore(now, 1);
  // A bare time ("10:42", "10.42", "10:42 AM"): today.
  if (/^\d{1,2}[:.]\d{2}(\s?[ap]\.?m\.?)?$/.test(s)) return midnight(now);

  const words = s.split(' ');
  const first = words[0]!;
  const weekday = indexIn(WEEKDAYS, first);
  if (weekday >= 0 && words.length <= 4 && !words.some((w) => indexIn(MONTHS, w) >= 0)) {
    const today = new Date(midnight(now)).getDay();
    const back = (today - weekday + 7) % 7 || 7;
    return daysBefore(now, back);
  }

  // Dates with a month name: "Jun 3 2026", "3 Juni 2026", "Mon Jun 3", "3 Jun".
  let month = -1;
  let day = -1;
  let year = -1;
  for (const w of words) {
    const mi = indexIn(MONTHS, w.replace(/\.$/, ''));
    if (mi >= 0 && month < 0) {
      month = mi;
      continue;
    }
    if (/^\d{4}$/.test(w)) year = Number(w);
    else if (/^\d{1,2}$/.test(w) && day < 0) day = Number(w);
  }
  if (month < 0 || day < 1 || day > 31) return null;
  const nowDate = new Date(now);
  if (year < 0) {
    year = nowDate.getFullYear();
    // "Dec 30" seen in January is last year's.
    if (new Date(year, month, day).getTime() > now + DAY) year -= 1;
  }
  const d = new Date(year, month, day);
  if (d.getMonth() !== month) return null;
  return d.getTime();
}
