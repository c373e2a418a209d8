// Bench page served at the extension origin (chrome-extension://<id>/bench/store.html), so the
// store code below is the product's own (lib/store/db.ts, lib/worker/merge.ts, lib/store/search.ts on Dexie) writing
// the same IndexedDB the background and popup use. The Node driver (bench/run.ts) calls
// window.__bench through Playwright; every function returns plain numbers.
import Dexie from 'dexie';
import { getDb, openDb, provideMigrations } from '../../lib/store/db';
import { MIGRATIONS } from '../../lib/store/migrations';
import { mergeIngest } from '../../lib/worker/merge';
import { afterStored, compactionState } from '../../lib/worker/search-compaction';
import type { Conversation, Message } from '../../lib/shared/model';
import type { Ingest } from '../../lib/shared/protocol';
import { addWords, forgetWords } from '../../lib/store/search-index';
import {
  docOf,
  emptyStats,
  fold,
  searchMessages,
  FIRST_PAGE,
  termsOf,
  tokenize,
  type SearchDoc,
  type SearchStats,
  type SearchTerm,
} from '../../lib/store/search';
import { inbox } from '../../lib/store/queries';
import { compactSearchIndex, type CompactionReport } from '../../lib/store/search-blocks';
import { recordsOf, synthIngests, synthQueries, type DataSize } from '../data';

// The store page opens stores as the background does: with every upgrade function.
provideMigrations(MIGRATIONS);

const NOW = Date.UTC(2026, 10, 25, 10);

// Generated data is cached per size: generation is not what is measured.
const cache = new Map<string, { batches: Ingest[]; records: ReturnType<typeof recordsOf> }>();
function data(size: DataSize, seed: number): { batches: Ingest[]; records: ReturnType<typeof recordsOf> } {
  const key = `${size.conversations}/${size.messages}/${seed}`;
  let d = cache.get(key);
  if (!d) {
    cache.clear(); // one size at a time: 1M messages do not fit twice
    const batches = synthIngests(size, seed);
    d = { batches, records: recordsOf(batches, NOW) };
    cache.set(key, d);
  }
  return d;
}

let runSeq = 0;

/** Every batch through the real merge path (one mergeIngest per batch, as the background does). */
async function ingestMerge(
  size: DataSize,
  seed: number,
): Promise<{ ms: number; messages: number; batches: number; stored: number; docs: number; compactions: number; compactionMs: number }> {
  const { batches } = data(size, seed);
  const name = `bench-merge-${Date.now()}-${runSeq++}`;
  const db = openDb(name);
  await db.open();
  // As the worker does (lib/worker/router.ts): each merge may start a compaction of the search
  // index, which runs beside the next merges; the clock stops when the last one is done too.
  const sealing = compactionState();
  const runs = new Set<Promise<CompactionReport | null>>();
  let compactions = 0;
  let compactionMs = 0;
  const t0 = performance.now();
  for (const b of batches) {
    const r = await mergeIngest(db, b, NOW);
    const run = afterStored(db, sealing, r.messagesAdded + r.messagesUpdated, () => {});
    if (run && !runs.has(run)) {
      runs.add(run);
      void run.then((rep) => {
        if (rep) {
          compactions++;
          compactionMs += rep.ms;
        }
      });
    }
  }
  await Promise.all(runs);
  const ms = performance.now() - t0;
  const stored = await db.messages.count();
  const docs = await db.searchDocs.count();
  db.close();
  await Dexie.delete(name);
  return {
    ms,
    messages: batches.reduce((n, b) => n + (b.thread?.messages.length ?? 0), 0),
    batches: batches.length,
    stored,
    docs,
    compactions,
    compactionMs,
  };
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * A bare IndexedDB database with the product's stores and indexes (lib/store/db.ts v4: the search
 * index is `searchDocs`, keyed [rank, messageId] with a multiEntry `terms` index), no Dexie. It
 * also has v2's `searchTerms` store, for the baseline that writes the old design's rows.
 */
