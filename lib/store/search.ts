// Offline message search. The index lives in IndexedDB (table `searchDocs`): one record per
// indexed message whose primary key is [rank, message id] with rank = −time, and a multiEntry
// index on its folded words. Reading one word's index entries therefore yields message keys
// newest first, with their times, so a query reads only as deep as its top results need. A record
// written since issue 15 also carries what a result shows (conversation, time, the start of the text), so a
// query reads index records only: never the messages, and conversations only when the caller
// (the popup, which holds its list) lacks them. Folding (NFKD, marks stripped, lower case) makes
// "kopi" find "Kopí" and "KOPI"; words of a query are ANDed, each matched as a prefix of a word. A
// query word is expanded into the indexed words it starts through `searchWords` (every word
// indexed, as keys).
import type { InboxDb } from './db';
import type { Conversation, Message } from '../shared/model';
import { fold, searchableText, tokenize, type DocKey, type SearchDoc } from './search-doc';
import { cmpKey, denseNewestKeys, type DenseWord } from './search-blocks';

// Re-exported so callers keep one import for search; the derivation itself lives in search-doc.ts.
export * from './search-doc';

/** What a result shows of its message (the whole record is in `messages`, opened with its thread). */
export interface HitMessage {
  id: string;
  conversationId: string;
  sentAt: number | null;
  /** The index key's rank (−time): with the id, the result's place in the index. */
  rank: number;
}

export interface SearchHit {
  message: HitMessage;
  conversation: Conversation;
  snippet: Snippet;
}

/** A piece of the message around the first match; `mark` is the matched range inside `text`. */
export interface Snippet {
  text: string;
  mark: [number, number] | null;
}

/** What one query read, for the benchmarks' notes and the tests. */
export interface SearchStats {
  /** IndexedDB requests made (each get, getAll and getAllKeys counts one). */
  requests: number;
  rounds: number;
  /** Index keys read (lists of message keys, newest first). */
  keysRead: number;
  /** Index records read (a record read twice counts twice). */
  docsRead: number;
  /** Keys unpacked from posting blocks (search-blocks.ts), counted apart from the index keys. */
  blockKeys?: number;
  /**
   * How the matches were found: one indexed word's newest records (`direct`), the words' key lists
   * (`lists`), or the records newest first (`scan`, every word a very short prefix).
   */
  path?: 'direct' | 'lists' | 'scan';
  /** Milliseconds: expanding words, finding the matches, loading what the records lacked. */
  expandMs?: number;
  findMs?: number;
  loadMs?: number;
  /** With an early page: milliseconds from the call to the first page handed over, and the requests made by then. */
  firstMs?: number;
  firstRequests?: number;
}

export const emptyStats = (): SearchStats => ({ requests: 0, rounds: 0, keysRead: 0, docsRead: 0 });

/** Conversations the caller already holds (the popup's live list): a hit's conversation is taken from here before the store. */
export type ConversationLookup = (id: string) => Conversation | undefined;

/** The query's words, minus those another word implies ("kop" in "kop kopi"). */
export function queryWords(query: string): string[] {
  const words = tokenize(query, 8);
  return words.filter((w) => !words.some((o) => o !== w && o.startsWith(w)));
}

/**
 * The first results of a query handed over before the rest are loaded: a results list shows about
 * this many rows at once (a popup ~9, a tall side panel ~16), and loading what a result shows is
 * one request per result found through the key lists.
 */
export const FIRST_PAGE = 16;

/** Where to hand over the first `count` results as soon as they are loaded (the rest follow). */
export interface EarlyPage {
  count: number;
  show: (hits: SearchHit[]) => void;
}

/**
 * Messages containing every word of the query (each as a word prefix), newest first. A query reads
 * the vocabulary (one request per word), the index, and then only the index records of the results
 * it shows, which carry what a result shows (older records without those fields load their message). A
 * hit's conversation comes from `known` when the caller holds it (the popup's list), else the store.
 * With `early`, the first results are handed over once loaded, before the others are read (the
 * matches are all found first, so the first page is the final one's start; a query of one indexed
 * word reads its first page's records alone, then all of them).
 */
