import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { mergeIngest } from '../../../lib/worker/merge';
import type { ConversationSnapshot, MessageSnapshot } from '../../../lib/shared/model';
import type { Ingest } from '../../../lib/shared/protocol';
import { snapshotChat, snapshotMessage } from '../helpers/factories';
import { indexAndRebuild } from '../helpers/search-index';

let db: InboxDb;
let n = 0;
beforeEach(async () => {
  db = openDb(`merge-test-${n++}`);
  await db.open();
});

const T0 = Date.UTC(2026, 10, 20, 9, 0);
const min = (k: number) => T0 + k * 60_000;

const msg = snapshotMessage;

const chat = snapshotChat;

let batchNo = 0;
function batch(messages: MessageSnapshot[], conversations: ConversationSnapshot[] = [], state: Ingest['health']['state'] = 'ok'): Ingest {
  return {
    type: 'ingest',
    platform: 'whatsapp',
    batchId: `b${batchNo++}`,
    health: { state },
    conversations,
    thread: messages.length ? { conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false }, messages } : null,
  };
}

async function thread(): Promise<string[]> {
  const rows = await db.messages
    .where('[conversationId+order]')
    .between(['whatsapp:Budi', -Infinity], ['whatsapp:Budi', Infinity])
    .toArray();
  return rows.map((m) => m.nativeId);
}

