// The one place page snapshots become stored records. Idempotent by construction: ids come from
// platform ids, so the same batch applied twice, batches applied out of order, or a recycled
// virtual-list node reporting an old message all leave one record per message. Nothing is ever
// deleted because it left the DOM.
//
// The pieces, by job, are under ingest/: conversations, provisional keys, former message ids,
// messages, outbox echoes and previews; where new messages go is lib/store/order.ts.
import type { InboxDb } from '../store/db';
import {
  conversationId,
  isProvisionalKey,
  messageId,
  type Conversation,
  type Message,
  type Platform,
  type ThreadSnapshot,
} from '../shared/model';
import type { Ingest } from '../shared/protocol';
import { assignOrders } from '../store/order';
import { indexMessages } from '../store/search-index';
import { ensureConversation, upsertConversation } from './ingest/conversations';
import { resolveFormerIds } from './ingest/former-ids';
import { newMessage, updatedMessage } from './ingest/messages';
import { matchOutbox } from './ingest/outbox-echo';
import { reconcilePreview } from './ingest/preview';
import { resolveProvisional, tiedTo, tieProvisional } from './ingest/provisional';

export { AMBIGUOUS_PROVISIONAL_KEY, type AmbiguousProvisional } from './ingest/provisional';
export { liveTime } from './ingest/conversations';

export interface MergeResult {
  conversationsChanged: number;
  messagesAdded: number;
  messagesUpdated: number;
  /** Outbox entries confirmed by an outgoing bubble in this batch. */
  echoed: string[];
  /**
   * Incoming messages that are news: appended after everything already stored for a conversation
   * we had seen messages of before (history read on a first scrape is not news).
   */
  newIncoming: Message[];
  /** Known conversations whose unread count (or unread mark) went up in this batch. */
  unreadIncreased: Conversation[];
  /**
   * Where the batch's thread was stored: its conversation after provisional keys were resolved,
   * and its messages' ids after former ids were (so later steps never recompute them from the page).
   */
  thread?: { conversationId: string; messageIds: string[] };
}

export async function mergeIngest(db: InboxDb, batch: Ingest, now = Date.now()): Promise<MergeResult> {
  const result: MergeResult = {
    conversationsChanged: 0,
    messagesAdded: 0,
    messagesUpdated: 0,
    echoed: [],
    newIncoming: [],
    unreadIncreased: [],
  };
  const tables = [
    db.conversations,
    db.messages,
    db.outbox,
    db.health,
    db.searchDocs,
    db.searchWords,
    db.searchDense,
    db.meta,
    db.aliases,
    db.people,
    db.e2eeSessions,
    db.e2eePlain,
  ];
  await db.transaction('rw', tables, async () => {
    const prevHealth = await db.health.get(batch.platform);
    const health = { platform: batch.platform, state: batch.health.state, reason: batch.health.reason, checkedAt: now };
    if (!prevHealth || prevHealth.state !== health.state || prevHealth.reason !== health.reason) {
      await db.health.put(health);
    }
    // A page we do not recognise, or one that is logged out, contributes nothing but its state.
    if (batch.health.state !== 'ok') return;

    // A thread read that names the provisional key of its list row ties them first, so the rows
    // of this same batch already update the real conversation.
    if (batch.thread?.conversation.provisionalKey) await tieProvisional(db, batch.platform, batch.thread.conversation, now);
    for (const snap of batch.conversations) {
      const target = snap.provisional ? await resolveProvisional(db, batch.platform, snap) : null;
      if (target === 'ambiguous') continue;
      const change = await upsertConversation(db, batch.platform, snap, now, target);
      if (change) result.conversationsChanged++;
      if (change && change !== true) result.unreadIncreased.push(change);
    }
    if (batch.thread) await mergeThread(db, batch.platform, batch.thread, now, result);
  });
  return result;
}

async function mergeThread(db: InboxDb, platform: Platform, thread: ThreadSnapshot, now: number, result: MergeResult): Promise<void> {
  // A thread read under a provisional key (its page showed no id) goes to the one chat that key is
  // tied to; otherwise (no tie, or several) to the provisional conversation: nothing is guessed.
  const tied = isProvisionalKey(thread.conversation.nativeId)
    ? await tiedTo(db, conversationId(platform, thread.conversation.nativeId), thread.conversation.isGroup)
    : [];
  const conv = tied.length === 1 ? tied[0]! : await ensureConversation(db, platform, thread.conversation, now);
  const read = await resolveFormerIds(db, conv, thread.messages, now);
  // A recycled node can report the same message twice in one batch: keep the first.
  const seen = new Set<string>();
  const snaps = read.filter((m) => !seen.has(m.nativeId) && seen.add(m.nativeId));
  if (snaps.length === 0) return;

  const ids = snaps.map((m) => messageId(conv.id, m.nativeId));
  result.thread = { conversationId: conv.id, messageIds: ids };
  const existing = await db.messages.bulkGet(ids);
  const newestBefore = await db.messages.where('[conversationId+order]').between([conv.id, -Infinity], [conv.id, Infinity]).last();

  // Known messages are anchors; runs of new ones are placed between their neighbouring anchors.
  const orders: (number | undefined)[] = existing.map((m) => m?.order);
  await assignOrders(db, conv.id, snaps, orders);

  const toPut: Message[] = [];
  for (let i = 0; i < snaps.length; i++) {
    const snap = snaps[i]!;
    const old = existing[i];
    const id = ids[i]!;
    if (!old) {
      toPut.push(newMessage(conv, snap, id, orders[i]!, now));
      result.messagesAdded++;
      continue;
    }
    const updated = updatedMessage(old, snap, orders[i]!, now);
    if (updated) {
      toPut.push(updated);
      result.messagesUpdated++;
    }
  }
  if (toPut.length) await db.messages.bulkPut(toPut);
  // The search index changes in the same transaction, so it never disagrees with the messages.
  // Its record is keyed by time and holds the words, so only those changes reindex; the stored
  // versions say which old record to replace.
  const before = new Map(existing.filter((m): m is Message => !!m).map((m) => [m.id, m]));
  const reindex = toPut.filter((m) => {
    const o = before.get(m.id);
    return !o || o.text !== m.text || o.attachments !== m.attachments || o.quote !== m.quote || o.sentAt !== m.sentAt;
  });
  await indexMessages(db, reindex, before);

  if (newestBefore) {
    result.newIncoming.push(
      ...toPut.filter(
        (m) =>
          m.firstSeenAt === now && !m.sender.isSelf && !m.system && m.order > newestBefore.order && !existing.some((e) => e?.id === m.id),
      ),
    );
  }
  // A bubble the app marked "Not sent" is no echo: it never confirms a reply.
  const added = toPut.filter((m) => m.firstSeenAt === now && m.sender.isSelf && !m.system && m.status !== 'failed');
  if (added.length) result.echoed.push(...(await matchOutbox(db, conv.id, added, now)));

  await reconcilePreview(db, conv.id, now);
  if (result.messagesAdded || result.messagesUpdated) result.conversationsChanged++;
}
