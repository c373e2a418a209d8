// The one place page snapshots become stored records. Idempotent by construction: ids come from
// platform ids, so the same batch applied twice, batches applied out of order, or a recycled
// virtual-list node reporting an old message all leave one record per message. Nothing is ever
// deleted because it left the DOM.
import type { InboxDb } from '../store/db';
import {
  conversationId,
  isProvisionalKey,
  messageId,
  type Conversation,
  type ConversationSnapshot,
  type Message,
  type MessageSnapshot,
  type MessageStatus,
  type OutboxEntry,
  type Platform,
  type Reaction,
  type ThreadSnapshot,
} from '../shared/model';
import type { Ingest } from '../shared/protocol';
import { moveConversations, moveMessages, storesOf, type AliasRecord, type MessageMove } from '../store/rekey';
import { indexMessages } from '../store/search';
import { previewOf, sameMessageText } from '../shared/text';

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

/** Forward-only status: a later scrape showing an older state (re-render) never downgrades. */
const STATUS_RANK: Record<MessageStatus, number> = {
  failed: 0,
  pending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  received: 5,
};

function laterStatus(a: MessageStatus, b: MessageStatus): MessageStatus {
  if (a === 'received' || b === 'received') return b;
  return STATUS_RANK[b] >= STATUS_RANK[a] ? b : a;
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
  const tables = [db.conversations, db.messages, db.outbox, db.health, db.searchDocs, db.meta, db.aliases, db.people, db.e2eeSessions, db.e2eePlain];
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

/** false: unchanged; true: created or changed; a Conversation: changed and its unread went up. */
async function upsertConversation(
  db: InboxDb,
  platform: Platform,
  snap: ConversationSnapshot,
  now: number,
  /** The real conversation a provisional row was tied to: it takes the row's list state only. */
  tied: Conversation | null = null,
): Promise<boolean | Conversation> {
  const id = tied?.id ?? conversationId(platform, snap.nativeId);
  const old = tied ?? (await db.conversations.get(id));
  if (!old) {
    await db.conversations.put({
      id,
      platform,
      nativeId: snap.nativeId,
      title: snap.title,
      isGroup: snap.isGroup,
      unread: snap.unread,
      unreadCount: snap.unreadCount,
      muted: snap.muted,
      archived: snap.archived,
      pinned: snap.pinned,
      preview: snap.preview,
      lastMessageAt: snap.lastMessageAt,
      listRank: snap.listRank,
      personId: null,
      firstSeenAt: now,
      updatedAt: now,
    });
    return true;
  }
  const next: Conversation = {
    ...old,
    // A provisional row's title is the key it was matched by, and its kind may be unknown.
    title: tied ? old.title : snap.title || old.title,
    isGroup: tied ? old.isGroup : snap.isGroup || old.isGroup,
    unread: snap.unread,
    unreadCount: snap.unreadCount,
    muted: snap.muted,
    archived: snap.archived,
    pinned: snap.pinned,
    listRank: snap.listRank,
  };
  // The list row always shows the newest message; its time label is coarser than the thread's
  // (e.g. "Yesterday"), so a known later time is kept.
  if (snap.preview !== '' && snap.preview !== old.preview) next.preview = snap.preview;
  if (snap.lastMessageAt !== null) {
    // New activity seen live: the moment we saw it orders it better than the row's minute label.
    const at = snap.preview !== old.preview ? liveTime(snap.lastMessageAt, now) : snap.lastMessageAt;
    if (old.lastMessageAt === null || at > old.lastMessageAt) next.lastMessageAt = at;
  }
  const changed = await putIfChanged(db, old, next, now);
  const unreadUp = (next.unread && !old.unread) || (next.unreadCount ?? 0) > (old.unreadCount ?? 0);
  return changed && unreadUp ? next : changed;
}

async function putIfChanged(db: InboxDb, old: Conversation, next: Conversation, now: number): Promise<boolean> {
  const keys = Object.keys(next) as (keyof Conversation)[];
  if (keys.every((k) => k === 'updatedAt' || old[k] === next[k])) return false;
  next.updatedAt = now;
  await db.conversations.put(next);
  return true;
}

/** meta key: chat-list rows skipped because their provisional key names two or more chats. */
export const AMBIGUOUS_PROVISIONAL_KEY = 'provisional-ambiguous';

/** What the ambiguity counter holds: rows skipped in all, and the distinct keys (capped). */
export interface AmbiguousProvisional {
  skipped: number;
  keys: string[];
}

/**
 * Whether a chat of this kind may be the one behind a provisional row. A provisional row's
 * isGroup false means "not known to be a group" (WhatsApp rows of unknown kind), so it may be any
 * chat; a row known to be a group is never a 1:1 chat.
 */
function kindAgrees(provisionalIsGroup: boolean, real: Conversation): boolean {
  return !provisionalIsGroup || real.isGroup;
}

/**
 * A thread read named the provisional key its list row carries: remember the tie (durably, in
 * `aliases`), and fold a provisional conversation stored under that key into this real one, its
 * messages, outbox entries, person link, search docs and encryption rows with it. A provisional
 * record known to be a group is neither tied to nor folded into a 1:1 chat (they are two chats
 * that share a name).
 */
async function tieProvisional(db: InboxDb, platform: Platform, conv: ThreadSnapshot['conversation'], now: number): Promise<void> {
  // Only a provisional key can be folded away: a page naming a real chat's id here merges nothing.
  if (!isProvisionalKey(conv.provisionalKey!) || isProvisionalKey(conv.nativeId)) return;
  const real = await ensureConversation(db, platform, conv, now);
  const from = conversationId(platform, conv.provisionalKey!);
  if (from === real.id) return;
  const provisional = await db.conversations.get(from);
  if (provisional && !kindAgrees(provisional.isGroup, real)) return;
  if (!(await db.aliases.get([from, real.id]))) {
    await db.aliases.put({ from, to: real.id, nativeId: real.nativeId, kind: 'conversation', at: now });
  }
  if (!provisional) return;
  await moveConversations(storesOf(db), [{ from: provisional, to: { id: real.id, nativeId: real.nativeId } }], now);
  await reconcilePreview(db, real.id, now);
}

/** The real conversations a provisional key is tied to whose kind agrees with the row's. */
async function tiedTo(db: InboxDb, provisionalId: string, isGroup: boolean): Promise<Conversation[]> {
  const ties: AliasRecord[] = await db.aliases.where('from').equals(provisionalId).toArray();
  if (ties.length === 0) return [];
  const convs = await db.conversations.bulkGet(ties.map((t) => t.to));
  return convs.filter((c): c is Conversation => !!c && kindAgrees(isGroup, c));
}

/**
 * The real conversation a provisional list row stands for: the one its key is tied to (and whose
 * kind agrees), null when none is (the row is stored as a provisional conversation), or
 * 'ambiguous' when two or more are: then no conversation is updated, and the skip is counted.
 */
async function resolveProvisional(db: InboxDb, platform: Platform, snap: ConversationSnapshot): Promise<Conversation | null | 'ambiguous'> {
  const from = conversationId(platform, snap.nativeId);
  const candidates = await tiedTo(db, from, snap.isGroup);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) return null;
  const old = (await db.meta.get(AMBIGUOUS_PROVISIONAL_KEY))?.value as AmbiguousProvisional | undefined;
  const keys = old?.keys ?? [];
  const value: AmbiguousProvisional = {
    skipped: (old?.skipped ?? 0) + 1,
    keys: keys.includes(from) || keys.length >= 100 ? keys : [...keys, from],
  };
  await db.meta.put({ key: AMBIGUOUS_PROVISIONAL_KEY, value });
  return 'ambiguous';
}

