// The one local store (IndexedDB through Dexie). The background service worker is its only
// writer; extension pages read it (same extension origin) reactively with liveQuery.
import Dexie, { type EntityTable, type Table, type Transaction } from 'dexie';
import type { AdapterHealth, Conversation, Message, OutboxEntry, Person, Platform } from '../shared/model';
import type { DocKey, SearchDoc } from './search-doc';
import type { BlockKey, DenseWord, PostingBlock } from './search-blocks';
import type { E2eeConversation, E2eeDeviceRecord, E2eePlain } from './records';
import type { AliasRecord } from './rekey';
import { unreadWeightMiddleware } from './unread-weight';

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
  /** v2: people linked across platforms. */
  people: EntityTable<Person, 'id'>;
  /** v4: the message search index, one record per message keyed newest first (lib/store/search.ts). */
  searchDocs: Table<SearchDoc, DocKey>;
  /** v3: this device's encryption keys (sealed) and the sealing key (lib/e2ee). */
  e2eeDevice: EntityTable<E2eeDeviceRecord, 'id'>;
  /** v3: encryption state per conversation (sessions sealed). */
  e2eeSessions: EntityTable<E2eeConversation, 'conversationId'>;
  /** v3: decrypted plaintexts (sealed), per stored message id or `armor:<armor message id>`. */
  e2eePlain: EntityTable<E2eePlain, 'id'>;
  /**
   * v5: ids that were replaced and what replaces them: a provisional conversation key tied to the
   * real conversation a thread read named (possibly several, see lib/worker/merge.ts), a message's former
   * (derived) id to its real one. Primary key [from+to].
   */
  aliases: Table<AliasRecord, [string, string]>;
  /**
   * v6: every word the search index has held, as keys (value 1; lib/store/search.ts). A query word
   * is expanded into the indexed words it starts in one read here, where walking the index's
   * distinct words took one seek per word. Never pruned: a word no message holds any more expands
   * into an empty list.
   */
  searchWords: Table<1, string>;
  /** v7: the index keys of frequent words, packed (lib/store/search-blocks.ts). Derived; rebuilt by compaction. */
  searchBlocks: Table<PostingBlock, BlockKey>;
  /** v7: which words have blocks, and from which index key back they hold the word's keys. */
  searchDense: EntityTable<DenseWord, 'term'>;
};

/** The schema's version (Dexie's number; IndexedDB stores it ×10). */
export const SCHEMA_VERSION = 7;

/**
 * What upgrades a store written by an earlier version (lib/store/migrations.ts, which holds them
 * with what they need: the id rewrite, the index builders, ~3 KB gz). Not imported here: the
 * background provides them before it opens the store (it is the one that upgrades it after an
 * update), and a page loads them only when the store it finds is older than this schema
 * (lib/pages/store-ready.ts), which almost never happens, so the pages start without them.
 */
export interface Migrations {
  /** v2: index the stored messages' words. */
  v2(tx: Transaction): Promise<void>;
  /** v4: rebuild the search index as one record per message. */
  v4(tx: Transaction): Promise<void>;
  /** v5: rewrite the ids (lib/store/rekey.ts). */
  v5(tx: Transaction): Promise<void>;
  /** v6: the badge's weight on every conversation; the index's words in a table of their own. */
  v6(tx: Transaction): Promise<void>;
}

let provided: Migrations | null = null;

/** Makes the upgrade functions available to every store this context opens. */
export function provideMigrations(migrations: Migrations): void {
  provided = migrations;
}

/**
 * An upgrade that runs the provided migration. Without one it fails, which aborts the upgrade and
 * the open: the store stays as it was (never half-upgraded), and the next open with them upgrades it.
 */
function upgrade(version: keyof Migrations) {
  return (tx: Transaction) => {
    if (!provided) throw new Error(`[unified-inbox] the store needs its ${version} upgrade, not loaded in this context`);
    return provided[version](tx);
  };
}

/** One version of the schema: the tables it adds or changes (null drops one), and its upgrade. */
interface SchemaStep {
  version: number;
  stores: Readonly<Record<string, string | null>>;
  upgrade?: keyof Migrations;
}

/**
 * Schema history. Never edit a released version: add a new one (with an upgrade function in
 * lib/store/migrations.ts when stored data must change), and a test that opens a store written by
 * every earlier version.
 */