describe('merge', () => {
  test('the same batch twice stores each message once', async () => {
    const b = batch([msg('a'), msg('b'), msg('c')]);
    const first = await mergeIngest(db, b);
    const second = await mergeIngest(db, b);
    expect(first.messagesAdded).toBe(3);
    expect(second.messagesAdded).toBe(0);
    expect(second.messagesUpdated).toBe(0);
    expect(await db.messages.count()).toBe(3);
    expect(await thread()).toEqual(['a', 'b', 'c']);
  });

  test('a recycled node reporting the same message twice in one batch is stored once', async () => {
    await mergeIngest(db, batch([msg('a'), msg('b'), msg('a')]));
    expect(await db.messages.count()).toBe(2);
  });

  test('new messages land between their DOM neighbours, whatever order batches arrive in', async () => {
    await mergeIngest(db, batch([msg('a'), msg('c'), msg('e')]));
    await mergeIngest(db, batch([msg('c'), msg('d'), msg('e')]));
    await mergeIngest(db, batch([msg('a'), msg('b'), msg('c')]));
    await mergeIngest(db, batch([msg('e'), msg('f')]));
    expect(await thread()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  test('a run before the first anchor goes between it and the stored message below', async () => {
    await mergeIngest(db, batch([msg('a'), msg('d')]));
    await mergeIngest(db, batch([msg('b'), msg('c'), msg('d')]));
    expect(await thread()).toEqual(['a', 'b', 'c', 'd']);
  });

  test('older messages revealed by scrolling up go before everything stored', async () => {
    await mergeIngest(db, batch([msg('c', { sentAt: min(3) }), msg('d', { sentAt: min(4) })]));
    await mergeIngest(db, batch([msg('a', { sentAt: min(1) }), msg('b', { sentAt: min(2) })]));
    expect(await thread()).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a message that leaves the DOM is not deleted', async () => {
    await mergeIngest(db, batch([msg('a'), msg('b')]));
    await mergeIngest(db, batch([msg('b'), msg('c')]));
    expect(await thread()).toEqual(['a', 'b', 'c']);
  });

  test('many insertions into one gap keep DOM order (renumbering when the gap runs out)', async () => {
    await mergeIngest(db, batch([msg('a', { sentAt: min(0) }), msg('z', { sentAt: min(0) })]));
    // a and z are 1 apart; insert 40 runs of 3 right after a each time.
    let prev = 'a';
    const expected = ['a'];
    for (let k = 0; k < 40; k++) {
      const run = [`m${k}x`, `m${k}y`, `m${k}z`];
      const next = (await thread())[(await thread()).indexOf(prev) + 1]!;
      await mergeIngest(db, batch([msg(prev), ...run.map((r) => msg(r)), msg(next)]));
      expected.push(...run);
      prev = run[2]!;
    }
    expected.push('z');
    expect(await thread()).toEqual(expected);
    // Renumbering rewrote the orders only: the search index still matches the messages.
    const { stored, rebuilt } = await indexAndRebuild(db);
    expect(stored).toEqual(rebuilt);
    expect(stored).toHaveLength(expected.length);
  });

  test('the search index follows every change of a message: text, time learnt later, attachments, quote', async () => {
    await mergeIngest(db, batch([msg('a', { text: 'Kopi dulu' }), msg('b', { text: 'nanti sore' })]), T0);
    await mergeIngest(
      db,
      batch([msg('a', { text: 'Kopi dulu', sentAt: min(3), timePrecision: 'minute' }), msg('b', { text: 'nanti malam' })]),
      T0 + 1,
    );
    await mergeIngest(db, batch([msg('b', { text: 'nanti malam', attachments: [{ kind: 'image', label: 'Foto' }] })]), T0 + 2);
    await mergeIngest(db, batch([msg('c', { text: 'oke', quote: { sender: 'Budi', text: 'nanti malam' } })]), T0 + 3);
    const { stored, rebuilt } = await indexAndRebuild(db);
    expect(stored).toEqual(rebuilt);
    expect(stored.map((d) => [d.messageId, d.rank, d.terms])).toEqual([
      ['whatsapp:Budi:a', -min(3), ['kopi', 'dulu']], // newest first: its time, learnt later, moved it
      ['whatsapp:Budi:c', -(T0 + 3), ['oke', 'nanti', 'malam']],
      ['whatsapp:Budi:b', -T0, ['nanti', 'malam', 'foto']],
    ]);
  });

  test('reactions are stored, replaced when a read carries them, kept when it does not; never an edit', async () => {
    const thumbs = [{ emoji: '👍', count: 1 }];
    await mergeIngest(db, batch([msg('a', { text: 'Kopi dulu' }), msg('b', { text: 'oke', reactions: thumbs })]), T0);
    const before = await db.messages.get('whatsapp:Budi:b');
    expect(before?.reactions).toEqual(thumbs);
    expect((await db.messages.get('whatsapp:Budi:a'))?.reactions).toBeUndefined();

    const more = [
      { emoji: '👍', count: 2 },
      { emoji: '❤️', count: 1 },
    ];
    const r = await mergeIngest(db, batch([msg('a', { text: 'Kopi dulu' }), msg('b', { text: 'oke', reactions: more })]), T0 + 1);
    expect(r).toMatchObject({ messagesAdded: 0, messagesUpdated: 1, newIncoming: [] });
    const after = await db.messages.get('whatsapp:Budi:b');
    expect(after).toEqual({ ...before, reactions: more, updatedAt: T0 + 1 }); // same id, order, text
    // A read that cannot see reactions leaves them; the same reactions again change nothing.
    expect(await mergeIngest(db, batch([msg('b', { text: 'oke' })]), T0 + 2)).toMatchObject({ messagesUpdated: 0 });
    expect(await mergeIngest(db, batch([msg('b', { text: 'oke', reactions: more })]), T0 + 3)).toMatchObject({ messagesUpdated: 0 });
    expect((await db.messages.get('whatsapp:Budi:b'))?.reactions).toEqual(more);
    // All reactions removed: the page shows none.
    await mergeIngest(db, batch([msg('b', { text: 'oke', reactions: [] })]), T0 + 4);
    expect((await db.messages.get('whatsapp:Budi:b'))?.reactions).toEqual([]);
    expect(await thread()).toEqual(['a', 'b']);
    const { stored, rebuilt } = await indexAndRebuild(db);
    expect(stored).toEqual(rebuilt);
  });

  test('status only moves forward; a re-render with an older icon does not downgrade', async () => {
    const mine = (status: MessageSnapshot['status']) => msg('o', { sender: { name: 'You', isSelf: true }, status });
    await mergeIngest(db, batch([mine('pending')]));
    await mergeIngest(db, batch([mine('read')]));
    await mergeIngest(db, batch([mine('sent')]));
    expect((await db.messages.toArray())[0]!.status).toBe('read');
  });

  test('a truncated message is completed by its full text, never shortened by a truncated re-render', async () => {
    await mergeIngest(db, batch([msg('long', { text: 'Lorem ipsum…', truncated: true })]));
    await mergeIngest(db, batch([msg('long', { text: 'Lorem ipsum dolor sit amet', truncated: false })]));
    await mergeIngest(db, batch([msg('long', { text: 'Lorem ipsum…', truncated: true })]));
    const m = (await db.messages.toArray())[0]!;
    expect(m.text).toBe('Lorem ipsum dolor sit amet');
    expect(m.truncated).toBe(false);
  });

  test('a page that is not ok writes only its state', async () => {
    await mergeIngest(db, batch([msg('a')], [chat('Budi')], 'not-logged-in'));
    expect(await db.messages.count()).toBe(0);
    expect(await db.conversations.count()).toBe(0);
    expect((await db.health.get('whatsapp'))?.state).toBe('not-logged-in');
  });

  test('list rows upsert conversations; the preview follows the newest thread message', async () => {
    await mergeIngest(db, batch([], [chat('Budi', { preview: 'old', lastMessageAt: min(1), unread: true, unreadCount: 2 })]));
    let c = (await db.conversations.get('whatsapp:Budi'))!;
    expect(c).toMatchObject({ preview: 'old', unreadCount: 2, lastMessageAt: min(1) });
    await mergeIngest(db, batch([msg('n', { text: 'newer in the thread', sentAt: min(5) })]));
    c = (await db.conversations.get('whatsapp:Budi'))!;
    expect(c.preview).toBe('newer in the thread');
    expect(c.lastMessageAt).toBe(min(5));
    // A list scrape with a coarser (older-looking) time keeps the known later time.
    await mergeIngest(db, batch([], [chat('Budi', { preview: 'newer in the thread', lastMessageAt: min(0) })]));
    expect((await db.conversations.get('whatsapp:Budi'))!.lastMessageAt).toBe(min(5));
  });

  test('an outgoing bubble with the text of a reply being posted confirms it, once', async () => {
    await db.outbox.put({
      id: 'ob1',
      conversationId: 'whatsapp:Budi',
      platform: 'whatsapp',
      text: 'Halo  Budi ',
      state: 'posting',
      createdAt: T0,
      updatedAt: T0,
      attempts: 1,
    });
    const echo = msg('e1', { text: 'Halo Budi', sender: { name: 'You', isSelf: true }, status: 'pending' });
    const r = await mergeIngest(db, batch([echo]));
    expect(r.echoed).toEqual(['ob1']);
    const ob = (await db.outbox.get('ob1'))!;
    expect(ob.state).toBe('sent');
    expect(ob.messageId).toBe('whatsapp:Budi:e1');
    expect((await mergeIngest(db, batch([echo]))).echoed).toEqual([]);
  });

  test('a bubble the app marked "Not sent" never confirms the reply being posted', async () => {
    await db.outbox.put({
      id: 'ob2',
      conversationId: 'whatsapp:Budi',
      platform: 'whatsapp',
      text: 'Gagal',
      state: 'posting',
      createdAt: T0,
      updatedAt: T0,
      attempts: 1,
    });
    const failed = msg('f1', { text: 'Gagal', sender: { name: 'You', isSelf: true }, status: 'failed' });
    expect((await mergeIngest(db, batch([failed]))).echoed).toEqual([]);
    expect((await db.outbox.get('ob2'))!.state).toBe('posting');
  });

  test('text survives unchanged: 100,000 characters, HTML-looking, RTL, emoji', async () => {
    const texts = ['x'.repeat(100_000), '<img src=x onerror=alert(1)>', 'مرحبا بالعالم', 'Halo 👋🏽 dunia 🇮🇩'];
    await mergeIngest(db, batch(texts.map((t, k) => msg(`t${k}`, { text: t }))));
    const stored = await db.messages.bulkGet(texts.map((_, k) => `whatsapp:Budi:t${k}`));
    expect(stored.map((m) => m!.text)).toEqual(texts);
  });
});

describe('ordering across platforms', () => {
  test('chats that moved within the same labelled minute are ordered by when they were seen', async () => {
    const { inbox } = await import('../../../lib/store/queries');
    const list = (platform: Ingest['platform'], c: ConversationSnapshot): Ingest => ({ ...batch([], [c]), platform });
    // First scrape at 10:05:10: both last spoke at 10:00.
    await mergeIngest(db, list('instagram', chat('ig', { preview: 'a', lastMessageAt: min(60) })), min(65) + 10_000);
    await mergeIngest(db, list('messenger', chat('fb', { preview: 'b', lastMessageAt: min(60) })), min(65) + 10_000);
    // New messages in the 10:06 minute: Messenger's seen at :20, Instagram's at :40.
    await mergeIngest(db, list('messenger', chat('fb', { preview: 'b2', lastMessageAt: min(66) })), min(66) + 20_000);
    await mergeIngest(db, list('instagram', chat('ig', { preview: 'a2', lastMessageAt: min(66) })), min(66) + 40_000);
    expect((await inbox(db)).map((c) => c.nativeId)).toEqual(['ig', 'fb']);
    // A re-render of the same row (same preview, minute label) does not move it back.
    await mergeIngest(db, list('instagram', chat('ig', { preview: 'a2', lastMessageAt: min(66) })), min(66) + 50_000);
    expect((await db.conversations.get('instagram:ig'))!.lastMessageAt).toBe(min(66) + 40_000);
    // An old label is never refined: a preview change for a message from 10:00 keeps 10:00.
    await mergeIngest(db, list('messenger', chat('old', { preview: 'x', lastMessageAt: min(60) })), min(66));
    await mergeIngest(db, list('messenger', chat('old', { preview: 'y', lastMessageAt: min(60) })), min(66) + 1_000);
    expect((await db.conversations.get('messenger:old'))!.lastMessageAt).toBe(min(60));
  });
});

describe('what counts as news', () => {
  test('history read on a first scrape is not news; a message appended later is', async () => {
    const first = await mergeIngest(db, batch([msg('a'), msg('b')]), 1);
    expect(first.newIncoming).toEqual([]);
    const later = await mergeIngest(db, batch([msg('b'), msg('c'), msg('d', { sender: { name: 'You', isSelf: true } })]), 2);
    expect(later.newIncoming.map((m) => m.nativeId)).toEqual(['c']);
    // Scrolling up to older messages is not news either.
    const older = await mergeIngest(db, batch([msg('z0'), msg('a')]), 3);
    expect(older.newIncoming).toEqual([]);
  });

  test('a known conversation whose unread count rises is reported', async () => {
    await mergeIngest(db, batch([], [chat('Budi', { unread: false, unreadCount: null })]));
    const r = await mergeIngest(db, batch([], [chat('Budi', { unread: true, unreadCount: 2, preview: 'p' })]));
    expect(r.unreadIncreased.map((c) => c.id)).toEqual(['whatsapp:Budi']);
    const same = await mergeIngest(db, batch([], [chat('Budi', { unread: true, unreadCount: 2, preview: 'p', listRank: 3 })]));
    expect(same.unreadIncreased).toEqual([]);
  });
});
