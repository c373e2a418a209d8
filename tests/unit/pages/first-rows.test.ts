// The early read of the popup (bare IndexedDB, before the app's modules load) must agree with
// the app's own read through Dexie, and must never create the store.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DB_NAME, openDb } from '../../../lib/store/db';
import {
  BY_TIME,
  CONVERSATIONS,
  FIRST_ROWS,
  readFirstRows,
  startFirstRows,
  readLanguageChoice,
  SETTINGS_KEY,
  STORE_NAME,
  takeFirstRows,
} from '../../../lib/pages/first-rows';
import { SETTINGS_KEY as SETTINGS_STORE_KEY } from '../../../lib/shared/settings';
import { HEAD_ROWS } from '../../../lib/pages/Inbox';
import { inboxHead } from '../../../lib/store/queries';
import { storedConversation } from '../helpers/factories';

describe('first rows', () => {
  test('names the store, table and index lib/store/db.ts defines, and reads as many rows as the list', async () => {
    expect(STORE_NAME).toBe(DB_NAME);
    expect(FIRST_ROWS).toBe(HEAD_ROWS);
    const db = openDb(DB_NAME);
    await db.open();
    expect(db.tables.map((t) => t.name)).toContain(CONVERSATIONS);
    expect(db.table(CONVERSATIONS).schema.indexes.map((i) => i.name)).toContain(BY_TIME);
    db.close();
  });

  test('gives the same rows as the Dexie read, archived ones left out, ties at the cut dropped', async () => {
    const name = 'first-rows-same';
    const db = openDb(name);
    const T = 1_700_000_000_000;
    await db.conversations.bulkPut(
      Array.from({ length: 120 }, (_, i) =>
        storedConversation(i % 2 ? 'whatsapp' : 'instagram', `c${i}`, {
          title: `C${i}`,
          lastMessageAt: i % 17 === 0 ? null : T - Math.floor(i / 3) * 60_000, // groups of three share a time
          archived: i % 11 === 0,
        }),
      ),
    );
    const dexie = await inboxHead(db, 50);
    db.close();
    const bare = await readFirstRows(indexedDB, { name, limit: 50 });
    expect(bare?.map((c) => c.id)).toEqual(dexie.map((c) => c.id));
    expect(bare!.length).toBeGreaterThan(40);
  });

  test('a store that does not exist yet reads as null and is not created', async () => {
    const name = 'first-rows-never-created';
    expect(await readFirstRows(indexedDB, { name })).toBeNull();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(name);
    // The app's own open (Dexie) then creates it at its version, unhindered.
    const db = openDb(name);
    await db.open();
    expect(db.verno).toBeGreaterThan(1);
    db.close();
  });

  test('reads the stored interface language where lib/shared/settings.ts keeps it, and nothing else', async () => {
    expect(SETTINGS_KEY).toBe(SETTINGS_STORE_KEY);
    const area = (value: unknown) => ({ storage: { local: { get: async (k: string) => ({ [k]: value }) } } });
    expect(await readLanguageChoice({ chrome: area({ uiLanguage: 'id' }) })).toBe('id');
    expect(await readLanguageChoice({ browser: area({ uiLanguage: 'auto' }), chrome: area({ uiLanguage: 'en' }) })).toBe('auto');
    expect(await readLanguageChoice({ chrome: area({ uiLanguage: 7 }) })).toBeNull();
    expect(await readLanguageChoice({ chrome: area(undefined) })).toBeNull();
    expect(await readLanguageChoice({})).toBeNull();
    const failing = { storage: { local: { get: () => Promise.reject(new Error('no')) } } };
    expect(await readLanguageChoice({ chrome: failing })).toBeNull();
    const throwing = {
      storage: {
        local: {
          get: () => {
            throw new Error('no');
          },
        },
      },
    };
    expect(await readLanguageChoice({ chrome: throwing })).toBeNull();
  });

  test('the early script hands its rows to the app once', async () => {
    startFirstRows();
    const handoff = takeFirstRows();
    expect(handoff).toBeDefined();
    const rows = await handoff!.done;
    expect(rows).not.toBeNull(); // DB_NAME exists (the first test opened it): an empty list
    expect(handoff!.rows).toEqual(rows);
    expect(takeFirstRows()).toBeUndefined();
  });

  describe('in one request where the browser can read an index backwards (IDBIndex.getAllRecords)', () => {
    // fake-indexeddb has no getAllRecords: this stand-in answers as Chromium's does (newest first,
    // at most `count`), by a cursor, and counts its calls.
    let calls = 0;
    beforeAll(() => {
      (IDBIndex.prototype as unknown as Record<string, unknown>).getAllRecords = function (
        this: IDBIndex,
        o: { count: number; direction: IDBCursorDirection },
      ) {
        calls++;
        const out: { value: unknown }[] = [];
        const req = this.openCursor(null, o.direction);
        const done = { result: out, onsuccess: null as null | (() => void), onerror: null };
        req.onsuccess = () => {
          const c = req.result;
          if (c && out.length < o.count) {
            out.push({ value: c.value });
            c.continue();
          } else done.onsuccess?.();
        };
        return done;
      };
    });
    afterAll(() => {
      delete (IDBIndex.prototype as unknown as Record<string, unknown>).getAllRecords;
    });

    test.each([
      ['a few archived', 11, 1],
      ['most archived (the cursor reads on)', 3, 1],
    ])('gives the same rows as the Dexie read: %s', async (_, every, requests) => {
      const name = `first-rows-backwards-${every}`;
      const db = openDb(name);
      const T = 1_700_000_000_000;
      await db.conversations.bulkPut(
        Array.from({ length: 200 }, (_, i) =>
          storedConversation(i % 2 ? 'whatsapp' : 'messenger', `c${i}`, {
            lastMessageAt: i % 13 === 0 ? null : T - Math.floor(i / 2) * 60_000,
            archived: every === 3 ? i % 3 !== 0 : i % every === 0,
          }),
        ),
      );
      const dexie = await inboxHead(db, 50);
      db.close();
      calls = 0;
      const bare = await readFirstRows(indexedDB, { name, limit: 50 });
      expect(calls).toBe(requests);
      expect(bare?.map((c) => c.id)).toEqual(dexie.map((c) => c.id));
      expect(bare!.length).toBeGreaterThan(40);
    });
  });
});