async function ensureConversation(
  db: InboxDb,
  platform: Platform,
  conv: ThreadSnapshot['conversation'],
  now: number,
): Promise<Conversation> {
  const id = conversationId(platform, conv.nativeId);
  const old = await db.conversations.get(id);
  if (old) return old;
  const created: Conversation = {
    id,
    platform,
    nativeId: conv.nativeId,
    title: conv.title,
    isGroup: conv.isGroup,
    unread: false,
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview: '',
    lastMessageAt: null,
    listRank: null,
    personId: null,
    firstSeenAt: now,
    updatedAt: now,
  };
  await db.conversations.put(created);
  return created;
}

/** Smallest gap we subdivide before renumbering (floats near epoch-ms magnitudes keep ~1e-4). */
const MIN_GAP = 1e-2;

async function mergeThread(
  db: InboxDb,
  platform: Platform,
  thread: ThreadSnapshot,
  now: number,
  result: MergeResult,
): Promise<void> {
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
  const newestBefore = await db.messages
    .where('[conversationId+order]')
    .between([conv.id, -Infinity], [conv.id, Infinity])
    .last();

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
        (m) => m.firstSeenAt === now && !m.sender.isSelf && !m.system && m.order > newestBefore.order && !existing.some((e) => e?.id === m.id),
      ),
    );
  }
  // A bubble the app marked "Not sent" is no echo: it never confirms a reply.
  const added = toPut.filter((m) => m.firstSeenAt === now && m.sender.isSelf && !m.system && m.status !== 'failed');
  if (added.length) result.echoed.push(...(await matchOutbox(db, conv.id, added, now)));

  await reconcilePreview(db, conv.id, now);
  if (result.messagesAdded || result.messagesUpdated) result.conversationsChanged++;
}

