// One person across platforms: the reads. Linking is always the user's decision: this module
// suggests conversations that look like the same person (same or similar display name, or the same
// encryption key) and reads a person's conversations and timeline. Link, rename and unlink are
// writes: the worker's (lib/worker/people.ts), the store's only writer.
import type { InboxDb } from './db';
import type { Conversation, Message, Person, Platform } from '../shared/model';
import { fold } from './search-doc';
import { thread } from './queries';

/** A display name reduced to comparable words: folded, punctuation and emoji gone. */
export function normaliseName(name: string): string {
  return fold(name)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Two words are the same name when equal, or one typo apart in a word of five letters or more. */
function sameWord(a: string, b: string): boolean {
  return a === b || (Math.min(a.length, b.length) >= 5 && editDistance(a, b) <= 1);
}

/**
 * How alike two display names are, 0..1. The larger of: word overlap (Dice coefficient, words
 * matching with one typo allowed) and whole-string edit similarity. "Budi Santoso" ~ "budi.santoso"
 * = 1, ~ "Budi" ≈ 0.67, ~ "Hendra Santoso" ≈ 0.57.
 */
export function nameSimilarity(a: string, b: string): number {
  const na = normaliseName(a);
  const nb = normaliseName(b);
  if (!na || !nb) return 0;
  if (na === nb || na.replace(/ /g, '') === nb.replace(/ /g, '')) return 1;
  const ta = [...new Set(na.split(' '))];
  const tb = [...new Set(nb.split(' '))];
  const used = new Set<number>();
  let shared = 0;
  for (const w of ta) {
    const k = tb.findIndex((x, i) => !used.has(i) && sameWord(w, x));
    if (k >= 0) {
      used.add(k);
      shared++;
    }
  }
  const dice = (2 * shared) / (ta.length + tb.length);
  const edit = 1 - editDistance(na, nb) / Math.max(na.length, nb.length);
  return Math.max(dice, edit);
}

export const SUGGESTION_THRESHOLD = 0.65;

export interface LinkSuggestion {
  conversation: Conversation;
  score: number;
  /** Why: a similar name, or the same encryption identity key (the same person's extension). */
  reason: 'name' | 'key';
}

/** The peer identity key an encrypted conversation trusts (or last saw), if any. */
async function peerKeyOf(db: InboxDb, conversationId: string): Promise<string | null> {
  const s = await db.e2eeSessions.get(conversationId);
  return s?.trustedPeerKey ?? s?.peerIdentityKey ?? null;
}

/** Conversations on other platforms that look like the same person as `conversationId`. */
export async function suggestLinks(db: InboxDb, conversationId: string, max = 5): Promise<LinkSuggestion[]> {
  const conv = await db.conversations.get(conversationId);
  if (!conv || conv.isGroup) return [];
  const person = conv.personId ? await db.people.get(conv.personId) : undefined;
  const names = [conv.title, person?.name].filter((n): n is string => !!n);
  const all = await db.conversations.toArray();
  // The same identity key on two platforms is the strongest hint there is, whatever the names.
  const key = await peerKeyOf(db, conv.id);
  const sameKey = new Set<string>();
  if (key) {
    for (const e of await db.e2eeSessions.toArray()) {
      if (e.conversationId !== conv.id && (e.trustedPeerKey ?? e.peerIdentityKey) === key) sameKey.add(e.conversationId);
    }
  }
  const out: LinkSuggestion[] = [];
  for (const c of all) {
    if (c.id === conv.id || c.isGroup || c.platform === conv.platform) continue;
    if (conv.personId && c.personId === conv.personId) continue;
    if (sameKey.has(c.id)) {
      out.push({ conversation: c, score: 1, reason: 'key' });
      continue;
    }
    const score = Math.max(...names.map((n) => nameSimilarity(n, c.title)));
    if (score >= SUGGESTION_THRESHOLD) out.push({ conversation: c, score, reason: 'name' });
  }
  out.sort(
    (a, b) =>
      Number(b.reason === 'key') - Number(a.reason === 'key') ||
      b.score - a.score ||
      (b.conversation.lastMessageAt ?? 0) - (a.conversation.lastMessageAt ?? 0),
  );
  return out.slice(0, max);
}

export function conversationsOf(db: InboxDb, personId: string): Promise<Conversation[]> {
  return db.conversations.where('personId').equals(personId).toArray();
}

/**
 * Merge per-conversation timelines (each already in its own order) by time. A message without a
 * time takes the time of the one before it in its own conversation, so no conversation's own
 * order is ever broken.
 */
export function mergeTimelines(lists: readonly (readonly Message[])[]): Message[] {
  const heads = lists.map(() => 0);
  const carried = lists.map(() => -Infinity);
  const keyOf = (li: number): number => {
    const m = lists[li]![heads[li]!]!;
    return m.sentAt ?? carried[li]!;
  };
  const out: Message[] = [];
  for (;;) {
    let pick = -1;
    for (let li = 0; li < lists.length; li++) {
      if (heads[li]! >= lists[li]!.length) continue;
      if (pick < 0 || keyOf(li) < keyOf(pick)) pick = li;
    }
    if (pick < 0) return out;
    const m = lists[pick]![heads[pick]!]!;
    carried[pick] = keyOf(pick);
    heads[pick]!++;
    out.push(m);
  }
}

/**
 * The merged timeline of the conversations `ids` (a person's linked conversations), oldest first:
 * each conversation's window as its own thread shows it (the newest messages, or around
 * `focusId` in the conversation that holds it: a search result older than that window).
 */
export async function timelineOf(db: InboxDb, ids: readonly string[], focusId: string | null = null): Promise<Message[]> {
  return mergeTimelines(await Promise.all(ids.map((id) => thread(db, id, focusId))));
}

/**
 * Which of a person's conversations a reply goes to by default: the one the user last sent
 * through (the outbox holds only the user's own sends), else null: the caller then uses the
 * conversation the user opened. Never a message's date, which a page or an imported file controls.
 */
export async function defaultReplyConversation(db: InboxDb, conversations: readonly Conversation[]): Promise<string | null> {
  if (conversations.length === 0) return null;
  const ids = conversations.map((c) => c.id);
  const sent = await db.outbox.where('conversationId').anyOf(ids).toArray();
  if (sent.length) return sent.reduce((a, b) => (b.createdAt > a.createdAt ? b : a)).conversationId;
  return null;
}

export type { Person, Platform };
