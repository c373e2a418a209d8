// The badge's weight is kept on every write of a conversation, whatever the writer calls.
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { openDb } from '../../../lib/store/db';
import { unreadWeight, withUnreadWeight } from '../../../lib/store/unread-weight';
import { storedConversation as conv } from '../helpers/factories';

let k = 0;
const weightOf = async (db: ReturnType<typeof openDb>, id: string) => (await db.conversations.get(id))?.unreadWeight;
const counted = async (db: ReturnType<typeof openDb>) => (await db.conversations.where('unreadWeight').above(0).primaryKeys()).sort();

describe('unread weight', () => {
  test('per the platform: WhatsApp its number (at least 1), Instagram and Messenger 1; read, muted, archived 0', () => {
    expect(unreadWeight(conv('whatsapp', 'a', { unread: true, unreadCount: 7 }))).toBe(7);
    expect(unreadWeight(conv('whatsapp', 'a', { unread: true, unreadCount: 0 }))).toBe(1);
    expect(unreadWeight(conv('whatsapp', 'a', { unread: false, unreadCount: 7 }))).toBe(0);
    expect(unreadWeight(conv('instagram', 'a', { unread: true, unreadCount: 7 }))).toBe(1);
    expect(unreadWeight(conv('messenger', 'a', { unread: true, muted: true }))).toBe(0);
    expect(unreadWeight(conv('messenger', 'a', { unread: true, archived: true }))).toBe(0);
    // No weight, no field: IndexedDB leaves the record out of the index.
    expect('unreadWeight' in withUnreadWeight({ ...conv('messenger', 'a'), unreadWeight: 3 })).toBe(false);
  });

  test('put, bulkPut, update, modify and add all keep the stored field and the index', async () => {
    const db = openDb(`unread-weight-${k++}`);
    await db.conversations.bulkPut([conv('whatsapp', 'a', { unread: true, unreadCount: 2 }), conv('instagram', 'b')]);
    expect(await weightOf(db, 'whatsapp:a')).toBe(2);
    expect(await counted(db)).toEqual(['whatsapp:a']);

    await db.conversations.update('instagram:b', { unread: true });
    expect(await weightOf(db, 'instagram:b')).toBe(1);
    await db.conversations.update('whatsapp:a', { unreadCount: 5 });
    expect(await weightOf(db, 'whatsapp:a')).toBe(5);

    await db.conversations.where('platform').equals('whatsapp').modify({ muted: true });
    expect(await weightOf(db, 'whatsapp:a')).toBeUndefined();
    expect(await counted(db)).toEqual(['instagram:b']);

    await db.conversations.toCollection().modify((c) => {
      c.unread = false;
    });
    expect(await counted(db)).toEqual([]);

    await db.conversations.put({ ...conv('messenger', 'c', { unread: true }), unreadWeight: 99 });
    expect(await weightOf(db, 'messenger:c')).toBe(1); // a writer's stale value never wins
    await db.conversations.add(conv('whatsapp', 'd', { unread: true, unreadCount: 3 }));
    expect(await counted(db)).toEqual(['messenger:c', 'whatsapp:d']);
    db.close();
  });
});
