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
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** How many messages of one thread the interface loads (newest). */
export const THREAD_WINDOW = 500;

export async function thread(db: InboxDb, conversationId: string): Promise<Message[]> {
  const newest = await db.messages
    .where('[conversationId+order]')
    .between([conversationId, -Infinity], [conversationId, Infinity])
    .reverse()
    .limit(THREAD_WINDOW)
    .toArray();
  return newest.reverse();
}

export function outboxOf(db: InboxDb, conversationId: string): Promise<OutboxEntry[]> {
  return db.outbox.where('conversationId').equals(conversationId).sortBy('createdAt');
}

export function healthAll(db: InboxDb): Promise<AdapterHealth[]> {
  return db.health.toArray();
}
