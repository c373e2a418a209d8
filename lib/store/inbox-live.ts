// The conversation list, kept current by reading again only the conversations a write changed.
// A liveQuery around inbox() read the whole table after every write to it: at 50,000 conversations
// ~0.7 s each time, while a sweep or a busy chat writes every few seconds. Dexie's
// `storagemutated` (here, and through its BroadcastChannel from the background) names the primary
// keys a write touched; those are read in one request and patched into the sorted list.
import { cmp, Dexie, type ObservabilitySet } from 'dexie';
import type { InboxDb } from './db';
import type { Conversation } from '../shared/model';
import { byRecency, inbox } from './queries';

/** Past this many changed conversations the list is read whole again (a chat-list sweep's batch). */
export const PATCH_MAX = 200;

/**
 * The conversations a write changed: their ids, `'all'` when it cannot say which (a range deleted
 * or cleared, a bulk write of 50 or more, which Dexie reports as the whole table, or too many), or
 * null when it wrote no conversation.
 */
export function changedConversations(parts: ObservabilitySet, dbName: string): string[] | 'all' | null {
  if (parts.all) return 'all';
  const written = parts[`idb://${dbName}/conversations/`];
  if (!written) return null;
  const ids: string[] = [];
  // The tree is walked by hand: from another context it arrives as a plain object (a structured
  // clone), without the RangeSet methods.
  const stack = [written as unknown as RangeNode];
  while (stack.length) {
    const node = stack.pop()!;
    if (!('from' in node)) continue; // an empty set
    if (typeof node.from !== 'string' || cmp(node.from, node.to) !== 0) return 'all';
    ids.push(node.from);
    if (ids.length > PATCH_MAX) return 'all';
    if (node.l) stack.push(node.l);
    if (node.r) stack.push(node.r);
  }
  return ids.length ? ids : null;
}

/** A node of Dexie's interval tree (RangeSet): a range, and the subtrees before and after it. */
interface RangeNode {
  from?: unknown;
  to?: unknown;
  l?: RangeNode | null;
  r?: RangeNode | null;
}

/**
 * `list` (as inbox() orders it) with the conversations in `changed` replaced by their current
 * records: removed when gone or archived, otherwise put where inbox() would put them. The order is
 * total (byRecency ends on the id), so the result equals a fresh inbox().
 */
export function patchInbox(list: readonly Conversation[], changed: ReadonlyMap<string, Conversation | undefined>): Conversation[] {
  const out = list.filter((c) => !changed.has(c.id));
  for (const c of changed.values()) {
    if (!c || c.archived) continue;
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byRecency(out[mid]!, c) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, c);
  }
  return out;
}

/**
 * Reads inbox() once, then hands over the list again after each write that changed a conversation
 * (one read at a time; the writes seen during a read are read after it, together). A failed read
 * is reported and the next write reads the whole list again. Returns the function that stops it.
 */
export function watchInbox(db: InboxDb, onList: (list: Conversation[]) => void, onError: (e: unknown) => void): () => void {
  let list: Conversation[] | null = null;
  let pending: Set<string> | 'all' | null = null;
  let running = false;
  let stopped = false;
  const run = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      while (!stopped && (list === null || pending)) {
        const todo = pending;
        pending = null;
        if (list === null || todo === 'all') list = await inbox(db);
        else {
          const ids = [...todo!];
          const rows = await db.conversations.bulkGet(ids);
          list = patchInbox(list, new Map(ids.map((id, i) => [id, rows[i]])));
        }
        if (!stopped) onList(list);
      }
    } catch (e) {
      list = null;
      if (!stopped) onError(e);
    } finally {
      running = false;
    }
  };
  const onChange = (parts: ObservabilitySet) => {
    if (stopped) return;
    const ids = changedConversations(parts, db.name);
    if (!ids) return;
    if (ids === 'all' || pending === 'all') pending = 'all';
    else {
      pending ??= new Set();
      for (const id of ids) pending.add(id);
      if (pending.size > PATCH_MAX) pending = 'all';
    }
    void run(); // a read under way takes them up when it ends
  };
  // Listening before the first read: a write committed while it runs is read after it.
  Dexie.on('storagemutated', onChange);
  void run();
  return () => {
    stopped = true;
    Dexie.on.storagemutated.unsubscribe(onChange);
  };
}
