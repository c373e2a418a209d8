// The popup's quick first read (inboxHead) must be exactly the first rows of the whole list
// (inbox()), whatever the limit cuts: ties on the last time, archived chats, chats with no time.
import 'fake-indexeddb/auto';
import Dexie, { liveQuery } from 'dexie';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { openDb } from '../../../lib/store/db';
import type { Platform } from '../../../lib/shared/model';
import { inbox, inboxHead } from '../../../lib/store/queries';
import { storedConversation } from '../helpers/factories';

const PLATFORMS: Platform[] = ['whatsapp', 'instagram', 'messenger'];
let n = 0;

describe('inboxHead', () => {
  test('is a prefix of inbox() for any limit, with ties, archived chats and chats without a time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            time: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }), // few values: many ties
            rank: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
            archived: fc.boolean(),
            title: fc.constantFrom('Ana', 'Budi', 'Citra'),
          }),
          { maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 45 }),
        async (rows, limit) => {
          const db = openDb(`inbox-head-${n++}`);
          await db.conversations.bulkPut(
            rows.map((r, i) =>
              storedConversation(PLATFORMS[i % 3]!, `c${i}`, {
                title: r.title,
                lastMessageAt: r.time === null ? null : 1_700_000_000_000 + r.time * 60_000,
                listRank: r.rank,
                archived: r.archived,
              }),
            ),
          );
          const all = (await inbox(db)).map((c) => c.id);
          const head = (await inboxHead(db, limit)).map((c) => c.id);
          expect(head.length).toBeLessThanOrEqual(limit);
          expect(head).toEqual(all.slice(0, head.length));
          db.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  test('reads only up to the limit: distinct times give exactly limit - 1 rows (the last time may be cut)', async () => {
    const db = openDb(`inbox-head-${n++}`);
    await db.conversations.bulkPut(
      Array.from({ length: 500 }, (_, i) =>
        storedConversation('whatsapp', `c${i}`, { title: `C${i}`, lastMessageAt: 1_700_000_000_000 - i * 1000 }),
      ),
    );
    const head = await inboxHead(db, 50);
    expect(head.map((c) => c.title)).toEqual(Array.from({ length: 49 }, (_, i) => `C${i}`));
  });
});

describe('inbox', () => {
  test('read in chunks, gives every conversation of the table once, in the same order as one read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ time: fc.integer({ min: 0, max: 9 }), archived: fc.boolean() }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 35 }),
        async (rows, chunk) => {
          const db = openDb(`inbox-chunks-${n++}`);
          await db.conversations.bulkPut(
            rows.map((r, i) => storedConversation(PLATFORMS[i % 3]!, `c${i}`, { lastMessageAt: r.time * 60_000, archived: r.archived })),
          );
          const whole = (await inbox(db, 1_000_000)).map((c) => c.id);
          expect(whole).toHaveLength(rows.filter((r) => !r.archived).length);
          expect((await inbox(db, chunk)).map((c) => c.id)).toEqual(whole);
          db.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('live queries in a page', () => {
  test('keep no Dexie result cache (one copy of each result) and still follow a write from another connection', async () => {
    const name = `live-query-${n++}`;
    const page = openDb(name);
    const writer = openDb(name); // the background's connection
    await writer.conversations.put(storedConversation('whatsapp', 'a', { lastMessageAt: 1 }));
    const seen: string[][] = [];
    const sub = liveQuery(() => inbox(page)).subscribe((list) => seen.push(list.map((c) => c.id)));
    await expect.poll(() => seen.length).toBe(1);
    // Dexie's default cache keeps each live result and hands out deep copies: two lists in memory.
    expect(Object.keys(Dexie.cache).filter((k) => k.startsWith(`idb://${name}/`))).toEqual([]);
    await writer.conversations.put(storedConversation('messenger', 'b', { lastMessageAt: 2 }));
    await expect.poll(() => seen.at(-1)).toEqual(['messenger:b', 'whatsapp:a']);
    sub.unsubscribe();
    page.close();
    writer.close();
  });
});
