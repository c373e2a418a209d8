// Posting blocks: the index keys of a frequent word, packed a thousand or so to a record. Reading a
// word's keys from the multiEntry index costs ~7 µs a key in Chromium (1,000 keys 6.7–7.0 ms,
// numeric or compound keys alike), while one record of 1,024 packed keys reads in ~0.4 ms and four
// in ~0.6: the queries that read deep lists (two frequent words) spend their time there.
//
// A dense word (one held by at least DENSE_MIN records) gets blocks holding its keys from a
// boundary key back (its sealed part: all but the store's newest FRESH_KEEP records); its newer
// keys stay in the index alone. The boundary is a whole key, not a time: a first scrape stores
// thousands of undated messages under one time (when they were first seen). A query reads a dense word's newer keys from the index (few) and the rest from its
// blocks. The worker seals in the background (compactSearchIndex) after every COMPACT_EVERY
// records it indexes; a write into a word's sealed part (an older message swept in, an edit,
// a deletion, a time that moved) drops the word's dense record in the same transaction, so its
// blocks are never read stale: the word is read from the index until the next compaction rebuilds it.
import type { Table } from 'dexie';
import type { InboxDb } from './db';
import type { DocKey, SearchDoc } from './search-doc';

/** A dense word's record: its keys from sealedTo on (in index order: as old or older) are in its blocks, the newer only in the index. */
export interface DenseWord {
  term: string;
  sealedTo: DocKey;
}

/** Keys of one word, sorted as the index sorts them ([rank, id] ascending: newest first). */
export interface PostingBlock {
  term: string;
  /**
   * The block's first (newest) key, rank and id: with the term, the primary key. Both, because
   * thousands of keys can share one rank (undated messages stored at one first sighting).
   */
  first: number;
  firstId: string;
  ranks: Float64Array;
  ids: string[];
}

export type BlockKey = [string, number, string];

/** Records holding a word before it gets blocks (below, its index list is short enough to read). */
export const DENSE_MIN = 512;
/** Keys per block when a word's keys are cut into blocks; a block grows to twice this before it is cut. */
export const BLOCK_KEYS = 1_024;
/** The store's newest records left to the index alone, so messages arriving after a compaction never touch a block. */
export const FRESH_KEEP = 500;
/** The meta record holding the last compaction's boundary. */
export const SEALED_META = 'searchSealedTo';
/** The meta record holding the index's record count as the last compaction estimated it. */
const TOTAL_META = 'searchSealedTotal';
/** Records indexed since the last compaction that start the next. */
export const COMPACT_EVERY = 2_000;
/** Newest records sampled to find words that may have become dense. */
const SAMPLE_DOCS = 4_000;
/**
 * Keys one compaction reads to build words' blocks (~20 µs a key in Chromium, so ~5 s); words past
 * it are built by the next compaction.
 */
export const BUILD_BUDGET = 250_000;
/** A word seen fewer times in the sample gets no blocks (too few to estimate from). */
const SAMPLE_MIN = 8;

/**
 * A write touching at most this many distinct words reads their dense records by key (one get
 * each, pipelined) instead of the whole dense table (~180 records at 25,000 messages and more).
 */
const FEW_WORDS = 64;

/** Index order of two keys: by rank (newest first), then id. */
export const cmpKey = (a: DocKey, b: DocKey): number => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** What a write changes in the index: a record's key and words. */
export type IndexEntry = Pick<SearchDoc, 'rank' | 'messageId' | 'terms'>;

/**
 * Drop the dense record of every word a write changes in its sealed part. Call inside the
 * transaction that writes the index records (it must include `searchDense`): `added` are the
 * records written, `removed` gives the records they replace or that are deleted (with their
 * words); a large write calls it only when the store has dense words (deriving those records
 * tokenizes the old texts, which a store without blocks never needs). A record rewritten under the
 * same key with the same word changes nothing for that word. A small write (a page's live batch)
 * reads the dense records of its own words only, not every dense word's.
 */
