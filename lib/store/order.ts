// Where new messages go in a conversation's thread order (`Message.order`). One algorithm for both
// of the store's message writers: the merge (a run the page rendered) and the import (a run in file
// order). Known messages are anchors and keep their order; runs of new ones go between them.
import type { InboxDb } from './db';

/** Smallest gap we subdivide before renumbering (floats near epoch-ms magnitudes keep ~1e-4). */
export const MIN_GAP = 1e-2;

/** What placing needs of a message: its time, where the page or file gave one. */
export interface Placed {
  sentAt: number | null;
}

/**
 * Fill `orders` (known messages' orders, undefined for new ones) for the new messages of
 * `items`, which are in thread order. Between two anchors: evenly inside the gap. Before the first
 * anchor: between it and the stored message just below it. After the last: between it and the
 * one just above, else by time or +1. With no anchor at all: after everything stored, or before
 * everything when its times are older than the oldest stored (the user scrolled up).
 *
 * When a gap is too tight to subdivide (under MIN_GAP per message), every stored message from the
 * upper anchor on is shifted up, and so are the anchors in `orders`: callers that write a known
 * message must write it with its order from `orders`, not the one they read before.
 */
export async function assignOrders(db: InboxDb, convId: string, items: readonly Placed[], orders: (number | undefined)[]): Promise<void> {
  const range = () => db.messages.where('[conversationId+order]');
  let i = 0;
  while (i < items.length) {
    if (orders[i] !== undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < items.length && orders[j] === undefined) j++;
    const run = items.slice(i, j); // new messages [i, j)
    let lo: number | null = i > 0 ? orders[i - 1]! : null;
    let hi: number | null = j < items.length ? orders[j]! : null;
    if (i === 0 && j === items.length) {
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
    } else if (j === items.length) {
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
function placeRun(run: readonly Placed[], lo: number | null, hi: number | null): number[] {
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
