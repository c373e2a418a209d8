import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { Message } from '../../../lib/shared/model';
import { emptyStats, searchMessages, tokenize, type DocKey } from '../../../lib/store/search';
import { indexMessages, unindexMessages } from '../../../lib/store/search-index';
import { BLOCK_KEYS, cmpKey, compactSearchIndex, DENSE_MIN, FRESH_KEEP } from '../../../lib/store/search-blocks';
import { afterStored, compactionState } from '../../../lib/worker/search-compaction';
import { rng } from '../../../bench/data';
import { storedConversation, storedMessage } from '../helpers/factories';

const T0 = Date.UTC(2026, 10, 20, 9, 0);
const MINUTE = 60_000;
let db: InboxDb;
let n = 0;
let messages: Message[];

// Frequent words (each in about a third of the messages: dense), rarer ones, over 3,000 messages
// spread over 1,000 minutes, many at equal times.
const common = ['kopi', 'sama', 'sampai', 'besok', 'makan', 'kantor'];
const rare = ['sarapan', 'bandara', 'kopdar'];

const chats = Array.from({ length: 30 }, (_, i) => storedConversation('whatsapp', `c${i}`));

function message(i: number, text: string, minute: number): Message {
  return storedMessage(chats[i % 30]!, `m${i}`, i, { text, sentAt: T0 + minute * MINUTE, firstSeenAt: T0, updatedAt: T0 });
}

async function write(list: Message[], previous = new Map<string, Message>()): Promise<void> {
  await db.transaction('rw', db.messages, db.searchDocs, db.searchWords, db.searchDense, async () => {
    await db.messages.bulkPut(list);
    await indexMessages(db, list, previous);
  });
  for (const m of list) {
    const at = messages.findIndex((o) => o.id === m.id);
    if (at >= 0) messages[at] = m;
    else messages.push(m);
  }
}

function reference(query: string, limit: number): string[] {
  const words = tokenize(query, 8);
  return messages
    .filter((m) => !m.encrypted)
    .filter((m) => words.every((w) => tokenize(m.text).some((t) => t.startsWith(w))))
    .sort((a, b) => b.sentAt! - a.sentAt! || (a.id < b.id ? -1 : 1))
    .slice(0, limit)
    .map((m) => m.id);
}

const queries = ['kopi sama', 'kopi sama besok', 'makan kantor', 'sam kop', 'sarapan kopi', 'kopi', 'kopdar', 'besok zzz'];

async function expectAllQueriesRight(): Promise<void> {
  for (const q of queries)
    for (const limit of [50, 7, 400])
      expect(
        (await searchMessages(db, q, limit)).map((h) => h.message.id),
        `${q} / ${limit}`,
      ).toEqual(reference(q, limit));
}

/** Every dense word's blocks hold exactly its index keys from its boundary back, in index order, cut to size. */
async function expectBlocksExact(): Promise<void> {
  for (const d of await db.searchDense.toArray()) {
    const blocks = await db.searchBlocks.where('[term+first+firstId]').between([d.term, -Infinity], [d.term, Infinity]).toArray();
    const packed: DocKey[] = blocks.flatMap((b) => b.ids.map((id, i): DocKey => [b.ranks[i]!, id]));
    const indexed = ((await db.searchDocs.where('terms').equals(d.term).primaryKeys()) as DocKey[]).filter(
      (k) => cmpKey(k, d.sealedTo) >= 0,
    );
    expect(packed, d.term).toEqual(indexed);
    expect(packed.every((k, i) => i === 0 || cmpKey(packed[i - 1]!, k) < 0)).toBe(true);
    for (const b of blocks) {
      expect([b.first, b.firstId]).toEqual([b.ranks[0], b.ids[0]]);
      expect(b.ids.length).toBeLessThanOrEqual(2 * BLOCK_KEYS);
    }
  }
}

beforeEach(async () => {
  db = openDb(`search-blocks-${n++}`);
  await db.open();
  await db.conversations.bulkPut(chats);
  const r = rng(11);
  messages = [];
  const list: Message[] = [];
  for (let i = 0; i < 3_000; i++) {
    const words = [common[Math.floor(r() * 6)]!, common[Math.floor(r() * 6)]!, `w${Math.floor(r() * 500)}`];
    if (r() < 0.01) words.push(rare[Math.floor(r() * 3)]!);
    list.push(message(i, words.join(' '), Math.floor(r() * 1_000)));
  }
  await write(list);
});