export async function searchMessages(
  db: InboxDb,
  query: string,
  limit = 50,
  stats?: SearchStats,
  known?: ConversationLookup,
  early?: EarlyPage,
): Promise<SearchHit[]> {
  const words = queryWords(query);
  if (words.length === 0 || limit <= 0) return [];
  const s = stats ?? emptyStats();
  const start = performance.now();
  // The reads go straight to IndexedDB, which a Dexie liveQuery cannot follow: to keep results
  // current, use watchSearch (search-live.ts).
  if (!db.isOpen()) await db.open();
  const read = new IndexReader(db.backendDB(), s);
  const firstCount = early && early.count < limit ? early.count : undefined;
  const { found, rest } = await newestMatches(read, words, limit, s, firstCount);
  if (found.length === 0) return [];
  const t0 = performance.now();
  const load = async (part: Found[]): Promise<SearchHit[]> => {
    const missing = part.filter((f) => !f.doc);
    const loaded = await read.get<SearchDoc>(
      'searchDocs',
      missing.map((f) => f.key),
    );
    missing.forEach((f, i) => (f.doc = loaded[i]));
    return present(
      read,
      part.flatMap((f) => f.doc ?? []),
      words,
      known,
    );
  };
  const handOver = (first: SearchHit[]) => {
    s.firstMs = performance.now() - start;
    s.firstRequests = s.requests;
    early!.show(first);
  };
  let hits: SearchHit[];
  if (early && rest) {
    // One indexed word: its first page of records was read alone, the others follow.
    const first = await load(found);
    handOver(first);
    hits = [...first, ...(await load(await rest()))];
  } else if (early && found.length > early.count && found.some((f) => !f.doc)) {
    const first = await load(found.slice(0, early.count));
    handOver(first);
    hits = [...first, ...(await load(found.slice(early.count)))];
  } else hits = await load(found);
  s.loadMs = performance.now() - t0;
  return hits;
}

/** A result found: its key, and its record when the search read it on the way. */
interface Found {
  key: DocKey;
  doc?: SearchDoc;
}
const foundOf = (doc: SearchDoc): Found => ({ key: [doc.rank, doc.messageId], doc });

/** Results from their index records; a record without the shown fields (or whose match lies past its kept text) loads its message. */
async function present(
  read: IndexReader,
  docs: readonly SearchDoc[],
  words: readonly string[],
  known?: ConversationLookup,
): Promise<SearchHit[]> {
  const shown = docs.map((d) => (d.conversationId !== undefined && d.text !== undefined ? shownFrom(d.text, !!d.cut, words) : null));
  const lacking = docs.filter((_, i) => !shown[i]);
  const messages = new Map(
    (
      await read.get<Message>(
        'messages',
        lacking.map((d) => d.messageId),
      )
    )
      .filter((m): m is Message => !!m)
      .map((m) => [m.id, m]),
  );
  const convIds = new Set<string>();
  const parts = docs.flatMap((d, i) => {
    const m = messages.get(d.messageId);
    const conversationId = d.conversationId ?? m?.conversationId;
    if (conversationId === undefined) return []; // the message went since the record was read
    convIds.add(conversationId);
    return [
      {
        d,
        conversationId,
        sentAt: m ? m.sentAt : (d.sentAt ?? null),
        snippet: shown[i] ?? (m ? snippetOf(searchableText(m), words) : null),
      },
    ];
  });
  const convs = new Map<string, Conversation>();
  const unknown: string[] = [];
  for (const id of convIds) {
    const c = known?.(id);
    if (c) convs.set(id, c);
    else unknown.push(id);
  }
  for (const c of await read.get<Conversation>('conversations', unknown)) if (c) convs.set(c.id, c);
  return parts.flatMap(({ d, conversationId, sentAt, snippet }) => {
    const conversation = convs.get(conversationId);
    if (!conversation || !snippet) return [];
    return [{ message: { id: d.messageId, conversationId, sentAt: sentAt ?? null, rank: d.rank }, conversation, snippet }];
  });
}

