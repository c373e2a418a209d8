// Former message ids: one message read under two native ids (Messenger) stays one record.
import type { InboxDb } from '../../store/db';
import { messageId, type Conversation, type MessageSnapshot } from '../../shared/model';
import { moveMessages, storesOf, type AliasRecord, type MessageMove } from '../../store/rekey';

/**
 * One message, two native ids (Messenger's derived id, then its real data-message-id). A snapshot
 * listing `formerIds` re-keys a message stored under one of them to its id (order, first sighting,
 * encryption mark and references kept; merged when both exist) and remembers the former id, so a
 * later stale read under the former id is the same message: it is rewritten to the real id.
 */
export async function resolveFormerIds(
  db: InboxDb,
  conv: Conversation,
  messages: MessageSnapshot[],
  now: number,
): Promise<MessageSnapshot[]> {
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