async function openRaw(name: string): Promise<IDBDatabase> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    const c = db.createObjectStore('conversations', { keyPath: 'id' });
    for (const i of ['platform', 'lastMessageAt', 'personId', 'updatedAt']) c.createIndex(i, i);
    const m = db.createObjectStore('messages', { keyPath: 'id' });
    m.createIndex('conversationId', 'conversationId');
    m.createIndex('[conversationId+order]', ['conversationId', 'order']);
    m.createIndex('firstSeenAt', 'firstSeenAt');
    const d = db.createObjectStore('searchDocs', { keyPath: ['rank', 'messageId'] });
    d.createIndex('terms', 'terms', { multiEntry: true });
    db.createObjectStore('searchWords'); // v6: the words, as out-of-line keys
    const t = db.createObjectStore('searchTerms', { keyPath: ['term', 'messageId'] });
    t.createIndex('term', 'term');
    t.createIndex('messageId', 'messageId');
  };
  return req(open);
}

/**
 * Baseline: the same conversation and message records put in one readwrite transaction.
 * index 'docs' also writes the search-index records the merge writes (lib/store/db.ts v4: one per
 * message; v6: and each distinct word once in searchWords), computed before the clock starts: the same records, stores and indexes as the
 * merge. 'none' writes no search index (the merge's messages alone); 'v2rows' writes v2's
 * per-word rows instead (what the old design cost).
 */
async function ingestRaw(size: DataSize, seed: number, index: 'none' | 'docs' | 'v2rows'): Promise<{ ms: number; rows: number }> {
  const { records } = data(size, seed);
  const docs: SearchDoc[] = index === 'docs' ? records.messages.flatMap((m) => docOf(m) ?? []) : [];
  const terms: SearchTerm[] = index === 'v2rows' ? records.messages.flatMap(termsOf) : [];
  const words = [...new Set(docs.flatMap((d) => d.terms))];
  const name = `bench-raw-${Date.now()}-${runSeq++}`;
  const db = await openRaw(name);
  const t0 = performance.now();
  const tx = db.transaction(['conversations', 'messages', 'searchDocs', 'searchWords', 'searchTerms'], 'readwrite', {
    durability: 'default',
  });
  const convs = tx.objectStore('conversations');
  const msgs = tx.objectStore('messages');
  const sd = tx.objectStore('searchDocs');
  const st = tx.objectStore('searchTerms');
  for (const c of records.conversations) convs.put(c);
  for (const m of records.messages) msgs.put(m);
  for (const d of docs) sd.put(d);
  const sw = tx.objectStore('searchWords');
  for (const w of words) sw.put(1, w);
  for (const t of terms) st.put(t);
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
  const ms = performance.now() - t0;
  db.close();
  await req(indexedDB.deleteDatabase(name));
  return { ms, rows: records.conversations.length + records.messages.length + docs.length + words.length + terms.length };
}

/** In-memory cost of tokenising every message for the index (part of the merge path). */
function tokenizeCost(size: DataSize, seed: number): { ms: number; docs: number; indexEntries: number } {
  const { records } = data(size, seed);
  const t0 = performance.now();
  let docs = 0;
  let entries = 0;
  for (const m of records.messages) {
    const d = docOf(m);
    if (!d) continue;
    docs++;
    entries += d.terms.length;
  }
  return { ms: performance.now() - t0, docs, indexEntries: entries };
}

/** Fill the real store (the one the popup reads) directly, records and index records, in chunks. */
async function fillStore(
  size: DataSize,
  seed: number,
  withIndex: boolean,
): Promise<{ ms: number; conversations: number; messages: number; docs: number; indexEntries: number }> {
  const db = getDb();
  await db.open();
  await Promise.all(
    [db.conversations, db.messages, db.searchDocs, db.searchWords, db.searchDense, db.searchBlocks, db.meta].map((t) => t.clear()),
  );
  forgetWords(db);
  const t0 = performance.now();
  const { records } = data(size, seed);
  let docCount = 0;
  let indexEntries = 0;
  await db.conversations.bulkPut(records.conversations);
  for (let i = 0; i < records.messages.length; i += 5_000) {
    const chunk = records.messages.slice(i, i + 5_000);
    const docs = withIndex ? chunk.flatMap((m) => docOf(m) ?? []) : [];
    docCount += docs.length;
    for (const d of docs) indexEntries += d.terms.length;
    await db.transaction('rw', [db.messages, db.searchDocs, db.searchWords, db.searchDense], async () => {
      await db.messages.bulkPut(chunk);
      if (docs.length) await db.searchDocs.bulkPut(docs);
      await addWords(db, docs);
    });
  }
  cache.clear();
  return {
    ms: performance.now() - t0,
    conversations: records.conversations.length,
    messages: records.messages.length,
    docs: docCount,
    indexEntries,
  };
}

