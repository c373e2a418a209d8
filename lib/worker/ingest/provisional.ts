// Provisional keys: a chat-list row without a platform id is stored under a key made from its
// title, until a thread read names both that key and the real id (a tie, kept in `aliases`). Rows
// and thread reads under a tied key then go to the real conversation; a key tied to two or more is
// never guessed at.
import type { InboxDb } from '../../store/db';
import {
  conversationId,
  isProvisionalKey,
  type Conversation,
  type ConversationSnapshot,
  type Platform,
  type ThreadSnapshot,
} from '../../shared/model';
import { moveConversations, storesOf, type AliasRecord } from '../../store/rekey';
import { ensureConversation } from './conversations';
import { reconcilePreview } from './preview';

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
export async function tieProvisional(db: InboxDb, platform: Platform, conv: ThreadSnapshot['conversation'], now: number): Promise<void> {
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
export async function tiedTo(db: InboxDb, provisionalId: string, isGroup: boolean): Promise<Conversation[]> {
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
export async function resolveProvisional(
  db: InboxDb,
  platform: Platform,
  snap: ConversationSnapshot,
): Promise<Conversation | null | 'ambiguous'> {
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
