// Schemas as they were released, copied here so that later edits to lib/store/db.ts cannot
// change what the upgrade tests start from.
import Dexie from 'dexie';

/** A Dexie of exactly the v1 schema (not opened). */
export function openV1(name: string): Dexie {
  const db = new Dexie(name);
  db.version(1).stores({
    conversations: 'id, platform, lastMessageAt, personId, updatedAt',
    messages: 'id, conversationId, [conversationId+order], firstSeenAt',
    outbox: 'id, conversationId, state, createdAt',
    health: 'platform',
    meta: 'key',
  });
  return db;
}