/** Seal the filled store's index as the worker does after ingest (lib/store/search-blocks.ts), timed. */
async function compactStore(): Promise<CompactionReport & { blocks: number; dense: number; runs: number }> {
  const db = getDb();
  // The first compaction of a large store builds within its budget; the worker's next ones build
  // the rest. Run them all (the state the worker reaches), timed together.
  const t0 = performance.now();
  let report = await compactSearchIndex(db);
  const first = report;
  let runs = 1;
  let built = report.built;
  const phases = { ...report.phases };
  while (report.deferred > 0) {
    report = await compactSearchIndex(db);
    runs++;
    built += report.built;
    for (const k of Object.keys(phases) as (keyof typeof phases)[]) phases[k] += report.phases[k];
  }
  return {
    ...first,
    built,
    ms: performance.now() - t0,
    phases,
    runs,
    blocks: await db.searchBlocks.count(),
    dense: await db.searchDense.count(),
  };
}

/**
 * The conversations the popup holds while a search runs (its live list, `inbox()`, read before the
 * clock as the popup reads it at open): a search reads from the store only those it lacks.
 */
async function popupConversations(db: ReturnType<typeof getDb>): Promise<(id: string) => Conversation | undefined> {
  const byId = new Map((await inbox(db)).map((c) => [c.id, c]));
  return (id) => byId.get(id);
}

/** lib/store/search.ts against the filled store: one time per query, its hits, and what it read. */
async function searchStore(
  count: number,
  seed: number,
): Promise<{ times: number[]; hits: number[]; queries: string[]; stats: SearchStats[] }> {
  const db = getDb();
  const queries = synthQueries(count, seed);
  const held = await popupConversations(db);
  await searchMessages(db, 'warmup', 50, undefined, held);
  const times: number[] = [];
  const hits: number[] = [];
  const stats: SearchStats[] = [];
  for (const q of queries) {
    const st = emptyStats();
    const t0 = performance.now();
    // As the popup asks: the first page handed over as soon as it is loaded (timed from the stats).
    const r = await searchMessages(db, q, 50, st, held, { count: FIRST_PAGE, show: () => {} });
    times.push(performance.now() - t0);
    hits.push(r.length);
    stats.push(st);
  }
  return { times, hits, queries, stats };
}

/** Where each query word starts a word of the folded text (the index's semantics, by scanning). */
function matchesAll(folded: string, words: readonly string[]): boolean {
  for (const w of words) {
    let at = folded.indexOf(w);
    while (at > 0 && /[\p{L}\p{N}]/u.test(folded[at - 1]!)) at = folded.indexOf(w, at + 1);
    if (at < 0) return false;
  }
  return true;
}

/**
 * Baseline: the same messages held in memory (texts folded once, before the clock), each query a
 * full scan plus the same newest-first top 50.
 */
async function searchLinear(count: number, seed: number): Promise<{ times: number[]; hits: number[]; loadMs: number; messages: number }> {
  const db = getDb();
  const t0 = performance.now();
  const all = await db.messages.toArray();
  const folded = all.map((m: Message) => fold([m.text, ...m.attachments.map((a) => a.label), m.quote?.text ?? ''].join(' ')));
  const loadMs = performance.now() - t0;
  const times: number[] = [];
  const hits: number[] = [];
  for (const q of synthQueries(count, seed)) {
    const s = performance.now();
    const words = tokenize(q, 8);
    const found: Message[] = [];
    for (let i = 0; i < folded.length; i++) if (matchesAll(folded[i]!, words)) found.push(all[i]!);
    // Newest first, ties by id (toArray's order), as the index orders them.
    found.sort((a, b) => (b.sentAt ?? b.firstSeenAt) - (a.sentAt ?? a.firstSeenAt));
    const top = found.slice(0, 50);
    times.push(performance.now() - s);
    hits.push(top.length);
  }
  return { times, hits, loadMs, messages: all.length };
}

