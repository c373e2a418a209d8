// The live conversation list reads again only what a write changed, and always equals a fresh
// inbox(): writes from another connection (the background's) of every kind Dexie reports.
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { changedConversations, PATCH_MAX, patchInbox, watchInbox } from '../../../lib/store/inbox-live';
import { inbox } from '../../../lib/store/queries';
import type { Conversation, Platform } from '../../../lib/shared/model';
import { storedConversation } from '../helpers/factories';

const PLATFORMS: Platform[] = ['whatsapp', 'instagram', 'messenger'];
let n = 0;
const open: InboxDb[] = [];
const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  for (const db of open.splice(0)) db.close();
});

function pair(): { page: InboxDb; writer: InboxDb } {
  const name = `inbox-live-${n++}`;
  const page = openDb(name);
  const writer = openDb(name);
  open.push(page, writer);
  return { page, writer };
}

function watch(page: InboxDb): { latest: () => Conversation[] | null; errors: unknown[] } {
  let latest: Conversation[] | null = null;
  const errors: unknown[] = [];
  stops.push(
    watchInbox(
      page,
      (list) => (latest = list),
      (e) => errors.push(e),
    ),
  );
  return { latest: () => latest, errors };
}

const ids = (list: readonly Conversation[] | null) => list?.map((c) => c.id) ?? null;

const conv = (i: number, over: Partial<Conversation> = {}) =>
  storedConversation(PLATFORMS[i % 3]!, `c${i}`, { title: ['Ana', 'Budi', 'Citra'][i % 3]!, ...over });

describe('watchInbox', () => {
  test('after any sequence of writes from another connection, the list equals a fresh inbox()', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('put' as const),
        at: fc.integer({ min: 0, max: 11 }),
        time: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), // few values: many ties
        rank: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
        archived: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.integer({ min: 0, max: 11 }) }),
      fc.record({ kind: fc.constant('deleteRange' as const), at: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('bulk' as const), time: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('update' as const), at: fc.integer({ min: 0, max: 11 }), time: fc.integer({ min: 0, max: 5 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), fc.boolean(), async (ops, settleFirst) => {
        const { page, writer } = pair();
        await writer.conversations.bulkPut([0, 1, 2, 3].map((i) => conv(i, { lastMessageAt: i })));
        const seen = watch(page);
        if (settleFirst) await expect.poll(seen.latest).not.toBeNull();
        for (const o of ops) {
          const t = (x: number | null) => (x === null ? null : 1_700_000_000_000 + x * 60_000);
          if (o.kind === 'put')
            await writer.conversations.put(conv(o.at, { lastMessageAt: t(o.time), listRank: o.rank, archived: o.archived }));
          else if (o.kind === 'delete') await writer.conversations.delete(conv(o.at).id);
          else if (o.kind === 'deleteRange') await writer.conversations.where('platform').equals(PLATFORMS[o.at]!).delete();
          else if (o.kind === 'update') await writer.conversations.update(conv(o.at).id, { lastMessageAt: t(o.time) });
          // 50 or more in one write: Dexie reports the whole table.
          else await writer.conversations.bulkPut(Array.from({ length: 60 }, (_, i) => conv(100 + i, { lastMessageAt: t(o.time) })));
        }
        const expected = ids(await inbox(writer));
        await expect.poll(() => ids(seen.latest())).toEqual(expected);
        expect(seen.errors).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  test('a write of one conversation reads that conversation, not the whole table again', async () => {
    const { page, writer } = pair();
    await writer.conversations.bulkPut(Array.from({ length: 300 }, (_, i) => conv(i, { lastMessageAt: i })));
    const whole = vi.spyOn(page.conversations, 'limit'); // a whole read's first request (inbox())
    const one = vi.spyOn(page.conversations, 'bulkGet');
    const seen = watch(page);
    await expect.poll(() => seen.latest()?.length).toBe(300);
    expect(whole).toHaveBeenCalledTimes(1);
    await writer.conversations.put(conv(5, { lastMessageAt: 1_000, title: 'Renamed' }));
    await expect.poll(() => seen.latest()?.[0]?.title).toBe('Renamed');
    await writer.conversations.update(conv(7).id, { archived: true });
    await expect.poll(() => seen.latest()?.length).toBe(299);
    expect(whole).toHaveBeenCalledTimes(1);
    expect(one.mock.calls.map(([keys]) => keys)).toEqual([[conv(5).id], [conv(7).id]]);
  });

  test('a failed read is reported, and the next write reads the whole list again', async () => {
    const { page, writer } = pair();
    await writer.conversations.put(conv(1, { lastMessageAt: 1 }));
    const whole = vi.spyOn(page.conversations, 'limit').mockImplementationOnce(() => {
      throw new Error('disk');
    });
    const seen = watch(page);
    await expect.poll(() => seen.errors.length).toBe(1);
    expect(seen.latest()).toBeNull();
    await writer.conversations.put(conv(2, { lastMessageAt: 2 }));
    await expect.poll(() => ids(seen.latest())).toEqual([conv(2).id, conv(1).id]);
    expect(whole).toHaveBeenCalledTimes(2);
  });

  test('stops listening when stopped', async () => {
    const { page, writer } = pair();
    const seen = watch(page);
    await expect.poll(seen.latest).toEqual([]);
    stops.pop()!();
    await writer.conversations.put(conv(1, { lastMessageAt: 1 }));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.latest()).toEqual([]);
  });
});

describe('changedConversations', () => {
  test('names the written ids; a range, a bulk write, too many ids or lost track mean all; other tables nothing', () => {
    const parts = (from: string, to = from) => ({ [`idb://x/conversations/`]: { d: 1, from, to } });
    expect(changedConversations(parts('whatsapp:a') as never, 'x')).toEqual(['whatsapp:a']);
    expect(changedConversations(parts('a', 'b') as never, 'x')).toBe('all');
    expect(changedConversations({ all: true } as never, 'x')).toBe('all');
    expect(changedConversations({ 'idb://x/messages/': { d: 1, from: 'm', to: 'm' } } as never, 'x')).toBeNull();
    expect(changedConversations({ 'idb://x/conversations/': { d: 0 } } as never, 'x')).toBeNull();
  });

  test('more than PATCH_MAX ids written one by one in a transaction: the whole list', async () => {
    const { page, writer } = pair();
    const seen = watch(page);
    await expect.poll(seen.latest).toEqual([]);
    const whole = vi.spyOn(page.conversations, 'limit'); // a whole read's first request (inbox())
    await writer.transaction('rw', writer.conversations, async () => {
      for (let i = 0; i <= PATCH_MAX; i++) await writer.conversations.put(conv(i, { lastMessageAt: i }));
    });
    await expect.poll(() => seen.latest()?.length).toBe(PATCH_MAX + 1);
    expect(whole).toHaveBeenCalledTimes(1);
  });
});

describe('patchInbox', () => {
  test('puts a changed conversation where inbox() sorts it and drops a gone or archived one', () => {
    const list = [conv(3, { lastMessageAt: 3 }), conv(2, { lastMessageAt: 2 }), conv(1, { lastMessageAt: 1 })];
    const moved = conv(1, { lastMessageAt: 9 });
    const out = patchInbox(
      list,
      new Map<string, Conversation | undefined>([
        [moved.id, moved],
        [conv(2).id, undefined],
        [conv(3).id, conv(3, { archived: true })],
      ]),
    );
    expect(ids(out)).toEqual([moved.id]);
    expect(ids(list)).toEqual([conv(3).id, conv(2).id, conv(1).id]); // the caller's list is not changed
  });
});