/**
 * One message, two native ids (Messenger's derived id, then its real data-message-id). A snapshot
 * listing `formerIds` re-keys a message stored under one of them to its id (order, first sighting,
 * encryption mark and references kept; merged when both exist) and remembers the former id, so a
 * later stale read under the former id is the same message: it is rewritten to the real id.
 */
async function resolveFormerIds(db: InboxDb, conv: Conversation, messages: MessageSnapshot[], now: number): Promise<MessageSnapshot[]> {
  const pairs: AliasRecord[] = [];
  for (const m of messages) {
    const to = messageId(conv.id, m.nativeId);
    for (const former of m.formerIds ?? []) {
      if (former !== m.nativeId) pairs.push({ from: messageId(conv.id, former), to, nativeId: m.nativeId, kind: 'message', at: now });
    }
  }
  if (pairs.length) {
    const known = await db.aliases.bulkGet(pairs.map((a): [string, string] => [a.from, a.to]));
    // Once a former id is known, nothing is stored under it again (reads under it are rewritten),
    // so only newly learnt ones can have a message to move.
    const fresh = pairs.filter((_, i) => !known[i]);
    if (fresh.length) await db.aliases.bulkPut(fresh);
    const stored = await db.messages.bulkGet(fresh.map((a) => a.from));
    const moves = new Map<string, MessageMove>();
    fresh.forEach((a, i) => {
      const from = stored[i];
      if (from && !moves.has(a.from)) moves.set(a.from, { from, to: { id: a.to, nativeId: a.nativeId, conversationId: conv.id } });
    });
    if (moves.size) await moveMessages(storesOf(db), [...moves.values()]);
  }
  // Reads without former ids may be stale reads under one (a recycled node, an older render).
  const plain = messages.filter((m) => !m.formerIds?.length).map((m) => messageId(conv.id, m.nativeId));
  if (plain.length === 0) return messages;
  const aliases = await db.aliases.where('from').anyOf(plain).toArray();
  if (aliases.length === 0) return messages;
  const targets = new Map<string, AliasRecord[]>();
  for (const a of aliases) targets.set(a.from, [...(targets.get(a.from) ?? []), a]);
  return messages.map((m) => {
    const to = m.formerIds?.length ? undefined : targets.get(messageId(conv.id, m.nativeId));
    // A former id two messages claim is left alone rather than guessed.
    return to?.length === 1 ? { ...m, nativeId: to[0]!.nativeId } : m;
  });
}