describe('posting blocks', () => {
  test('compaction gives the frequent words blocks of their keys but the newest FRESH_KEEP records; queries read them and equal a full scan', async () => {
    await expectAllQueriesRight();
    const unsealed = emptyStats();
    await searchMessages(db, 'kopi sama', 50, unsealed);
    const report = await compactSearchIndex(db);
    const dense = (await db.searchDense.toArray()).map((d) => d.term).sort();
    expect(dense).toEqual([...common].sort());
    expect(report.built).toBe(6);
    const keys = (await db.searchDocs.orderBy(':id').primaryKeys()) as DocKey[];
    expect(report.sealedTo).toEqual(keys[FRESH_KEEP]);
    for (const d of await db.searchDense.toArray()) {
      expect(await db.searchDocs.where('terms').equals(d.term).count()).toBeGreaterThanOrEqual(DENSE_MIN);
      expect(d.sealedTo).toEqual(report.sealedTo);
    }
    await expectBlocksExact();
    await expectAllQueriesRight();
    // Two frequent words: their newest hour from the index, the rest from blocks.
    const stats = emptyStats();
    await searchMessages(db, 'kopi sama', 50, stats);
    expect(stats.blockKeys).toBeGreaterThan(0);
    expect(stats.keysRead).toBeLessThan(unsealed.keysRead / 2);
  });

  test('new messages stay out of the blocks; a write into a sealed part drops the word until the next compaction rebuilds it', async () => {
    await compactSearchIndex(db);
    // Newer than everything: the index alone holds them, every word stays dense.
    await write([message(5_000, 'kopi sama baru', 1_200), message(5_001, 'kopi makan', 1_201)]);
    expect((await db.searchDense.toArray()).length).toBe(6);
    await expectAllQueriesRight();
    // An older message swept in: its words' sealed parts change.
    await write([message(5_002, 'kopi besok lama', 10)]);
    expect((await db.searchDense.toArray()).map((d) => d.term).sort()).toEqual(['kantor', 'makan', 'sama', 'sampai']);
    await expectAllQueriesRight();
    // An edit in the sealed part that drops a word (and keeps another under the same key).
    const old = messages.find(
      (m) => m.sentAt! < T0 + 500 * MINUTE && m.text.includes('sama') && m.text.includes('makan') && !m.text.includes('kantor'),
    )!;
    await write([{ ...old, text: old.text.replace(/sama/g, 'tadi') }], new Map([[old.id, old]]));
    const left = (await db.searchDense.toArray()).map((d) => d.term);
    expect(left).not.toContain('sama');
    expect(left).toContain('makan');
    await expectAllQueriesRight();
    // A time that moved, and a message taken out of the index (encrypted).
    const moved = messages.find((m) => m.sentAt! < T0 + 500 * MINUTE && m.text.includes('kantor'))!;
    await write([{ ...moved, sentAt: T0 + 100 * MINUTE }], new Map([[moved.id, moved]]));
    expect((await db.searchDense.toArray()).map((d) => d.term)).not.toContain('kantor');
    const sealed = messages.find((m) => m.sentAt! < T0 + 500 * MINUTE && m.text.includes('sampai'))!;
    await db.transaction('rw', db.messages, db.searchDocs, db.searchDense, async () => {
      await db.messages.put({ ...sealed, encrypted: true });
      await unindexMessages(db, [sealed.id]);
    });
    messages[messages.findIndex((m) => m.id === sealed.id)] = { ...sealed, encrypted: true };
    expect((await db.searchDense.toArray()).map((d) => d.term)).not.toContain('sampai');
    await expectAllQueriesRight();
    // A compaction with no budget left rebuilds none of them, and deletes their blocks.
    const dropped = await compactSearchIndex(db, 0);
    expect(dropped).toMatchObject({ built: 0, deferred: 5, orphans: 5 });
    const blockWords = new Set(((await db.searchBlocks.toCollection().primaryKeys()) as [string, number, string][]).map((k) => k[0]));
    expect([...blockWords]).toEqual(['makan']);
    // The next compaction rebuilds them.
    const report = await compactSearchIndex(db);
    expect(report.built).toBe(5);
    expect((await db.searchDense.toArray()).length).toBe(6);
    await expectBlocksExact();
    await expectAllQueriesRight();
  });

  test('a write of many words (past the few read by key) drops the same sealed words from the whole dense table', async () => {
    await compactSearchIndex(db);
    const filler = (i: number) => Array.from({ length: 70 }, (_, k) => `isi${i}x${k}`).join(' ');
    // Newer than everything, 140 words: nothing sealed changes.
    await write([message(6_000, `kopi ${filler(1)}`, 1_300), message(6_001, `makan ${filler(2)}`, 1_301)]);
    expect((await db.searchDense.toArray()).length).toBe(6);
    // One old message among them: only its dense word goes.
    await write([message(6_002, `besok ${filler(3)}`, 1_302), message(6_003, `kantor ${filler(4)}`, 12)]);
    expect((await db.searchDense.toArray()).map((d) => d.term).sort()).toEqual(['besok', 'kopi', 'makan', 'sama', 'sampai']);
    await expectAllQueriesRight();
  });

  test('a later compaction moves the boundary: the keys between go into the newest block, cut when it grows past twice a block', async () => {
    await compactSearchIndex(db);
    const before = new Map((await db.searchDense.toArray()).map((d) => [d.term, d.sealedTo]));
    const r = rng(5);
    const later: Message[] = [];
    for (let i = 0; i < 4_000; i++)
      later.push(message(10_000 + i, `kopi ${common[Math.floor(r() * 6)]} w${i % 50}`, 1_000 + Math.floor(i / 2)));
    await write(later);
    const report = await compactSearchIndex(db);
    expect(report.extended).toBe(6);
    for (const d of await db.searchDense.toArray()) expect(cmpKey(d.sealedTo, before.get(d.term)!)).toBeLessThan(0);
    await expectBlocksExact();
    await expectAllQueriesRight();
    // "kopi" took in ~4,000 keys: more than one block.
    expect(await db.searchBlocks.where('[term+first+firstId]').between(['kopi', -Infinity], ['kopi', Infinity]).count()).toBeGreaterThan(2);
  });

  test('the worker seals after COMPACT_EVERY stored messages, and once per worker life when that many are unsealed', async () => {
    const state = compactionState();
    const log = (): void => {};
    // First call of a worker life: 3,000 unsealed records, so it runs.
    expect(await afterStored(db, state, 10, log)).toMatchObject({ built: 6 });
    expect(afterStored(db, state, 10, log)).toBeNull(); // checked, and 10 since
    // A fresh worker (new state) over a sealed store: counts, finds few unsealed, does nothing.
    expect(await afterStored(db, compactionState(), 1, log)).toBeNull();
    expect(await afterStored(db, state, 2_000, log)).not.toBeNull();
  });
});

