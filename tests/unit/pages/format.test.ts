// The cached formatters must give exactly what the per-call toLocale*String forms gave.
import { describe, expect, test } from 'vitest';
import { count, listTime, messageTime } from '../../../lib/pages/format';

const LOCALE = { en: 'en-GB', id: 'id-ID' } as const;
const NOW = new Date(2026, 10, 20, 15, 30).getTime();
const DAY = 86_400_000;

describe('format', () => {
  for (const lang of ['en', 'id'] as const) {
    test(`listTime and messageTime in ${lang} match the browser's own formatting`, () => {
      const l = LOCALE[lang];
      const at = (ms: number) => new Date(ms);
      expect(listTime(NOW - 3_600_000, lang, 'Y', NOW)).toBe(
        at(NOW - 3_600_000).toLocaleTimeString(l, { hour: '2-digit', minute: '2-digit' }),
      );
      expect(listTime(NOW - DAY, lang, 'Y', NOW)).toBe('Y');
      expect(listTime(NOW - 3 * DAY, lang, 'Y', NOW)).toBe(at(NOW - 3 * DAY).toLocaleDateString(l, { weekday: 'short' }));
      expect(listTime(NOW - 40 * DAY, lang, 'Y', NOW)).toBe(at(NOW - 40 * DAY).toLocaleDateString(l, { day: 'numeric', month: 'short' }));
      expect(listTime(NOW - 400 * DAY, lang, 'Y', NOW)).toBe(
        at(NOW - 400 * DAY).toLocaleDateString(l, { day: 'numeric', month: 'short', year: 'numeric' }),
      );
      expect(listTime(null, lang, 'Y', NOW)).toBe('');
      expect(messageTime(NOW, 'day', lang)).toBe(at(NOW).toLocaleDateString(l, { day: 'numeric', month: 'short' }));
      expect(messageTime(NOW, 'minute', lang)).toBe(
        at(NOW).toLocaleString(l, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }),
      );
      expect(messageTime(NOW, 'none', lang)).toBe('');
      expect(count(12_345, lang)).toBe((12_345).toLocaleString(l));
    });
  }
});