function newMessage(conv: Conversation, s: MessageSnapshot, id: string, order: number, now: number): Message {
  return {
    id,
    conversationId: conv.id,
    platform: conv.platform,
    nativeId: s.nativeId,
    sender: s.sender,
    text: s.text,
    sentAt: s.sentAt,
    timePrecision: s.timePrecision,
    order,
    status: s.status,
    attachments: s.attachments,
    quote: s.quote,
    system: s.system,
    truncated: s.truncated,
    ...(s.reactions ? { reactions: s.reactions } : {}),
    firstSeenAt: now,
    updatedAt: now,
  };
}

function updatedMessage(old: Message, s: MessageSnapshot, order: number, now: number): Message | null {
  const next: Message = { ...old, order };
  next.status = laterStatus(old.status, s.status);
  // Text changes when "Read more" was expanded, or the platform edited the message. A truncated
  // re-render of a message we already have in full never shortens it.
  if (s.text !== old.text && !(s.truncated && !old.truncated)) {
    next.text = s.text;
    next.truncated = s.truncated;
  }
  if (old.sentAt === null && s.sentAt !== null) {
    next.sentAt = s.sentAt;
    next.timePrecision = s.timePrecision;
  }
  if (s.attachments.length > old.attachments.length) next.attachments = s.attachments;
  if (!old.quote && s.quote) next.quote = s.quote;
  // Reactions are replaced as the page shows them (absent: the adapter could not see any); they
  // never touch the text, id or order.
  if (s.reactions && !sameReactions(old.reactions, s.reactions)) next.reactions = s.reactions;
  const changed =
    next.order !== old.order ||
    next.status !== old.status ||
    next.text !== old.text ||
    next.sentAt !== old.sentAt ||
    next.attachments !== old.attachments ||
    next.quote !== old.quote ||
    next.reactions !== old.reactions;
  if (!changed) return null;
  next.updatedAt = now;
  return next;
}

function sameReactions(a: Reaction[] | undefined, b: Reaction[]): boolean {
  return !!a && a.length === b.length && a.every((r, i) => r.emoji === b[i]!.emoji && r.count === b[i]!.count);
}

/**
 * Fill `orders` for new messages. Between two anchors: evenly inside the gap. Before the first
 * anchor: between it and the stored message just below it. After the last: between it and the
 * one just above, else by time or +1. With no anchor at all: after everything stored, or before
 * everything when its times are older than the oldest stored (the user scrolled up).
 */
async function assignOrders(
  db: InboxDb,
  convId: string,
  snaps: MessageSnapshot[],
  orders: (number | undefined)[],
): Promise<void> {
  const range = () => db.messages.where('[conversationId+order]');
  let i = 0;
  while (i < snaps.length) {
    if (orders[i] !== undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < snaps.length && orders[j] === undefined) j++;
    const run = snaps.slice(i, j); // new messages [i, j)
    let lo: number | null = i > 0 ? orders[i - 1]! : null;
    let hi: number | null = j < snaps.length ? orders[j]! : null;
    if (i === 0 && j === snaps.length) {
      const all = range().between([convId, -Infinity], [convId, Infinity]);
      const oldest = await all.first();
      const newest = await all.clone().last();
      const firstTime = run.find((m) => m.sentAt !== null)?.sentAt ?? null;
      if (oldest && newest) {
        if (firstTime !== null && oldest.sentAt !== null && firstTime < oldest.sentAt) hi = oldest.order;
        else lo = newest.order;
      }
    } else if (i === 0) {
      lo = (await range().between([convId, -Infinity], [convId, hi!], true, false).last())?.order ?? null;
    } else if (j === snaps.length) {
      hi = (await range().between([convId, lo!], [convId, Infinity], false, true).first())?.order ?? null;
    }
    if (lo !== null && hi !== null && (hi - lo) / (run.length + 1) < MIN_GAP) {
      // Too tight to subdivide: open a gap by shifting everything from `hi` up.
      const by = run.length + 1;
      const later = await range().between([convId, hi], [convId, Infinity], true, true).toArray();
      await db.messages.bulkPut(later.map((m) => ({ ...m, order: m.order + by })));
      for (let k = 0; k < orders.length; k++) if (orders[k] !== undefined && orders[k]! >= hi) orders[k] = orders[k]! + by;
      hi += by;
    }
    placeRun(run, lo, hi).forEach((o, k) => (orders[i + k] = o));
    i = j;
  }
}

