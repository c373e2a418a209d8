// Offline message search. The index lives in IndexedDB (table `searchTerms`): one row per
// (folded token, message id), so a prefix query is a range scan on the `term` index and nothing
// is held in memory beyond one query's candidates. Folding (NFKD, marks stripped, lower case) makes
// "kopi" find "Kopí" and "KOPI"; words of a query are ANDed, each matched as a prefix.
import type { InboxDb } from './db';
import type { Conversation, Message } from './model';

export interface SearchTerm {
  term: string;
  messageId: string;
}

/** Longer tokens are cut (a prefix still finds them); a message contributes at most this many. */
export const MAX_TERM_CHARS = 32;
export const MAX_TERMS_PER_MESSAGE = 2_000;
/** How many index rows one query word may pull before we stop widening (a one-letter prefix). */
const MAX_KEYS_PER_WORD = 20_000;

/** Case- and accent-insensitive form: "Kopí" → "kopi", "ŞEHİR" → "sehir". */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Distinct folded words of a text, in first-seen order, capped. */
export function tokenize(text: string, max = MAX_TERMS_PER_MESSAGE): string[] {
  const out = new Set<string>();
  for (const m of fold(text).matchAll(WORD)) {
    out.add(m[0].slice(0, MAX_TERM_CHARS));
    if (out.size >= max) break;
  }
  return [...out];
}

/** What of a message is searchable: its text, attachment labels and quoted text. */
function searchableText(m: Message): string {
  const parts = [m.text];
  for (const a of m.attachments) parts.push(a.label);
  if (m.quote) parts.push(m.quote.text);
  return parts.join(' ');
}

export function termsOf(m: Message): SearchTerm[] {
  return tokenize(searchableText(m)).map((term) => ({ term, messageId: m.id }));
}

/**
 * (Re)index messages: their old rows go, their current words come in. Call it inside the same
 * transaction that writes the messages (the transaction must include `searchTerms`).
 */
export async function indexMessages(db: InboxDb, messages: readonly Message[]): Promise<void> {
  if (messages.length === 0) return;
  await db.searchTerms.where('messageId').anyOf(messages.map((m) => m.id)).delete();
  await db.searchTerms.bulkPut(messages.flatMap(termsOf));
}

export interface SearchHit {
  message: Message;
  conversation: Conversation;
  snippet: Snippet;
}

/** A piece of the message around the first match; `mark` is the matched range inside `text`. */
export interface Snippet {
  text: string;
  mark: [number, number] | null;
}

/** Message ids whose words start with `prefix` (a folded word). */
async function idsForWord(db: InboxDb, prefix: string): Promise<Set<string>> {
  const keys = await db.searchTerms.where('term').startsWith(prefix).limit(MAX_KEYS_PER_WORD).primaryKeys();
  return new Set(keys.map((k) => k[1]));
}

/** Messages containing every word of the query (each as a word prefix), newest first. */
export async function searchMessages(db: InboxDb, query: string, limit = 50): Promise<SearchHit[]> {
  const words = tokenize(query, 8);
  if (words.length === 0) return [];
  // Longest word first: it is usually the most selective, so the intersection shrinks fastest.
  words.sort((a, b) => b.length - a.length);
  let ids = await idsForWord(db, words[0]!);
  for (const w of words.slice(1)) {
    if (ids.size === 0) break;
    const found = await idsForWord(db, w);
    ids = new Set([...ids].filter((x) => found.has(x)));
  }
  if (ids.size === 0) return [];
  const messages = (await db.messages.bulkGet([...ids])).filter((m): m is Message => !!m);
  messages.sort((a, b) => timeOf(b) - timeOf(a));
  const top = messages.slice(0, limit);
  const convs = await db.conversations.bulkGet([...new Set(top.map((m) => m.conversationId))]);
  const byId = new Map(convs.filter((c): c is Conversation => !!c).map((c) => [c.id, c]));
  return top.flatMap((message) => {
    const conversation = byId.get(message.conversationId);
    return conversation ? [{ message, conversation, snippet: snippetOf(searchableText(message), words) }] : [];
  });
}

function timeOf(m: Message): number {
  return m.sentAt ?? m.firstSeenAt;
}

/**
 * The text around the first place a query word starts a word, with that range marked. Folding can
 * change lengths (ligatures), so positions are mapped back to the original characters.
 */
export function snippetOf(text: string, words: readonly string[], before = 30, after = 90): Snippet {
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
  if (!best) return { text: cut(text, 0, before + after), mark: null };
  const start = origin[best[0]]!;
  const end = origin[best[1]] ?? text.length;
  const from = Math.max(0, start - before);
  const to = Math.min(text.length, end + after);
  const lead = from > 0 ? '…' : '';
  const tail = to < text.length ? '…' : '';
  return { text: lead + text.slice(from, to) + tail, mark: [lead.length + start - from, lead.length + end - from] };
}

function cut(text: string, from: number, n: number): string {
  return text.length - from > n ? text.slice(from, from + n) + '…' : text.slice(from);
}
