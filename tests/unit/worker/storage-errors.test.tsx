// @vitest-environment happy-dom
// Quota exceeded and IndexedDB failures surface: when the merge throws, the background records a
// storage error, does not acknowledge the batch (the content script keeps and re-sends it), and the
// popup shows a visible alert; once a write succeeds again the alert goes away and nothing was lost.
import 'fake-indexeddb/auto';
import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { handleMessage, type BackgroundContext } from '../../../lib/worker/router';
import { readStorageError, STORAGE_ERROR_KEY } from '../../../lib/store/storage-error';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { Ingest } from '../../../lib/shared/protocol';
import { App } from '../../../lib/pages/App';
import { loadStrings } from '../../../lib/pages/i18n';
import { backgroundContext, contentSender } from '../helpers/background';

const waTab = contentSender('https://web.whatsapp.com/', 7);

let db: InboxDb;
let ctx: BackgroundContext;
let n = 0;
const logs: unknown[][] = [];

beforeEach(() => {
  db = openDb(`quota-${n++}`);
  logs.length = 0;
  ctx = backgroundContext(db, { log: (...a) => logs.push(a), now: () => 5_000_000 });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function batch(id: string, texts: string[]): Ingest {
  return {
    type: 'ingest',
    platform: 'whatsapp',
    batchId: id,
    health: { state: 'ok' },
    conversations: [],
    thread: {
      conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false },
      messages: texts.map((text, i) => ({
        nativeId: `m${i}`,
        sender: { name: 'Budi', isSelf: false },
        text,
        sentAt: 1_000 + i,
        timePrecision: 'minute' as const,
        status: 'received' as const,
        attachments: [],
        quote: null,
        system: false,
        truncated: false,
      })),
    },
  };
}

const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('the store refusing writes', () => {
  test('a merge that hits QuotaExceededError is recorded, not acknowledged, and succeeds on re-send', async () => {
    const put = vi.spyOn(db.messages, 'bulkPut').mockRejectedValue(quotaError());
    const b = batch('b1', ['one', 'two', 'three']);
    await expect(handleMessage(ctx, b, waTab)).rejects.toThrow(/quota/i);
    expect(put).toHaveBeenCalled();
    // Nothing half-written: the transaction rolled back.
    expect(await db.messages.count()).toBe(0);
    expect(await db.conversations.count()).toBe(0);
    const rec = await readStorageError(db);
    expect(rec).toMatchObject({ name: 'QuotaExceededError', count: 1, firstAt: 5_000_000, lastAt: 5_000_000 });
    expect(logs.some((l) => String(l[0]).includes('refused'))).toBe(true);

    // Still failing: counted, not duplicated.
    await expect(handleMessage(ctx, b, waTab)).rejects.toThrow();
    expect((await readStorageError(db))?.count).toBe(2);

    // Space freed: the same batch, re-sent by the content script, is stored in full and the alert clears.
    put.mockRestore();
    expect(await handleMessage(ctx, b, waTab)).toEqual({ ok: true, batchId: 'b1' });
    expect((await db.messages.toArray()).map((m) => m.text).sort()).toEqual(['one', 'three', 'two']);
    expect(await db.meta.get(STORAGE_ERROR_KEY)).toBeUndefined();
  });

  test('any IndexedDB failure in the merge is recorded under its own name', async () => {
    vi.spyOn(db.conversations, 'put').mockRejectedValue(new DOMException('disk I/O', 'UnknownError'));
    await expect(handleMessage(ctx, batch('b2', ['x']), waTab)).rejects.toThrow();
    expect(await readStorageError(db)).toMatchObject({ name: 'UnknownError', message: 'disk I/O' });
  });

  test('when even recording fails, the handler still rejects (the batch is kept) and logs', async () => {
    vi.spyOn(db.messages, 'bulkPut').mockRejectedValue(quotaError());
    vi.spyOn(db.meta, 'put').mockRejectedValue(quotaError());
    await expect(handleMessage(ctx, batch('b3', ['x']), waTab)).rejects.toThrow();
    expect(await readStorageError(db)).toBeNull();
    expect(logs.length).toBeGreaterThan(0);
  });
});

describe('the popup', () => {
  test('shows a visible alert while the store refuses writes, and drops it once writes work again', async () => {
    render(<App db={db} layout="popup" language="en" />);
    await screen.findByRole('list', { name: 'Conversations' }).catch(() => undefined);
    expect(screen.queryByText(/run out of storage/)).toBeNull();

    vi.spyOn(db.messages, 'bulkPut').mockRejectedValue(quotaError());
    await expect(handleMessage(ctx, batch('b4', ['x']), waTab)).rejects.toThrow();
    const alert = await screen.findByText(/run out of storage/, {}, { timeout: 3000 });
    expect(alert.closest('[role="alert"]')).not.toBeNull();
    expect(alert.closest('[role="alert"]')!.textContent).toContain('QuotaExceededError');

    vi.restoreAllMocks();
    await handleMessage(ctx, batch('b4', ['x']), waTab);
    await waitFor(() => expect(screen.queryByText(/run out of storage/)).toBeNull(), { timeout: 3000 });
  });

  test('in Indonesian too', async () => {
    await db.meta.put({ key: STORAGE_ERROR_KEY, value: { name: 'QuotaExceededError', message: 'q', firstAt: 1, lastAt: 1, count: 3 } });
    await loadStrings('id'); // as mountApp does before the first render
    render(<App db={db} layout="popup" language="id" />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Ruang penyimpanan browser untuk Unified Inbox habis/);
    expect(alert.textContent).toContain('3 kali');
  });
});
