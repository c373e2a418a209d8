// Writing the search index (the worker's side of lib/store/search.ts): a message's record in
// `searchDocs`, its words in the vocabulary (`searchWords`), and the posting blocks a write into a
// word's sealed part makes stale (`dropSealedWords`, search-blocks.ts). Every function runs inside
// the transaction that writes the messages.
import Dexie from 'dexie';
import type { InboxDb } from './db';
import type { Message } from '../shared/model';
import { docOf, rankOf, type DocKey, type SearchDoc } from './search-doc';
import { dropSealedWords } from './search-blocks';

/**
 * (Re)index messages inside the transaction that writes them (it must include `searchDocs`,
 * `searchWords` and `searchDense`).
 * `previous` holds the stored versions of those that existed: a record keyed by an old time is
 * removed by its key, so no secondary index on the message id is needed.
 */
export async function indexMessages(
  db: InboxDb,
  messages: readonly Message[],
  previous: ReadonlyMap<string, Message> = new Map(),
): Promise<void> {
  const stale: DocKey[] = [];
  const docs: SearchDoc[] = [];
  for (const m of messages) {
    const doc = docOf(m);
    const old = previous.get(m.id);
    if (old && (!doc || rankOf(old) !== doc.rank)) stale.push([rankOf(old), old.id]);
    if (doc) docs.push(doc);
  }
  await dropSealedWords(db, docs, () =>
    messages.flatMap((m) => {
      const old = previous.get(m.id);
      return (old && docOf(old)) ?? [];
    }),
  );
  if (stale.length) await db.searchDocs.bulkDelete(stale);
  if (docs.length) await db.searchDocs.bulkPut(docs);
  await addWords(db, docs);
}

/**
 * Words known to be in a store's vocabulary because this context committed them: a batch writes
 * only the others (most of a batch's words are already there; writing them again was most of what
 * the vocabulary cost the merge). Added to only after the write commits, dropped when the store is
 * wiped or its connection closes, and bounded; past the bound every word is written again.
 */
const committedWords = new WeakMap<InboxDb, Set<string>>();
const MAX_REMEMBERED_WORDS = 100_000;

function rememberedWords(db: InboxDb): Set<string> {
  let known = committedWords.get(db);
  if (!known) {
    known = new Set();
    committedWords.set(db, known);
    db.on('close', () => forgetWords(db));
    db.on('versionchange', () => forgetWords(db));
  }
  return known;
}

/** Forget what this context committed to the vocabulary (the store was wiped or replaced). */
export function forgetWords(db: InboxDb): void {
  committedWords.get(db)?.clear();
}

/** Record the docs' words in the vocabulary (searchWords), each once. */
export async function addWords(db: InboxDb, docs: readonly SearchDoc[]): Promise<void> {
  const known = rememberedWords(db);
  const fresh = [...new Set(docs.flatMap((d) => d.terms))].filter((w) => !known.has(w));
  if (!fresh.length) return;
  await db.searchWords.bulkPut(
    fresh.map(() => 1 as const),
    fresh,
  );
  const remember = () => {
    if (known.size + fresh.length > MAX_REMEMBERED_WORDS) return;
    for (const w of fresh) known.add(w);
  };
  // Inside a transaction the words count only once it commits (an abort leaves them unwritten).
  const tx = Dexie.currentTransaction;
  if (tx?.idbtrans) tx.idbtrans.addEventListener('complete', remember);
  else remember();
}

/** Drop stored messages from the index (e.g. found to be encrypted), by their current times (inside a transaction with `searchDocs` and `searchDense`). */
export async function unindexMessages(db: InboxDb, ids: readonly string[]): Promise<void> {
  const stored = (await db.messages.bulkGet([...ids])).filter((m): m is Message => !!m);
  const keys = stored.map((m): DocKey => [rankOf(m), m.id]);
  // Their records as written (they may be marked encrypted by now, which docOf would skip).
  await dropSealedWords(db, [], () => stored.flatMap((m) => docOf({ ...m, encrypted: false }) ?? []));
  if (keys.length) await db.searchDocs.bulkDelete(keys);
}