test('a compaction builds within its budget, the most frequent words first; the next builds the rest', async () => {
  const first = await compactSearchIndex(db, 1);
  expect(first.built).toBe(1);
  expect(first.deferred).toBe(5);
  const [only] = await db.searchDense.toArray();
  // The word seen most in the newest records.
  const counts = await Promise.all(common.map(async (w) => [w, await db.searchDocs.where('terms').equals(w).count()] as const));
  expect(common).toContain(only!.term);
  expect(counts.find(([w]) => w === only!.term)![1]).toBeGreaterThan(DENSE_MIN);
  await expectAllQueriesRight();
  const rest = await compactSearchIndex(db);
  expect(rest).toMatchObject({ built: 5, deferred: 0 });
  await expectBlocksExact();
  await expectAllQueriesRight();
});

test('thousands of keys under one time (undated messages, stored at one first sighting) span several blocks, none lost', async () => {
  const undated: Message[] = [];
  for (let i = 0; i < 3_500; i++)
    undated.push({ ...message(20_000 + i, `kopi w${i % 40} ${i % 3 ? 'sama' : 'makan'}`, 0), sentAt: null, firstSeenAt: T0 - 10 * MINUTE });
  await write(undated);
  await compactSearchIndex(db);
  await expectBlocksExact();
  const kopi = await db.searchBlocks.where('[term+first+firstId]').between(['kopi', -Infinity], ['kopi', Infinity]).toArray();
  expect(kopi.filter((b) => b.first === -(T0 - 10 * MINUTE)).length).toBeGreaterThan(1);
  for (const q of ['kopi makan', 'kopi sama', 'makan kopi w1']) {
    for (const limit of [50, 3_000]) {
      const got = (await searchMessages(db, q, limit)).map((h) => h.message.id);
      // Undated messages sort by their first sighting, as the index ranks them.
      const words = tokenize(q, 8);
      const want = messages
        .filter((m) => words.every((w) => tokenize(m.text).some((t) => t.startsWith(w))))
        .sort((a, b) => (b.sentAt ?? b.firstSeenAt) - (a.sentAt ?? a.firstSeenAt) || (a.id < b.id ? -1 : 1))
        .slice(0, limit)
        .map((m) => m.id);
      expect(got, `${q} / ${limit}`).toEqual(want);
    }
  }
});
