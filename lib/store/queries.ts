// The store queries the interface runs (all read-only).
import type { InboxDb } from './db';
import type { AdapterHealth, Conversation, Message, OutboxEntry } from '../shared/model';

/** Newest first; conversations without a known time keep the platform's own list order. */
export function byRecency(a: Conversation, b: Conversation): number {
  const ta = a.lastMessageAt ?? -Infinity;
  const tb = b.lastMessageAt ?? -Infinity;
  if (ta !== tb) return tb - ta;
  const byRank = (a.listRank ?? Infinity) - (b.listRank ?? Infinity);
  // NaN (both ranks unknown) counts as a tie; the id makes the order total, so every read of
  // the same rows (the quick first one included) lists them the same way.
  if (byRank) return byRank;
  return a.title.localeCompare(b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Every conversation not archived, newest first. `chunk`: see allConversations (tests set it small). */
export async function inbox(db: InboxDb, chunk = READ_CHUNK): Promise<Conversation[]> {
  const all = await allConversations(db, chunk);
  return all.filter((c) => !c.archived).sort(byRecency);
}

/** Most conversations one request of the whole-table read returns (allConversations). */
export const READ_CHUNK = 5_000;

/**
 * Every conversation, in one readonly transaction. A table longer than READ_CHUNK is read in
 * chunks of it, all requested at once. Read in one request, a popup closed during the read left the
 * browser finishing it before the next page's store open (272–467 ms at 50,000 conversations); in
 * chunks a popup reopened at once paints as soon as one opened on a quiet store (bench/README.md,
 * "Popup open after a popup closed early"), for a whole read ~10 % slower at that size.
 */
async function allConversations(db: InboxDb, chunk: number): Promise<Conversation[]> {
  return db.transaction('r', db.conversations, async () => {
    const first = await db.conversations.limit(chunk).toArray();
    if (first.length < chunk) return first;
    const rest = await db.conversations
      .where(':id')
      .above(first[first.length - 1]!.id)
      .primaryKeys();
    const chunks: Promise<Conversation[]>[] = [];
    for (let i = 0; i < rest.length; i += chunk) {
      const last = rest[Math.min(i + chunk, rest.length) - 1]!;
      chunks.push(db.conversations.where(':id').between(rest[i]!, last, true, true).toArray());
    }
    return first.concat(...(await Promise.all(chunks)));
  });
}

/**
 * The first rows of `inbox()`, read through the `lastMessageAt` index newest first and stopping
 * after `limit`: what the list paints while the whole table is read (at 50,000 conversations that
 * read takes about a second). Exactly a prefix of `inbox()`: every conversation newer than the last one
 * read is included; those sharing the last one's time are dropped, as the limit may have cut their
 * group; conversations without a time are not in the index but sort after every timed one.
 */
export async function inboxHead(db: InboxDb, limit: number): Promise<Conversation[]> {
  const newest = await db.conversations
    .orderBy('lastMessageAt')
    .reverse()
    .filter((c) => !c.archived)
    .limit(limit)
    .toArray();
  return headOf(newest, limit);
}

/**
 * `newest`: up to `limit` unarchived conversations read newest first through the `lastMessageAt`
 * index. Returns the exact first rows of `inbox()` they determine (see `inboxHead`).
 */
export function headOf(newest: readonly Conversation[], limit: number): Conversation[] {
  const last = newest.length >= limit ? newest[newest.length - 1]!.lastMessageAt : undefined;
  return newest.filter((c) => c.lastMessageAt !== last).sort(byRecency);
}

/** Case- and accent-insensitive, so "budi" finds "Budi" and "kopi" finds "Kopí". */
export { fold } from './search-doc';

/** How many messages of one thread the interface loads (newest). */
export const THREAD_WINDOW = 500;

/**
 * The newest messages of a thread; when `focusId` names an older message (a search result), the
 * window starts a little before it instead, so it is on screen.
 */
export async function thread(db: InboxDb, conversationId: string, focusId?: string | null): Promise<Message[]> {
  const all = () => db.messages.where('[conversationId+order]');
  const newest = await all().between([conversationId, -Infinity], [conversationId, Infinity]).reverse().limit(THREAD_WINDOW).toArray();
  newest.reverse();
  if (!focusId || newest.some((m) => m.id === focusId)) return newest;
  const focus = await db.messages.get(focusId);
  if (!focus || focus.conversationId !== conversationId) return newest;
  const before = await all().between([conversationId, -Infinity], [conversationId, focus.order], true, false).reverse().limit(20).toArray();
  const from = await all().between([conversationId, focus.order], [conversationId, Infinity], true, true).limit(THREAD_WINDOW).toArray();
  return [...before.reverse(), ...from];
}

/**
 * The conversation stored under `id`, or the one it became: a provisional chat (a list row without
 * an id) is folded into its real one once its thread is read — often right after the user replied
 * to it from the inbox — and the open thread follows it there.
 */
export async function conversationOrSuccessor(db: InboxDb, id: string): Promise<Conversation | null> {
  const found = await db.conversations.get(id);
  if (found) return found;
  const ties = (await db.aliases.where('from').equals(id).toArray()).filter((a) => a.kind === 'conversation');
  if (ties.length !== 1) return null; // none, or two chats named alike: nothing to guess
  return (await db.conversations.get(ties[0]!.to)) ?? null;
}

export function outboxOf(db: InboxDb, conversationId: string | readonly string[]): Promise<OutboxEntry[]> {
  const ids = typeof conversationId === 'string' ? [conversationId] : [...conversationId];
  return db.outbox.where('conversationId').anyOf(ids).sortBy('createdAt');
}

export function healthAll(db: InboxDb): Promise<AdapterHealth[]> {
  return db.health.toArray();
}