/**
 * The snippet from a record's kept text, or null when that text was cut and the snippet could
 * differ from the whole message's: the match, or the text the snippet shows after it, reaches the cut.
 */
function shownFrom(text: string, cut: boolean, words: readonly string[]): Snippet | null {
  const { snippet, to } = snippetWindow(text, words, SNIPPET_BEFORE, SNIPPET_AFTER);
  if (!cut) return snippet;
  // Safe when a match was found and the window ends a query word's length before the cut: no match
  // could straddle the cut ahead of it, and the text after it goes on in both.
  const longest = Math.max(...words.map((w) => w.length));
  return snippet.mark && to + longest < text.length ? snippet : null;
}

/**
 * A query word that starts more distinct indexed words than this (a one- or two-letter prefix in a
 * large store) is not expanded into per-word lists; it is checked against the candidates' records.
 */
const MAX_TERMS_PER_WORD = 48;
/**
 * Index keys read per indexed word in a query's first round; four times as many when several query
 * words are read through lists (their intersection needs deeper lists: with 64, most such queries
 * took a second round; at 25,000 messages p95 45.5 / 46.9 → 41.6 / 38.3 ms, median 15.4 / 14.5 →
 * 12.4 / 13.0).
 */
const FIRST_READ = 64;
const FIRST_READ_SEVERAL_WORDS = 4 * FIRST_READ;
/**
 * A word with posting blocks is read this many times deeper in the first round of a several-word
 * query (an intersection needs depth; its older keys cost ~20× less to read). A one-word query
 * takes the union of its words' lists and needs no more than FIRST_READ of each.
 */
const DENSE_FACTOR = 4;

/** One indexed word's entries read so far: its newest `asked` keys (all of them if fewer came). */
interface TermList {
  term: string;
  keys: DocKey[];
  asked: number;
}
const truncated = (l: TermList) => l.keys.length >= l.asked;

/** A query word expanded into the indexed words it starts, with what was read of each. */
interface WordLists {
  word: string;
  lists: TermList[];
  /** Keys read so far, and the last key up to which that set is complete (null: complete). */
  seen: Set<string>;
  bound: DocKey | null;
  count: number;
}

function docMatches(doc: SearchDoc, words: readonly string[]): boolean {
  return words.every((w) => doc.terms.some((t) => t.startsWith(w)));
}

/** The matches found, and for a first page read apart (one indexed word), what reads the rest. */
interface Matches {
  found: Found[];
  rest?: () => Promise<Found[]>;
}

/**
 * The keys of the newest `limit` messages matching every word. Each indexed word a query word
 * starts is read newest first, only as deep as needed: the first round reads FIRST_READ keys of
 * each (FIRST_READ_SEVERAL_WORDS when several words are read through lists); the matches are exact
 * down to the shallowest truncated list, and when they are too few the lists are read deeper, in proportion to what the first rounds found. A word whose candidates are
 * all read (a rare word) drives, and the others are decided from what was read of them or, past
 * that, from the candidates' index records.
 */
