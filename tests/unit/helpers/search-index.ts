// Test helper: the stored search index against the one a rebuild from the stored messages gives.
import type { InboxDb } from '../../../lib/store/db';
import { docOf, type SearchDoc } from '../../../lib/store/search';

/** Stored index records, and what a rebuild from the messages would store; equal when consistent. */
export async function indexAndRebuild(db: InboxDb): Promise<{ stored: SearchDoc[]; rebuilt: SearchDoc[] }> {
  const stored = await db.searchDocs.toArray(); // primary-key order
  const rebuilt = (await db.messages.toArray())
    .flatMap((m) => docOf(m) ?? [])
    .sort((a, b) => a.rank - b.rank || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
  return { stored, rebuilt };
}