export async function dropSealedWords(db: InboxDb, added: readonly IndexEntry[], removed: () => readonly IndexEntry[]): Promise<void> {
  const words = new Set(added.flatMap((d) => d.terms));
  let replaced: readonly IndexEntry[] | null = null;
  if (words.size <= FEW_WORDS) {
    replaced = removed();
    for (const d of replaced) for (const t of d.terms) words.add(t);
  }
  const dense =
    words.size <= FEW_WORDS
      ? (await db.searchDense.bulkGet([...words])).filter((d): d is DenseWord => d !== undefined)
      : await db.searchDense.toArray();
  if (!dense.length) return;
  const sealedTo = new Map(dense.map((d) => [d.term, d.sealedTo]));
  const entries = (docs: readonly IndexEntry[]) => {
    const out = new Set<string>();
    for (const d of docs) {
      for (const t of d.terms) {
        const from = sealedTo.get(t);
        if (from && cmpKey([d.rank, d.messageId], from) >= 0) out.add(`${t}\u0000${d.rank}\u0000${d.messageId}`);
      }
    }
    return out;
  };
  const plus = entries(added);
  const minus = entries(replaced ?? removed());
  const drop = new Set<string>();
  for (const e of plus) if (!minus.has(e)) drop.add(e.slice(0, e.indexOf('\u0000')));
  for (const e of minus) if (!plus.has(e)) drop.add(e.slice(0, e.indexOf('\u0000')));
  if (drop.size) await db.searchDense.bulkDelete([...drop]);
}

export interface CompactionReport {
  /** Words given blocks for the first time (or rebuilt after a write into their sealed part): those estimated from the sample to hold DENSE_MIN records or more. */
  built: number;
  /** Dense words whose blocks took in the keys between their old and new boundary. */
  extended: number;
  /** Words that should have blocks but were left for the next compaction (BUILD_BUDGET). */
  deferred: number;
  /** Words whose blocks were deleted: their dense record was dropped and they were not rebuilt. */
  orphans: number;
  sealedTo: DocKey | null;
  ms: number;
  /** Where the time went: extending, sampling the newest records, sizing the store (countMs), building and deleting orphaned blocks. */
  phases: { extendMs: number; sampleMs: number; countMs: number; buildMs: number; keysBuilt: number };
}

/**
 * Seal the index up to its newest FRESH_KEEP records: extend every dense word's blocks to the new boundary, and
 * give blocks to the words of the newest records that have become dense. One transaction per word,
 * so a worker stopped midway leaves every word either sealed to its old boundary or its new one.
 */
export async function compactSearchIndex(db: InboxDb, buildBudget = BUILD_BUDGET): Promise<CompactionReport> {
  const t0 = performance.now();
  const phases = { extendMs: 0, sampleMs: 0, countMs: 0, buildMs: 0, keysBuilt: 0 };
  const report: CompactionReport = { built: 0, extended: 0, deferred: 0, orphans: 0, sealedTo: null, ms: 0, phases };
  let t = performance.now();
  const lap = (): number => {
    const was = t;
    t = performance.now();
    return t - was;
  };
  const first = (await db.searchDocs.orderBy(':id').offset(FRESH_KEEP).limit(1).primaryKeys())[0] as DocKey | undefined;
  if (!first) return { ...report, ms: performance.now() - t0 };
  lap();
  const boundary: DocKey = [first[0], first[1]];
  report.sealedTo = boundary;
  const dense = new Map((await db.searchDense.toArray()).map((d) => [d.term, d.sealedTo]));
  for (const [term, sealedTo] of dense) {
    if (cmpKey(sealedTo, boundary) <= 0) continue;
    if (await extendWord(db, term, sealedTo, boundary)) report.extended++;
  }
  phases.extendMs += lap();
  const sample = await db.searchDocs.orderBy(':id').limit(SAMPLE_DOCS).toArray();
  const seen = new Map<string, number>();
  for (const d of sample) for (const w of d.terms) seen.set(w, (seen.get(w) ?? 0) + 1);
  phases.sampleMs += lap();
  // A word's share of the sample, times the store's size, estimates its records (counting them in
  // the index costs as much as reading their keys: ~10 µs a key). The estimate only decides which
  // words get blocks, never what a query finds.
  const total = await storeSize(db);
  phases.countMs += lap();
  // The most frequent first (the costliest to read from the index), within the budget: the
  // others wait for the next compaction (a sweep of old messages can drop every dense word).
  const wanted = [...seen]
    .filter(([term, n]) => n >= SAMPLE_MIN && !dense.has(term) && (n / sample.length) * total >= DENSE_MIN)
    .sort((a, b) => b[1] - a[1]);
  for (const [term] of wanted) {
    if (phases.keysBuilt >= buildBudget) break;
    phases.keysBuilt += await buildWord(db, term, boundary);
    report.built++;
  }
  report.deferred = wanted.length - report.built;
  report.orphans = await dropOrphanBlocks(db);
  phases.buildMs += lap();
  await db.meta.bulkPut([
    { key: SEALED_META, value: boundary },
    { key: TOTAL_META, value: total },
  ]);
  report.ms = performance.now() - t0;
  return report;
}

