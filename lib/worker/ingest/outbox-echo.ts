// Outbox echoes: an outgoing bubble that appears in a thread read confirms the reply we posted.
import type { InboxDb } from '../../store/db';
import type { Message, OutboxEntry } from '../../shared/model';
import { sameMessageText } from '../../shared/text';

/** An outgoing bubble whose text matches a reply we are posting confirms that reply. */
export async function matchOutbox(db: InboxDb, convId: string, added: Message[], now: number): Promise<string[]> {
  const entries = await db.outbox.where('conversationId').equals(convId).toArray();
  // A failed reply whose attempt reached a tab may still have been posted (no echo in time, or the
  // tab went away mid-post): its echo appearing later settles it.
  const mayHavePosted = (e: OutboxEntry) =>
    e.state === 'failed' &&
    e.attemptStartedAt !== undefined &&
    (e.reason === 'no-echo' || e.reason === 'interrupted' || e.reason === 'no-tab');
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