async function newestMatches(
  db: IndexReader,
  words: readonly string[],
  limit: number,
  s: SearchStats,
  firstCount?: number,
): Promise<Matches> {
  let t0 = performance.now();
  const expanded = await Promise.all(
    words.map(async (word) => {
      const terms = await db.termsStartingWith(word, MAX_TERMS_PER_WORD + 1);
      return { word, terms };
    }),
  );
  s.expandMs = performance.now() - t0;
  t0 = performance.now();
  const only = expanded.length === 1 && expanded[0]!.terms.length === 1 ? expanded[0]!.terms[0]! : null;
  if (only !== null) {
    // One word that starts one indexed word: its newest records are the results, in one read.
    s.path = 'direct';
    s.rounds++;
    const first = firstCount ?? limit;
    const docs = await db.newestDocs(only, first);
    s.findMs = performance.now() - t0;
    // A first page read alone: the rest re-reads it (an index read cannot start past a record).
    const rest =
      first < limit && docs.length === first ? async () => (await db.newestDocs(only, limit)).slice(first).map(foundOf) : undefined;
    return { found: docs.map(foundOf), rest };
  }
  s.path = 'lists';
  await db.readDense(expanded.filter((e) => e.terms.length <= MAX_TERMS_PER_WORD).map((e) => e.word));
  const broad = expanded.filter((e) => e.terms.length > MAX_TERMS_PER_WORD).map((e) => e.word);
  const narrow: WordLists[] = expanded
    .filter((e) => e.terms.length <= MAX_TERMS_PER_WORD)
    .map((e) => ({ word: e.word, lists: e.terms.map((term) => ({ term, keys: [], asked: 0 })), seen: new Set(), bound: null, count: 0 }));
  if (narrow.some((w) => w.lists.length === 0)) return { found: [] }; // some word starts no indexed word
  if (narrow.length === 0) {
    s.path = 'scan';
    const docs = await scanDocs(db, words, limit, s);
    s.findMs = performance.now() - t0;
    return { found: docs.map(foundOf) };
  }

  const target = new Map<TermList, number>(
    narrow.flatMap((w) =>
      w.lists.map((l) => [l, narrow.length > 1 ? FIRST_READ_SEVERAL_WORDS * (db.isDense(l.term) ? DENSE_FACTOR : 1) : FIRST_READ] as const),
    ),
  );
  for (;;) {
    s.rounds++;
    await Promise.all(
      [...target].map(async ([l, ask]) => {
        l.keys = await db.newestKeys(l.term, ask);
        l.asked = ask;
      }),
    );
    for (const w of narrow) summarize(w);
    // Drive with a fully read word if there is one (exact to the end), else with everything read
    // down to the shallowest truncated list, where every word's set is exact.
    const complete = narrow.filter((w) => w.bound === null).sort((a, b) => a.count - b.count)[0];
    let region: DocKey | null = null;
    if (!complete) for (const w of narrow) if (!region || cmpKey(w.bound!, region) < 0) region = w.bound;
    const driver = complete ?? narrow.slice().sort((a, b) => a.count - b.count)[0]!;
    const candidates = keysOf(driver).filter((k) => !region || cmpKey(k, region) <= 0);
    const others = narrow.filter((w) => w !== driver);
    // true/false when what was read of the other words decides; null: ask the index record.
    const decide = (k: DocKey): boolean | null => {
      let known = broad.length === 0;
      for (const w of others) {
        if (w.bound === null || cmpKey(k, w.bound) <= 0) {
          if (!w.seen.has(k[1])) return false;
        } else known = false;
      }
      return known ? true : null;
    };
    const found = await filterInOrder(db, candidates, decide, words, limit);
    if (found.length >= limit || !region) {
      s.findMs = performance.now() - t0;
      return { found: found.slice(0, limit) };
    }
    target.clear();
    planDeeper(narrow, region, found.length, limit, target);
  }
}

/**
 * The reads of one query, all in one readonly transaction (one snapshot, and no per-call
 * transaction cost), issued straight to IndexedDB so requests are pipelined. The transaction
 * stays open because every await below is on one of its own requests.
 */
class IndexReader {
  private readonly tx: IDBTransaction;
  constructor(
    idb: IDBDatabase,
    private readonly s: SearchStats,
  ) {
    this.tx = idb.transaction(['searchWords', 'searchDocs', 'searchDense', 'searchBlocks', 'messages', 'conversations'], 'readonly');
  }

  /** Dense words (with posting blocks) among the words these query words start: one read per word. */
  private dense = new Map<string, DocKey>();
  /** Dense words' keys newer than their boundary, once read to it (a later round reuses them). */
  private newerRead = new Map<string, DocKey[]>();
  isDense(term: string): boolean {
    return this.dense.has(term);
  }

  async readDense(words: readonly string[]): Promise<void> {
    const os = this.tx.objectStore('searchDense');
    const found = await Promise.all(
      words.map((w) => this.request<DenseWord[]>(os.getAll(IDBKeyRange.bound(w, w + '\uffff', false, true)))),
    );
    for (const d of found.flat()) this.dense.set(d.term, d.sealedTo);
  }

