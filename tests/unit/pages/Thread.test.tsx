// @vitest-environment happy-dom
// Reactions show under their message as text ("👍 2 ❤️ 1"), with a label for screen readers.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { Message } from '../../../lib/shared/model';
import { App } from '../../../lib/pages/App';
import { storedConversation, storedMessage } from '../helpers/factories';

let db: InboxDb;
let n = 0;
const T0 = Date.UTC(2026, 10, 20, 9, 0);
const budi = storedConversation('whatsapp', 'dm/Budi', { title: 'Budi', preview: 'oke', lastMessageAt: T0, listRank: 0 });

function message(nativeId: string, order: number, text: string, reactions?: Message['reactions']): Message {
  return storedMessage(budi, nativeId, order, {
    text,
    sentAt: T0 + order,
    firstSeenAt: T0,
    updatedAt: T0,
    ...(reactions ? { reactions } : {}),
  });
}

beforeAll(() => import('../../../lib/pages/Thread'));
beforeEach(async () => {
  db = openDb(`ui-reactions-${n++}`);
  await db.open();
  await db.conversations.put(budi);
  await db.messages.bulkPut([
    message('a', 1, 'Kopi dulu', [
      { emoji: '👍', count: 2 },
      { emoji: '❤️', count: 1 },
    ]),
    message('b', 2, 'tanpa reaksi'),
    message('c', 3, 'semua dihapus', []),
  ]);
});
afterEach(() => cleanup());

async function openThread(language: 'en' | 'id', name: string) {
  render(<App db={db} layout="panel" language={language} />);
  fireEvent.click(await screen.findByRole('button', { name: /Budi/ }));
  return screen.findByRole('log', { name });
}

test('reactions show under their message as text, with an accessible label; none shows nothing', async () => {
  const log = await openThread('en', 'Conversation with Budi');
  const note = await within(log).findByRole('note', { name: 'Reactions: 👍 2, ❤️ 1' });
  expect(note.textContent).toBe('👍 2 ❤️ 1');
  expect(note.closest('article')?.textContent).toContain('Kopi dulu');
  // Only the one message with reactions has them (none stored, or all removed: nothing shown).
  expect(within(log).getAllByRole('note')).toHaveLength(1);
  // Not part of the message's text.
  expect(note.closest('article')?.querySelector('.text')?.textContent).toBe('Kopi dulu');
});

test('the label in Indonesian', async () => {
  const log = await openThread('id', 'Percakapan dengan Budi');
  expect(await within(log).findByRole('note', { name: 'Reaksi: 👍 2, ❤️ 1' })).toBeTruthy();
});