const HISTORY: readonly SchemaStep[] = [
  {
    version: 1,
    stores: {
      conversations: 'id, platform, lastMessageAt, personId, updatedAt',
      messages: 'id, conversationId, [conversationId+order], firstSeenAt',
      outbox: 'id, conversationId, state, createdAt',
      health: 'platform',
      meta: 'key',
    },
  },
  // v2 (issue 5): people, and a token index for search. Existing messages are indexed on upgrade.
  { version: 2, stores: { people: 'id, name', searchTerms: '[term+messageId], term, messageId' }, upgrade: 'v2' },
  // v3 (issue 4): the end-to-end encryption layer's own tables; nothing existing changes.
  { version: 3, stores: { e2eeDevice: 'id', e2eeSessions: 'conversationId', e2eePlain: 'id, conversationId, armorId' } },
  // v4 (issue 7): the search index becomes one record per message, keyed [−time, message id]
  // with a multiEntry index on its words (v2 wrote a row with three B-tree entries per word and
  // message, ~80 % of the merge's time, and could not be read newest first). Rebuilt from the
  // stored messages; the v2 table goes.
  { version: 4, stores: { searchTerms: null, searchDocs: '[rank+messageId], *terms' }, upgrade: 'v4' },
  // v5 (issues 11, 12): replaced ids are remembered (aliases); WhatsApp conversations move from
  // their title to titleKey (kind-qualified); ids escape `%` and `:` in their parts so two native
  // ids can never make one id. Every table holding such ids is rewritten (lib/store/rekey.ts).
  { version: 5, stores: { aliases: '[from+to], from, to' }, upgrade: 'v5' },
  // v6 (issue 15): conversations carry what they add to the badge, indexed, so the badge reads the
  // unread ones only (it read all of them on every change); every write keeps the field. The
  // search index's words get a table of their own (one read expands a query word), filled here
  // from the index's distinct words.
  {
    version: 6,
    stores: { conversations: 'id, platform, lastMessageAt, personId, updatedAt, unreadWeight', searchWords: '' },
    upgrade: 'v6',
  },
  // v7 (issue 15): posting blocks for frequent words. Empty at first: every word is read from the
  // index until the worker's first compaction gives the frequent ones blocks.
  { version: 7, stores: { searchBlocks: '[term+first+firstId]', searchDense: 'term' } },
];

/** Every table as the whole history leaves it: what a store of the current version holds. */
export const CURRENT_STORES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(Object.assign({}, ...HISTORY.map((step) => step.stores)) as Record<string, string | null>).filter(
    (e): e is [string, string] => e[1] !== null,
  ),
);

/** Every version with its upgrade: what opening a store written by an earlier version needs. */
function defineHistory(db: Dexie): void {
  for (const step of HISTORY) {
    const v = db.version(step.version).stores(step.stores);
    if (step.upgrade) v.upgrade(upgrade(step.upgrade));
  }
}

/**
 * The current version only (its tables as the history leaves them). Dexie re-reads every earlier
 * version each time a version is declared, so declaring the whole history cost 16–65 ms in a fresh
 * Chromium page (15–40 in the worker at the browser's start) where the current version alone costs
 * 3–7 (bench/README.md, "Service worker: the schema's history only for an older store"). A store of the current version, or a new one
 * (which runs no upgrades), is opened as it is; an older one is first upgraded by a connection of
 * its own that declares the whole history, so the tables this one handed out stay its own.
 */
export function defineSchema(db: Dexie, name: string): void {
  db.version(SCHEMA_VERSION).stores(CURRENT_STORES);
  db.use(unreadWeightMiddleware);
  const open = db.open.bind(db);
  let upgraded: Promise<void> | undefined;
  // Dexie opens through db.open(), on the first query or when called: the upgrade comes first.
  db.open = () => {
    upgraded ??= upgradeIfOlder(name).catch((e: unknown) => {
      upgraded = undefined; // a later open tries again (a page may load the upgrades meanwhile)
      throw e;
    });
    return Dexie.Promise.resolve(upgraded).then(open);
  };
}

/** Brings an older store to the current version through the whole history, then closes. */
async function upgradeIfOlder(name: string): Promise<void> {
  if (!(await olderOnDisk(name))) return;
  const upgrader = new Dexie(name, { cache: 'disabled' });
  defineHistory(upgrader);
  upgrader.use(unreadWeightMiddleware);
  try {
    await upgrader.open();
  } finally {
    upgrader.close();
  }
}

/** Whether the store on disk is older than this schema; when it cannot tell, yes (the history is always safe). */
export async function olderOnDisk(name: string, idb: IDBFactory | undefined = globalThis.indexedDB): Promise<boolean> {
  try {
    const found = (await idb!.databases()).find((d) => d.name === name);
    if (!found) return false; // no store yet: a new store runs no upgrades
    return found.version === undefined || found.version < SCHEMA_VERSION * 10;
  } catch {
    return true;
  }
}

export function openDb(name = DB_NAME): InboxDb {
  // No liveQuery cache: Dexie's default ('cloned') keeps every live result and hands each reader a
  // deep copy, so a page held each one twice (the conversation list, before it had its own watcher
  // in inbox-live.ts; a thread's window still: bench/README.md, "Memory"). What the cache buys is
  // optimistic results for a page's own writes, and the pages write nothing (the background is
  // the only writer; it runs no liveQuery).
  const db = new Dexie(name, { cache: 'disabled' }) as InboxDb;
  defineSchema(db, name);
  return db;
}

let shared: InboxDb | null = null;
/** The process-wide store handle (one per extension context). */
export function getDb(): InboxDb {
  shared ??= openDb();
  return shared;
}

export type { Platform };