  /** The distinct indexed words that start with `prefix`, up to `max`: one read of the vocabulary. */
  termsStartingWith(prefix: string, max: number): Promise<string[]> {
    const words = this.tx.objectStore('searchWords');
    return this.request(words.getAllKeys(IDBKeyRange.bound(prefix, prefix + '\uffff', false, true), max)) as Promise<string[]>;
  }

  /** The keys of the newest `count` records holding `term` (index order within a term = key order). */
  async newestKeys(term: string, count: number): Promise<DocKey[]> {
    const sealedTo = this.dense.get(term);
    if (sealedTo !== undefined) {
      const got = await denseNewestKeys(this.tx, (r) => this.request(r), term, sealedTo, count, this.newerRead);
      this.s.keysRead += got.fromIndex;
      this.s.blockKeys = (this.s.blockKeys ?? 0) + got.fromBlocks;
      return got.keys;
    }
    const keys = (await this.request(
      this.tx.objectStore('searchDocs').index('terms').getAllKeys(IDBKeyRange.only(term), count),
    )) as DocKey[];
    this.s.keysRead += keys.length;
    return keys;
  }

  /** The newest `count` records holding `term`. */
  async newestDocs(term: string, count: number): Promise<SearchDoc[]> {
    const docs = await this.request<SearchDoc[]>(this.tx.objectStore('searchDocs').index('terms').getAll(IDBKeyRange.only(term), count));
    this.s.docsRead += docs.length;
    return docs;
  }

  /** Records newest first, after `after` (exclusive) when given. */
  async docsAfter(after: DocKey | null, count: number): Promise<SearchDoc[]> {
    const docs = await this.request<SearchDoc[]>(
      this.tx.objectStore('searchDocs').getAll(after ? IDBKeyRange.lowerBound(after, true) : null, count),
    );
    this.s.docsRead += docs.length;
    return docs;
  }

  /** Records by key, one pipelined request each. */
  async get<T>(store: 'searchDocs' | 'messages' | 'conversations', keys: readonly IDBValidKey[]): Promise<(T | undefined)[]> {
    const os = this.tx.objectStore(store);
    const out = await Promise.all(keys.map((k) => this.request<T | undefined>(os.get(k))));
    if (store === 'searchDocs') this.s.docsRead += keys.length;
    return out;
  }

