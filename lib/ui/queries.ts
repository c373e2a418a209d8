// The store queries the interface runs (all read-only).
import type { InboxDb } from '../db';
import type { AdapterHealth, Conversation, Message, OutboxEntry } from '../model';

/** Newest first; conversations without a known time keep the platform's own list order. */
export function byRecency(a: Conversation, b: Conversation): number {
  const ta = a.lastMessageAt ?? -Infinity;
  const tb = b.lastMessageAt ?? -Infinity;
  if (ta !== tb) return tb - ta;
  return (a.listRank ?? Infinity) - (b.listRank ?? Infinity) || a.title.localeCompare(b.title);
}

export async function inbox(db: InboxDb): Promise<Conversation[]> {
  const all = await db.conversations.toArray();
  return all.filter((c) => !c.archived).sort(byRecency);
}

/** Case- and accent-insensitive, so "budi" finds "Budi" and "kopi" finds "Kopí". */
export { fold } from '../search';

/** How many messages of one thread the interface loads (newest). */
export const THREAD_WINDOW = 500;

/**
 * The newest messages of a thread; when `focusId` names an older message (a search result), the
 * window starts a little before it instead, so it is on screen.
 */
export async function thread(db: InboxDb, conversationId: string, focusId?: string | null): Promise<Message[]> {
  const all = () => db.messages.where('[conversationId+order]');
  const newest = await all()
    .between([conversationId, -Infinity], [conversationId, Infinity])
    .reverse()
    .limit(THREAD_WINDOW)
    .toArray();
  newest.reverse();
  if (!focusId || newest.some((m) => m.id === focusId)) return newest;
  const focus = await db.messages.get(focusId);
  if (!focus || focus.conversationId !== conversationId) return newest;
  const before = await all()
    .between([conversationId, -Infinity], [conversationId, focus.order], true, false)
    .reverse()
    .limit(20)
    .toArray();
  const from = await all()
    .between([conversationId, focus.order], [conversationId, Infinity], true, true)
    .limit(THREAD_WINDOW)
    .toArray();
  return [...before.reverse(), ...from];
}

export function outboxOf(db: InboxDb, conversationId: string | readonly string[]): Promise<OutboxEntry[]> {
  const ids = typeof conversationId === 'string' ? [conversationId] : [...conversationId];
  return db.outbox.where('conversationId').anyOf(ids).sortBy('createdAt');
}

export function healthAll(db: InboxDb): Promise<AdapterHealth[]> {
  return db.health.toArray();
}
