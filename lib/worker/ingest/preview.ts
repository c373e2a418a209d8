// A conversation's preview and time follow its newest stored message when that is newer than
// what the chat list showed.
import type { InboxDb } from '../../store/db';
import { previewOf } from '../../shared/text';
import { liveTime, putIfChanged } from './conversations';

const minuteOf = (t: number) => t - (((t % 60_000) + 60_000) % 60_000);

/** The conversation's preview follows its newest stored message when that is newer than the list's. */
export async function reconcilePreview(db: InboxDb, convId: string, now: number): Promise<void> {
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
