// The pure half of search: how a message becomes its index record (folded, capped words and a
// newest-first rank). No store access here, so the schema (db.ts) and the query engine
// (search.ts) can both import it without importing each other.
import type { Message } from '../shared/model';

/**
 * The index record of one message: its newest-first sort key, its distinct folded words and (in
 * records written since issue 15; no schema change) what a search result shows of it, so a query
 * reads these records and nothing else. Older records lack the shown fields; a result from one
 * loads its message instead.
 */
export interface SearchDoc {
  rank: number;
  messageId: string;
  terms: string[];
  conversationId?: string;
  sentAt?: number | null;
  /** The searchable text (searchableText), at most SHOWN_CHARS of it; `cut` when it was longer. */
  text?: string;
  cut?: true;
}

/** How much of a message's text its index record keeps for the result's snippet. */
export const SHOWN_CHARS = 600;
/** Primary key of a SearchDoc: [rank, messageId]; ascending order is newest first. */
export type DocKey = [number, string];

/** v2's index row (one per word and message), kept for that version's released upgrade only. */
export interface SearchTerm {
  term: string;
  messageId: string;
}

/** Longer tokens are cut (a prefix still finds them); a message contributes at most this many. */
export const MAX_TERM_CHARS = 32;
export const MAX_TERMS_PER_MESSAGE = 2_000;

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
export function searchableText(m: Message): string {
  const parts = [m.text];
  for (const a of m.attachments) parts.push(a.label);
  if (m.quote) parts.push(m.quote.text);
  return parts.join(' ');
}

/** v2's rows for a message (the released v2 upgrade builds them; v4 drops that table). */
export function termsOf(m: Message): SearchTerm[] {
  return tokenize(searchableText(m)).map((term) => ({ term, messageId: m.id }));
}

function timeOf(m: Pick<Message, 'sentAt' | 'firstSeenAt'>): number {
  return m.sentAt ?? m.firstSeenAt;
}

export function rankOf(m: Pick<Message, 'sentAt' | 'firstSeenAt'>): number {
  return -timeOf(m);
}

/**
 * The index record of a message, or null when it has nothing to find: no words, or encrypted (the
 * ciphertext is meaningless and the plaintext stays sealed, never indexed).
 */
export function docOf(m: Message): SearchDoc | null {
  if (m.encrypted) return null;
  const text = searchableText(m);
  const terms = tokenize(text);
  if (!terms.length) return null;
  const doc: SearchDoc = { rank: rankOf(m), messageId: m.id, terms, conversationId: m.conversationId, sentAt: m.sentAt ?? null };
  if (text.length > SHOWN_CHARS) {
    const end = /[\uD800-\uDBFF]/.test(text[SHOWN_CHARS - 1]!) ? SHOWN_CHARS - 1 : SHOWN_CHARS; // no half surrogate pair
    doc.text = text.slice(0, end);
    doc.cut = true;
  } else doc.text = text;
  return doc;
}