/** Whether the index's results are the scan's, message for message and in order (not timed). */
async function searchAgrees(count: number, seed: number): Promise<{ equal: number; differ: string[] }> {
  const db = getDb();
  const held = await popupConversations(db);
  const all = await db.messages.toArray();
  const folded = all.map((m: Message) => fold([m.text, ...m.attachments.map((a) => a.label), m.quote?.text ?? ''].join(' ')));
  let equal = 0;
  const differ: string[] = [];
  for (const q of synthQueries(count, seed)) {
    const words = tokenize(q, 8);
    const found: Message[] = [];
    for (let i = 0; i < folded.length; i++) if (!all[i]!.encrypted && matchesAll(folded[i]!, words)) found.push(all[i]!);
    found.sort((a, b) => (b.sentAt ?? b.firstSeenAt) - (a.sentAt ?? a.firstSeenAt));
    const want = found
      .slice(0, 50)
      .map((m) => m.id)
      .join(',');
    const got = (await searchMessages(db, q, 50, undefined, held)).map((h) => h.message.id).join(',');
    if (want === got) equal++;
    else differ.push(q);
  }
  return { equal, differ };
}

/** The popup's list query alone (lib/store/queries.ts inbox(): all conversations, filtered, sorted). */
async function inboxQuery(reps: number): Promise<{ times: number[]; conversations: number }> {
  const db = getDb();
  let n = 0;
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    n = (await inbox(db)).length;
    times.push(performance.now() - t0);
  }
  return { times, conversations: n };
}

async function messageById(id: string): Promise<boolean> {
  return !!(await getDb().messages.get(id));
}

async function clearStore(): Promise<void> {
  const db = getDb();
  await Promise.all([db.conversations.clear(), db.messages.clear(), db.searchDocs.clear(), db.searchWords.clear(), db.health.clear()]);
  forgetWords(db);
}

/**
 * Where the merge's time goes: the store's Table and Collection methods are wrapped (in this
 * page only) to add up the wall time of each IndexedDB operation by table; the merge runs them
 * one after another, so the sums split the batch time. Also returns per-batch times.
 */
async function ingestProfile(
  size: DataSize,
  seed: number,
  maxBatches: number,
): Promise<{
  totalMs: number;
  batches: number;
  messages: number;
  perBatchMs: number[];
  ops: Record<string, { ms: number; calls: number }>;
}> {
  const { batches } = data(size, seed);
  const name = `bench-profile-${Date.now()}-${runSeq++}`;
  const db = openDb(name);
  await db.open();
  const ops: Record<string, { ms: number; calls: number }> = {};
  const restore: (() => void)[] = [];
  const wrap = (proto: Record<string, unknown>, method: string, label: (self: unknown) => string) => {
    const orig = proto[method] as (...a: unknown[]) => unknown;
    proto[method] = function (this: unknown, ...a: unknown[]) {
      const t0 = performance.now();
      const r = orig.apply(this, a) as { then?: (f: (x: unknown) => unknown) => unknown };
      if (!r || typeof r.then !== 'function') return r;
      return r.then((x: unknown) => {
        const k = `${label(this)}.${method}`;
        const o = (ops[k] ??= { ms: 0, calls: 0 });
        o.ms += performance.now() - t0;
        o.calls++;
        return x;
      });
    };
    restore.push(() => (proto[method] = orig));
  };
  const tableProto = Object.getPrototypeOf(db.messages) as Record<string, unknown>;
  const collProto = Object.getPrototypeOf(db.messages.toCollection()) as Record<string, unknown>;
  const tname = (t: unknown) => (t as { name?: string }).name ?? '?';
  const cname = (c: unknown) => (c as { _ctx?: { table?: { name?: string } } })._ctx?.table?.name ?? '?';
  for (const m of ['get', 'put', 'bulkGet', 'bulkPut']) wrap(tableProto, m, tname);
  for (const m of ['first', 'last', 'toArray', 'delete', 'primaryKeys']) wrap(collProto, m, cname);
  const perBatchMs: number[] = [];
  const used = batches.slice(0, maxBatches);
  const t0 = performance.now();
  try {
    for (const b of used) {
      const s = performance.now();
      await mergeIngest(db, b, NOW);
      perBatchMs.push(performance.now() - s);
    }
  } finally {
    restore.forEach((r) => r());
  }
  const totalMs = performance.now() - t0;
  db.close();
  await Dexie.delete(name);
  return { totalMs, batches: used.length, messages: used.reduce((n, b) => n + (b.thread?.messages.length ?? 0), 0), perBatchMs, ops };
}

