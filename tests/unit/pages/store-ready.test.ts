// The pages start without the store's upgrade functions (lib/store/migrations.ts) and load them only
// when the store on disk is older than the schema (lib/pages/store-ready.ts). Without them an
// upgrade fails whole: the store stays as it was.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { expect, test, vi } from 'vitest';
import { openDb, SCHEMA_VERSION } from '../../../lib/store/db';
import { storeReady } from '../../../lib/pages/store-ready';
import { storedConversation } from '../helpers/factories';

const loads = vi.hoisted(() => ({ migrations: 0 }));
vi.mock('../../../lib/store/migrations', async (original) => {
  loads.migrations++;
  return await original();
});

/** The v5 schema as released (every table at once: a new store of that version). */
function openV5(): Dexie {
  const db = new Dexie('unified-inbox');
  db.version(5).stores({
    conversations: 'id, platform, lastMessageAt, personId, updatedAt',
    messages: 'id, conversationId, [conversationId+order], firstSeenAt',
    outbox: 'id, conversationId, state, createdAt',
    health: 'platform',
    meta: 'key',
    people: 'id, name',
    e2eeDevice: 'id',
    e2eeSessions: 'conversationId',
    e2eePlain: 'id, conversationId, armorId',
    searchDocs: '[rank+messageId], *terms',
    aliases: '[from+to], from, to',
  });
  return db;
}

const installedVersion = async () => (await indexedDB.databases()).find((d) => d.name === 'unified-inbox')?.version;

test('no store yet, or one of the current schema: nothing more is loaded', async () => {
  await storeReady();
  expect(loads.migrations).toBe(0);
  const db = openDb();
  await db.open(); // a new store runs no upgrades
  db.close();
  expect(await installedVersion()).toBe(SCHEMA_VERSION * 10);
  await storeReady();
  expect(loads.migrations).toBe(0);
  await Dexie.delete('unified-inbox');
});

test('an older store: opening it without the upgrades fails and leaves it as it was; storeReady loads them and it upgrades', async () => {
  const old = openV5();
  const chat = storedConversation('whatsapp', 'budi', { unread: true, unreadCount: 3 });
  await old.table('conversations').put(chat);
  old.close();

  const early = openDb();
  await expect(early.open()).rejects.toThrow(/needs its v6 upgrade/);
  early.close();
  expect(await installedVersion()).toBe(50);

  await storeReady();
  expect(loads.migrations).toBe(1);
  const db = openDb();
  await db.open();
  expect(await installedVersion()).toBe(SCHEMA_VERSION * 10);
  expect(await db.conversations.get(chat.id)).toEqual({ ...chat, unreadWeight: 3 });
  db.close();
});
