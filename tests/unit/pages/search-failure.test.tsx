// @vitest-environment happy-dom
// A search that fails says so (an alert in the results) instead of "Searching…" for ever, and a
// new query tries again (lib/pages/live.ts useSearch).
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { App } from '../../../lib/pages/App';
import type { SearchHit } from '../../../lib/store/search';

const engine = vi.hoisted(() => ({ fail: true, runs: [] as string[] }));
vi.mock('../../../lib/store/search-live', () => ({
  watchSearch(_db: unknown, query: string, onHits: (hits: SearchHit[]) => void, onError: (e: unknown) => void) {
    engine.runs.push(query);
    queueMicrotask(() => (engine.fail ? onError(new Error('the index could not be read')) : onHits([])));
    return () => {};
  },
}));

let db: InboxDb;
beforeEach(async () => {
  db = openDb(`search-failure-${Math.random()}`);
  await db.open();
  engine.fail = true;
  engine.runs = [];
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  cleanup();
  db.close();
  vi.restoreAllMocks();
});

test('a failed search is said in the results, and the next query runs again', async () => {
  render(<App db={db} layout="panel" language="en" />);
  const box = screen.getByRole('searchbox', { name: 'Search' });
  fireEvent.input(box, { target: { value: 'kopi' } });
  const results = await screen.findByRole('region', { name: 'Search results' });
  await waitFor(() => expect(within(results).getByRole('alert').textContent).toBe('The search failed. Change the words to try again.'));
  expect(within(results).queryByText('Searching…')).toBeNull();

  engine.fail = false;
  fireEvent.input(box, { target: { value: 'kopi susu' } });
  await waitFor(() => expect(within(results).getByText('No messages match.')).toBeTruthy());
  expect(within(results).queryByRole('alert')).toBeNull();
  expect(engine.runs).toEqual(['kopi', 'kopi susu']);
});