/**
 * The index records of the first `maxBatches` batches written three ways: Dexie bulkPut per batch
 * (as the merge does, each in its own transaction), Dexie bulkPut all at once, and raw IndexedDB
 * put in one transaction. Separates IndexedDB's cost per record from per-call overhead.
 */
async function termsWrite(
  size: DataSize,
  seed: number,
  maxBatches: number,
): Promise<{ rows: number; indexEntries: number; dexiePerBatchMs: number; dexieOnceMs: number; rawOnceMs: number }> {
  const { batches, records } = data(size, seed);
  const ids = new Set(batches.slice(0, maxBatches).flatMap((b) => b.thread?.messages.map((m) => m.nativeId) ?? []));
  const msgs = records.messages.filter((m) => ids.has(m.nativeId));
  const perBatch: SearchDoc[][] = [];
  for (let i = 0; i < msgs.length; i += 100) perBatch.push(msgs.slice(i, i + 100).flatMap((m) => docOf(m) ?? []));
  const all = perBatch.flat();
  const run = async (fn: (db: ReturnType<typeof openDb>) => Promise<void>) => {
    const name = `bench-terms-${Date.now()}-${runSeq++}`;
    const db = openDb(name);
    await db.open();
    const t0 = performance.now();
    await fn(db);
    const ms = performance.now() - t0;
    db.close();
    await Dexie.delete(name);
    return ms;
  };
  const dexiePerBatchMs = await run(async (db) => {
    for (const rows of perBatch) await db.transaction('rw', db.searchDocs, () => db.searchDocs.bulkPut(rows));
  });
  const dexieOnceMs = await run(async (db) => {
    await db.searchDocs.bulkPut(all);
  });
  const name = `bench-terms-raw-${Date.now()}-${runSeq++}`;
  const raw = await openRaw(name);
  const t0 = performance.now();
  const tx = raw.transaction('searchDocs', 'readwrite');
  for (const d of all) tx.objectStore('searchDocs').put(d);
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
  const rawOnceMs = performance.now() - t0;
  raw.close();
  await req(indexedDB.deleteDatabase(name));
  return { rows: all.length, indexEntries: all.reduce((n, d) => n + d.terms.length, 0), dexiePerBatchMs, dexieOnceMs, rawOnceMs };
}

/**
 * The newest conversation written again under a new title and time, through Dexie as the
 * background's merge writes it (so every open page hears of it). Returns Date.now() at the commit.
 */
async function touchNewest(title: string): Promise<number> {
  const db = getDb();
  const newest = await db.conversations.orderBy('lastMessageAt').last();
  if (!newest) throw new Error('empty store');
  await db.conversations.put({ ...newest, title, lastMessageAt: Date.now() });
  return Date.now();
}

const api = {
  touchNewest,
  inboxQuery,
  termsWrite,
  ingestProfile,
  ingestMerge,
  ingestRaw,
  tokenizeCost,
  fillStore,
  compactStore,
  searchStore,
  searchLinear,
  searchAgrees,
  messageById,
  clearStore,
};
export type StoreBench = typeof api;
(window as unknown as { __bench: StoreBench }).__bench = api;
document.body.dataset.ready = 'true';