/** Orders for a run given the bounds (either may be unknown). Times are used where they fit. */
function placeRun(run: MessageSnapshot[], lo: number | null, hi: number | null): number[] {
  const n = run.length;
  if (lo !== null && hi !== null) return run.map((_, k) => lo + ((hi - lo) * (k + 1)) / (n + 1));
  if (hi !== null) return run.map((_, k) => hi - (n - k));
  const out: number[] = [];
  let prev = lo ?? -Infinity;
  for (const m of run) {
    const o = m.sentAt !== null && m.sentAt > prev ? m.sentAt : prev === -Infinity ? 0 : prev + 1;
    out.push(o);
    prev = o;
  }
  return out;
}

/** An outgoing bubble whose text matches a reply we are posting confirms that reply. */
async function matchOutbox(db: InboxDb, convId: string, added: Message[], now: number): Promise<string[]> {
  const entries = await db.outbox.where('conversationId').equals(convId).toArray();
  // A failed reply whose attempt reached a tab may still have been posted (no echo in time, or the
  // tab went away mid-post): its echo appearing later settles it.
  const mayHavePosted = (e: OutboxEntry) =>
    e.state === 'failed' && e.attemptStartedAt !== undefined && (e.reason === 'no-echo' || e.reason === 'interrupted' || e.reason === 'no-tab');
  const open = entries
    .filter((e) => e.state === 'posting' || e.state === 'queued' || mayHavePosted(e))
    .sort((a, b) => a.createdAt - b.createdAt);
  const confirmed: string[] = [];
  for (const m of added) {
    if (entries.some((e) => e.messageId === m.id)) continue;
    const entry = open.find((e) => !confirmed.includes(e.id) && sameMessageText(e.text, m.text));
    if (!entry) continue;
    confirmed.push(entry.id);
    const done: OutboxEntry = { ...entry, state: 'sent', reason: undefined, detail: undefined, messageId: m.id, updatedAt: now };
    await db.outbox.put(done);
  }
  return confirmed;
}

/**
 * Pages label times to the minute, so two chats that moved within the same minute on different
 * platforms would tie. A time inside the current minute is refined to `now`, when it was observed
 * (still within the labelled minute, so never later than the truth by more than the label allows).
 */
export function liveTime(labelled: number, now: number): number {
  return labelled <= now && now - labelled < 60_000 ? now : labelled;
}

const minuteOf = (t: number) => t - (((t % 60_000) + 60_000) % 60_000);

/** The conversation's preview follows its newest stored message when that is newer than the list's. */
async function reconcilePreview(db: InboxDb, convId: string, now: number): Promise<void> {
  const conv = await db.conversations.get(convId);
  if (!conv) return;
  const newest = await db.messages
    .where('[conversationId+order]')
    .between([convId, -Infinity], [convId, Infinity])
    .reverse()
    .filter((m) => !m.system)
    .first();
  if (!newest) return;
  const next = { ...conv };
  const time = newest.sentAt;
  if (time !== null && (conv.lastMessageAt === null || time >= minuteOf(conv.lastMessageAt))) {
    next.lastMessageAt = Math.max(conv.lastMessageAt ?? -Infinity, liveTime(time, now));
    next.preview = previewOf(newest);
  } else if (conv.preview === '') {
    next.preview = previewOf(newest);
  }
  await putIfChanged(db, conv, next, now);
}
