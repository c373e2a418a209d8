// The one typed request map: the pages' `call(type, payload)` reaches the background's handler map
// and comes back with that request's reply; an unreachable background is a marked refusal, never
// an exception. The type-level half (a request without a handler, a wrong payload) is checked by
// `tsc` through the @ts-expect-error lines below.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, expectTypeOf, test, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { handleMessage, type BackgroundContext, type PageHandlers } from '../../../lib/worker/router';
import type { ImportSummary } from '../../../lib/worker/import';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { call } from '../../../lib/pages/call';
import { deleteEverything, importFile } from '../../../lib/pages/options/data';
import { storedConversation } from '../helpers/factories';
import { backgroundContext, pageSender } from '../helpers/background';

const popup = pageSender('popup.html');
let db: InboxDb;
let ctx: BackgroundContext;
let n = 0;
const sent: unknown[] = [];

beforeEach(async () => {
  db = openDb(`requests-${n++}`);
  // The real clock: no fixed `now`.
  ctx = backgroundContext(db, { tabs: { findTabs: async () => [], sendToTab: async () => ({ accepted: true }) }, now: undefined });
  sent.length = 0;
  vi.spyOn(browser.runtime, 'sendMessage').mockImplementation((async (message: unknown) => {
    sent.push(message);
    return handleMessage(ctx, message, popup);
  }) as typeof browser.runtime.sendMessage);
});
afterEach(() => vi.restoreAllMocks());

describe('call(type, payload)', () => {
  test('sends the request with its type and resolves to that request’s reply', async () => {
    await db.conversations.bulkPut([
      storedConversation('whatsapp', 'a', { title: 'Budi' }),
      storedConversation('instagram', 'b', { title: 'budi' }),
    ]);
    const linked = await call('link-people', { conversationIds: ['whatsapp:a', 'instagram:b'], name: 'Budi' });
    expect(sent[0]).toEqual({ type: 'link-people', conversationIds: ['whatsapp:a', 'instagram:b'], name: 'Budi' });
    expect(linked).toEqual({ ok: true });
    expect((await db.conversations.get('whatsapp:a'))?.personId).toBeTruthy();

    const refused = await call('rename-person', { personId: 'person:none', name: 'X' });
    expect(refused).toEqual({ ok: false, error: 'no such person' });

    const imported = await call('import-data', { data: '{}' });
    expect(imported.ok).toBe(false);
    if (imported.ok) expectTypeOf(imported.imported).toEqualTypeOf<ImportSummary>();
  });

  test('a request the schema refuses is refused as before (validation on receipt unchanged)', async () => {
    // @ts-expect-error a payload missing a field does not compile; at run time the schema refuses it
    const reply = await call('retry-send', {});
    expect(reply.ok).toBe(false);
  });

  test('an unreachable background or an empty answer is a refusal marked unreachable, never a throw', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.mocked(browser.runtime.sendMessage).mockRejectedValueOnce(new Error('Receiving end does not exist.'));
    expect(await call('e2ee-lock', {})).toEqual({ ok: false, error: 'background unreachable', unreachable: true });
    vi.mocked(browser.runtime.sendMessage).mockResolvedValueOnce(undefined);
    expect(await call('delete-all-data', {})).toEqual({ ok: false, error: 'no answer', unreachable: true });
    // The options page words it in the user's language; a refusal from the background passes through.
    vi.mocked(browser.runtime.sendMessage).mockResolvedValueOnce(undefined);
    expect(await deleteEverything('ekstensi tidak menjawab')).toEqual({ ok: false, error: 'ekstensi tidak menjawab' });
    expect(await importFile(new Blob(['not json']), 'ekstensi tidak menjawab')).toMatchObject({ ok: false });
    expect(await importFile(new Blob(['not json']), 'ekstensi tidak menjawab')).not.toEqual({
      ok: false,
      error: 'ekstensi tidak menjawab',
    });
  });
});

describe('the handler map', () => {
  test('every page request has a handler (a missing one is a type error)', () => {
    // @ts-expect-error only some requests handled: does not compile
    const partial: PageHandlers = { 'retry-send': async () => ({ ok: true }) };
    expect(partial).toBeTruthy();
  });

  test('a handler must answer its own request’s reply type', () => {
    type ImportHandler = PageHandlers['import-data'];
    expectTypeOf<Awaited<ReturnType<ImportHandler>>>().toEqualTypeOf<
      { ok: true; imported: ImportSummary } | { ok: false; error: string }
    >();
  });
});
