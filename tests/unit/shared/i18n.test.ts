// The interface strings: one table per language, each with every key of the English reference.
// The type-level half is checked by `tsc` (the @ts-expect-error line must stay an error).
import { describe, expect, expectTypeOf, test } from 'vitest';
import { LANGUAGES, pickLanguage, strings, type Strings } from '../../../lib/shared/i18n';
import { en } from '../../../lib/shared/i18n/en';
import { id } from '../../../lib/shared/i18n/id';

/** Every key path of a table, nested objects included. */
const paths = (o: object, at = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? paths(v as object, `${at}${k}.`) : [`${at}${k}`]));

describe('i18n tables', () => {
  test('the Indonesian table is typed as the English one, so a missing key does not compile', () => {
    expectTypeOf(id).toEqualTypeOf<Strings>();
    // @ts-expect-error: a table without `appName` is not a Strings
    const missing: Strings = { ...en, appName: undefined };
    expect(missing.appName).toBeUndefined();
  });

  test('every language has every key, and strings() picks the table', () => {
    for (const lang of LANGUAGES) expect(paths(strings(lang)).sort()).toEqual(paths(en).sort());
    expect(strings('id')).toBe(id);
    expect(strings(pickLanguage(null, ['id-ID']))).toBe(id);
    expect(strings(pickLanguage(null, ['fr']))).toBe(en);
  });
});
