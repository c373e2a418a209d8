// The store listing's name and description come from public/_locales: every language has every
// message the manifest names, and the description fits the stores' 132-character limit.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const DIR = join(__dirname, '../../../public/_locales');
const read = (lang: string) => JSON.parse(readFileSync(join(DIR, lang, 'messages.json'), 'utf8')) as Record<string, { message: string }>;

test('en and id carry the manifest messages, the description within 132 characters', () => {
  const langs = readdirSync(DIR).sort();
  expect(langs).toEqual(['en', 'id']);
  const config = readFileSync(join(__dirname, '../../../wxt.config.ts'), 'utf8');
  const named = [...config.matchAll(/__MSG_(\w+)__/g)].map((m) => m[1]!);
  expect(named.sort()).toEqual(['extDescription', 'extName']);
  for (const lang of langs) {
    const messages = read(lang);
    for (const key of named) expect(messages[key]?.message, `${lang}/${key}`).toBeTruthy();
    expect(messages.extDescription!.message.length).toBeLessThanOrEqual(132);
  }
  expect(read('id').extDescription!.message).not.toBe(read('en').extDescription!.message);
});
