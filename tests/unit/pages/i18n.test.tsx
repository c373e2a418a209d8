// @vitest-environment happy-dom
// The pages' strings: English is in the start chunk, Indonesian loads on first use (lib/pages/i18n.ts).
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, expect, test } from 'vitest';
import { loadedStrings, loadStrings, useStrings, type Language } from '../../../lib/pages/i18n';
import { en } from '../../../lib/shared/i18n/en';
import { id } from '../../../lib/shared/i18n/id';

afterEach(cleanup);

function Shown(props: { lang: Language }) {
  const { lang, s } = useStrings(props.lang);
  return <p lang={lang}>{s.search}</p>;
}

test('Indonesian is loaded on first use; English shows until it is in, then the page re-renders', async () => {
  expect(loadedStrings('en')).toBe(en);
  expect(loadedStrings('id')).toBeUndefined();
  render(<Shown lang="id" />);
  expect(screen.getByText(en.search).getAttribute('lang')).toBe('en');
  expect((await screen.findByText(id.search)).getAttribute('lang')).toBe('id');
  expect(loadedStrings('id')).toBe(id);
});

test('a loaded table is kept: loading it again gives the same table at once', async () => {
  const first = await loadStrings('id');
  expect(first).toBe(id);
  expect(await loadStrings('id')).toBe(first);
  render(<Shown lang="id" />);
  expect(screen.getByText(id.search).getAttribute('lang')).toBe('id');
});