  private request<T>(r: IDBRequest<T>): Promise<T> {
    this.s.requests++;
    return new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
}

function summarize(w: WordLists): void {
  w.seen = new Set();
  w.bound = null;
  for (const l of w.lists) {
    for (const k of l.keys) w.seen.add(k[1]);
    const last = l.keys[l.keys.length - 1];
    if (truncated(l) && last && (!w.bound || cmpKey(last, w.bound) < 0)) w.bound = last;
  }
  w.count = w.seen.size;
}

/** A word's keys read so far, newest first, each once (a message may hold several of its words). */
function keysOf(w: WordLists): DocKey[] {
  const byId = new Map<string, DocKey>();
  for (const l of w.lists) for (const k of l.keys) byId.set(k[1], k);
  return [...byId.values()].sort(cmpKey);
}

/**
 * How deep to read next. The matches so far (`found` down to `region`) give a density; aim at a
 * depth (in time) with ~1.3× the results needed (at most 8× deeper per round), and ask each
 * truncated list for the number of keys its own density predicts down to that depth.
 */
function planDeeper(narrow: WordLists[], region: DocKey, found: number, limit: number, target: Map<TermList, number>): void {
  const lists = narrow.flatMap((w) => w.lists).filter((l) => l.keys.length > 0);
  const newest = Math.min(...lists.map((l) => l.keys[0]![0]));
  const factor = Math.min(8, Math.max(2, (1.3 * limit) / Math.max(found, 1)));
  const depth = newest + Math.max(region[0] - newest, 1) * factor;
  for (const l of lists) {
    if (!truncated(l)) continue;
    const last = l.keys[l.keys.length - 1]![0];
    if (last >= depth) continue;
    const predicted = Math.ceil(((l.keys.length * (depth - newest)) / Math.max(last - newest, 1)) * 1.1);
    target.set(l, Math.max(l.asked * 2, predicted));
  }
}

/**
 * The first `limit` candidates (already newest first) that match: decided from what was read of
 * the other words where possible, else from the candidate's index record, loaded in small chunks.
 */
async function filterInOrder(
  db: IndexReader,
  candidates: readonly DocKey[],
  decide: (k: DocKey) => boolean | null,
  words: readonly string[],
  limit: number,
): Promise<Found[]> {
  const out: Found[] = [];
  let i = 0;
  while (i < candidates.length && out.length < limit) {
    const chunk: { k: DocKey; v: boolean | null }[] = [];
    let open = 0;
    while (i < candidates.length && out.length + open < limit + 16) {
      const k = candidates[i++]!;
      const v = decide(k);
      if (v === false) continue;
      chunk.push({ k, v });
      open++;
    }
    const unknown = chunk.filter((c) => c.v === null).map((c) => c.k);
    const ok = new Map<string, SearchDoc>();
    if (unknown.length) {
      const docs = await db.get<SearchDoc>('searchDocs', unknown);
      for (const d of docs) if (d && docMatches(d, words)) ok.set(d.messageId, d);
    }
    for (const c of chunk) {
      const doc = ok.get(c.k[1]);
      if (c.v === true || doc) out.push({ key: c.k, doc });
    }
  }
  return out.slice(0, Math.max(limit, 0));
}

/**
 * Every word is a very short prefix (it starts more indexed words than are worth expanding): such
 * words match a large share of messages, so reading the records newest first finds the top
 * results after a short way.
 */
async function scanDocs(db: IndexReader, words: readonly string[], limit: number, s: SearchStats): Promise<SearchDoc[]> {
  const out: SearchDoc[] = [];
  let after: DocKey | null = null;
  let chunk = 200;
  s.rounds++;
  while (out.length < limit) {
    const docs = await db.docsAfter(after, chunk);
    for (const d of docs) if (docMatches(d, words)) out.push(d);
    if (docs.length < chunk) break;
    const last = docs[docs.length - 1]!;
    after = [last.rank, last.messageId];
    chunk = Math.min(chunk * 2, 4_000);
  }
  return out.slice(0, limit);
}

const SNIPPET_BEFORE = 30;
const SNIPPET_AFTER = 90;

export function snippetOf(text: string, words: readonly string[], before = SNIPPET_BEFORE, after = SNIPPET_AFTER): Snippet {
  return snippetWindow(text, words, before, after).snippet;
}

/** The snippet and where its window ends in `text` (its last character + 1). */
function snippetWindow(text: string, words: readonly string[], before: number, after: number): { snippet: Snippet; to: number } {
  let folded = '';
  const origin: number[] = []; // folded index → original index
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  origin.push(text.length);
  let best: [number, number] | null = null;
  for (const w of words) {
    let at = folded.indexOf(w);
    while (at > 0 && /[\p{L}\p{N}]/u.test(folded[at - 1]!)) at = folded.indexOf(w, at + 1);
    if (at >= 0 && (!best || at < best[0])) best = [at, at + w.length];
  }
  if (!best) return { snippet: { text: cut(text, 0, before + after), mark: null }, to: Math.min(text.length, before + after) };
  const start = origin[best[0]]!;
  const end = origin[best[1]] ?? text.length;
  const from = Math.max(0, start - before);
  const to = Math.min(text.length, end + after);
  const lead = from > 0 ? '…' : '';
  const tail = to < text.length ? '…' : '';
  return { snippet: { text: lead + text.slice(from, to) + tail, mark: [lead.length + start - from, lead.length + end - from] }, to };
}

function cut(text: string, from: number, n: number): string {
  return text.length - from > n ? text.slice(from, from + n) + '…' : text.slice(from);
}
