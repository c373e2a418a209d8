// The one local store (IndexedDB through Dexie). The background service worker is its only
// writer; extension pages read it (same extension origin) reactively with liveQuery.
import Dexie, { type EntityTable } from 'dexie';
import type { AdapterHealth, Conversation, Message, OutboxEntry, Platform } from './model';

export const DB_NAME = 'unified-inbox';

/** Small key/value records the background keeps (e.g. counters, last-seen batch ids). */
export interface MetaRecord {
  key: string;
  value: unknown;
}

export type InboxDb = Dexie & {
  conversations: EntityTable<Conversation, 'id'>;
  messages: EntityTable<Message, 'id'>;
  outbox: EntityTable<OutboxEntry, 'id'>;
  health: EntityTable<AdapterHealth, 'platform'>;
  meta: EntityTable<MetaRecord, 'key'>;
};

/**
 * Schema history. Never edit a released version: add a new one with an upgrade function, and a
 * test that opens a store written by every earlier version.
 */
export function defineSchema(db: Dexie): void {
  db.version(1).stores({
    conversations: 'id, platform, lastMessageAt, personId, updatedAt',
    messages: 'id, conversationId, [conversationId+order], firstSeenAt',
    outbox: 'id, conversationId, state, createdAt',
    health: 'platform',
    meta: 'key',
  });
}

export function openDb(name = DB_NAME): InboxDb {
  const db = new Dexie(name) as InboxDb;
  defineSchema(db);
  return db;
}

let shared: InboxDb | null = null;
/** The process-wide store handle (one per extension context). */
export function getDb(): InboxDb {
  shared ??= openDb();
  return shared;
}

export type { Platform };