/** Delete the blocks of words without a dense record (dropped by a write, not rebuilt): one read of the blocks' keys. */
async function dropOrphanBlocks(db: InboxDb): Promise<number> {
  return db.transaction('rw', [db.searchBlocks, db.searchDense], async () => {
    const withBlocks = new Set(((await db.searchBlocks.toCollection().primaryKeys()) as BlockKey[]).map((k) => k[0]));
    const dense = new Set(await db.searchDense.toCollection().primaryKeys());
    const orphans = [...withBlocks].filter((t) => !dense.has(t));
    for (const term of orphans) await blocksOf(db.searchBlocks, term).delete();
    return orphans.length;
  });
}

/**
 * The index's record count, for the density estimate. Counting 250,000 records takes ~0.7 s in
 * Chromium, so only the first compaction counts them all; a later one adds the records newer than
 * the last boundary (a short range) to what the last one left sealed. Approximate (records deleted
 * or swept in below the boundary meanwhile are not seen), which an estimate can be.
 */
async function storeSize(db: InboxDb): Promise<number> {
  const [boundary, total] = await db.meta.bulkGet([SEALED_META, TOTAL_META]);
  if (!Array.isArray(boundary?.value) || typeof total?.value !== 'number') return db.searchDocs.count();
  const newer = await db.searchDocs
    .where(':id')
    .below(boundary.value as DocKey)
    .count();
  return Math.max(0, total.value - FRESH_KEEP) + newer;
}

/** Give a word blocks of all its keys from the boundary on (replacing any it had); returns the keys read. */
async function buildWord(db: InboxDb, term: string, boundary: DocKey): Promise<number> {
  return db.transaction('rw', [db.searchDocs, db.searchBlocks, db.searchDense], async () => {
    const keys = (await db.searchDocs.where('terms').equals(term).primaryKeys()) as DocKey[];
    const sealed = keys.filter((k) => cmpKey(k, boundary) >= 0);
    await blocksOf(db.searchBlocks, term).delete();
    await db.searchBlocks.bulkPut(cut(term, sealed));
    await db.searchDense.put({ term, sealedTo: boundary });
    return keys.length;
  });
}

/**
 * Move a dense word's boundary from `from` to the newer `to`: its keys in between go into its
 * newest block (cut in two when it passes twice BLOCK_KEYS). False when the word lost its dense
 * record meanwhile (a write into its sealed part): the next compaction rebuilds it.
 */
async function extendWord(db: InboxDb, term: string, from: DocKey, to: DocKey): Promise<boolean> {
  return db.transaction('rw', [db.searchDocs, db.searchBlocks, db.searchDense], async () => {
    const still = await db.searchDense.get(term);
    if (!still || cmpKey(still.sealedTo, from) !== 0) return false;
    // The keys between the boundaries are among the word's newest: read deeper until past `from`.
    let keys: DocKey[] = [];
    for (let ask = 256; ; ask *= 4) {
      keys = (await db.searchDocs.where('terms').equals(term).limit(ask).primaryKeys()) as DocKey[];
      if (keys.length < ask || cmpKey(keys[keys.length - 1]!, from) >= 0) break;
    }
    const fresh = keys.filter((k) => cmpKey(k, to) >= 0 && cmpKey(k, from) < 0);
    if (fresh.length) {
      const newest = await blocksOf(db.searchBlocks, term).first();
      const ranks = [...fresh.map((k) => k[0]), ...(newest ? newest.ranks : [])];
      const ids = [...fresh.map((k) => k[1]), ...(newest ? newest.ids : [])];
      if (newest) await db.searchBlocks.delete([term, newest.first, newest.firstId]);
      const merged = ranks.map((r, i): DocKey => [r, ids[i]!]);
      await db.searchBlocks.bulkPut(merged.length > 2 * BLOCK_KEYS ? cut(term, merged) : cut(term, merged, merged.length));
    }
    await db.searchDense.put({ term, sealedTo: to });
    return true;
  });
}

