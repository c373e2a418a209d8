// Chat-list rows and thread headers become conversation records: created on first sight, then
// updated from each list read (the row's list state; a known later time is kept).
import type { InboxDb } from '../../store/db';
import { conversationId, type Conversation, type ConversationSnapshot, type Platform, type ThreadSnapshot } from '../../shared/model';

/** false: unchanged; true: created or changed; a Conversation: changed and its unread went up. */
export async function upsertConversation(
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

export async function putIfChanged(db: InboxDb, old: Conversation, next: Conversation, now: number): Promise<boolean> {
  const keys = Object.keys(next) as (keyof Conversation)[];
  if (keys.every((k) => k === 'updatedAt' || old[k] === next[k])) return false;
  next.updatedAt = now;
  await db.conversations.put(next);
  return true;
}

export async function ensureConversation(
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

/**
 * Pages label times to the minute, so two chats that moved within the same minute on different
 * platforms would tie. A time inside the current minute is refined to `now`, when it was observed
 * (still within the labelled minute, so never later than the truth by more than the label allows).
 */
export function liveTime(labelled: number, now: number): number {
  return labelled <= now && now - labelled < 60_000 ? now : labelled;
}