const blocksOf = (table: Table<PostingBlock, BlockKey>, term: string) =>
  table.where('[term+first+firstId]').between([term, -Infinity], [term, Infinity]);

/** Keys (sorted) cut into blocks of `size`. */
function cut(term: string, keys: readonly DocKey[], size = BLOCK_KEYS): PostingBlock[] {
  const out: PostingBlock[] = [];
  for (let i = 0; i < keys.length; i += size) {
    const part = keys.slice(i, i + size);
    out.push({ term, first: part[0]![0], firstId: part[0]![1], ranks: Float64Array.from(part, (k) => k[0]), ids: part.map((k) => k[1]) });
  }
  return out;
}

/**
 * The newest `count` keys of a dense word from a query's transaction: its newer keys from the
 * index, then its blocks. Returns the keys and how many came from each.
 */
export async function denseNewestKeys(
  tx: IDBTransaction,
  request: <T>(r: IDBRequest<T>) => Promise<T>,
  term: string,
  sealedTo: DocKey,
  count: number,
  newerRead?: Map<string, DocKey[]>,
): Promise<{ keys: DocKey[]; fromIndex: number; fromBlocks: number }> {
  const index = tx.objectStore('searchDocs').index('terms');
  const blocks = tx.objectStore('searchBlocks');
  const range = IDBKeyRange.bound([term, -Infinity], [term, Infinity]);
  // The word's keys newer than the boundary, once read whole (the query's earlier round), are kept.
  const known = newerRead?.get(term);
  const head = Math.min(count, 64);
  let blockCount = Math.ceil(count / BLOCK_KEYS) + 1;
  const [indexKeys, firstBlocks] = await Promise.all([
    known ? Promise.resolve(null) : (request(index.getAllKeys(IDBKeyRange.only(term), head)) as Promise<DocKey[]>),
    request(blocks.getAll(range, blockCount)) as Promise<PostingBlock[]>,
  ]);
  let fromIndex = indexKeys?.length ?? 0;
  let newer = known ?? indexKeys!.filter((k) => cmpKey(k, sealedTo) < 0);
  // Every key read is newer than the boundary (messages came since the compaction): read deeper,
  // four times as far each time, until the boundary or the count is reached.
  let ask = head;
  while (!known && newer.length === ask && ask < count) {
    ask = Math.min(count, ask * 4);
    const deeper = (await request(index.getAllKeys(IDBKeyRange.only(term), ask))) as DocKey[];
    fromIndex += deeper.length;
    newer = deeper.filter((k) => cmpKey(k, sealedTo) < 0);
  }
  if (!known && newer.length < ask) newerRead?.set(term, newer); // read to the boundary (or the word's end)
  const keys = newer.slice(0, count);
  let read = firstBlocks;
  let fromBlocks = 0;
  for (;;) {
    for (const b of read) {
      for (let i = 0; i < b.ids.length && keys.length < count; i++) keys.push([b.ranks[i]!, b.ids[i]!]);
      fromBlocks += b.ids.length;
    }
    if (keys.length >= count || read.length < blockCount) break;
    const last = read[read.length - 1]!;
    blockCount *= 2;
    read = (await request(
      blocks.getAll(IDBKeyRange.bound([term, last.first, last.firstId], [term, Infinity], true), blockCount),
    )) as PostingBlock[];
  }
  return { keys, fromIndex, fromBlocks };
}
