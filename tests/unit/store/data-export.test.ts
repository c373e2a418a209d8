import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { exportData, exportFileName, ImportError, parseExport } from '../../../lib/store/export';
import { deleteAllData, importData } from '../../../lib/worker/import';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { mergeIngest } from '../../../lib/worker/merge';
import { linkConversations } from '../../../lib/worker/people';
import type { Ingest } from '../../../lib/shared/protocol';
import { searchMessages } from '../../../lib/store/search';
import type { MessageSnapshot } from '../../../lib/shared/model';
import { indexAndRebuild } from '../helpers/search-index';
import { backgroundContext, contentSender, pageSender } from '../helpers/background';

let db: InboxDb;
let k = 0;
beforeEach(() => {
  db = openDb(`export-${k++}`);
});

const T0 = Date.UTC(2026, 0, 5, 9, 30);

function msg(nativeId: string, text: string, minute: number, self = false): MessageSnapshot {
  return {
    nativeId,
    sender: { name: self ? 'You' : 'Budi', isSelf: self },
    text,
    sentAt: T0 + minute * 60_000,
    timePrecision: 'minute',
    status: self ? 'read' : 'received',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
  };
}

function batch(platform: Ingest['platform'], nativeId: string, title: string, messages: MessageSnapshot[], unread = false): Ingest {
  return {
    type: 'ingest',
    platform,
    batchId: `${platform}-${nativeId}-${messages.length}`,
    health: { state: 'ok' },
    conversations: [
      {
        nativeId,
        title,
        isGroup: false,
        unread,
        unreadCount: unread ? 2 : null,
        muted: false,
        archived: false,
        pinned: false,
        preview: messages.at(-1)?.text ?? '',
        lastMessageAt: messages.at(-1)?.sentAt ?? null,
        listRank: 0,
      },
    ],
    thread: { conversation: { nativeId, title, isGroup: false }, messages },
  };
}

async function seed(d: InboxDb) {
  await mergeIngest(
    d,
    batch(
      'whatsapp',
      'dm/budi',
      'Budi Santoso',
      [msg('w1', 'Halo, apa kabar?', 0), msg('w2', 'Baik! 👍', 1, true), msg('w3', 'Kopí nanti?', 2)],
      true,
    ),
    T0,
  );
  await mergeIngest(d, batch('instagram', '3401', 'budi.santoso', [msg('mid.$a', 'lihat ini', 5), msg('mid.$b', 'ok', 6, true)]), T0);
  await mergeIngest(d, batch('messenger', '9001', 'Siti', [msg('m1', 'Sampai jumpa', 3)]), T0);
  await linkConversations(d, ['whatsapp:dm/budi', 'instagram:3401'], { name: 'Budi', now: T0, newId: () => 'p1' });
  await d.messages.update('whatsapp:dm/budi:w2', { encrypted: true });
}

describe('export', () => {
  test('the documented format: ISO times or null, people from links, no keys', async () => {
    await seed(db);
    await db.meta.put({ key: 'identity', value: { secretKey: 'SECRET-KEY-MATERIAL' } });
    const file = await exportData(db, T0);
    expect(Object.keys(file).sort()).toEqual(['conversations', 'exportedAt', 'format', 'messages', 'people', 'version']);
    expect(file.format).toBe('unified-inbox-export');
    expect(file.version).toBe(1);
    expect(file.exportedAt).toBe(new Date(T0).toISOString());
    expect(file.conversations).toHaveLength(3);
    const wa = file.conversations.find((c) => c.id === 'whatsapp:dm/budi')!;
    expect(wa).toEqual({
      id: 'whatsapp:dm/budi',
      platform: 'whatsapp',
      nativeId: 'dm/budi',
      title: 'Budi Santoso',
      isGroup: false,
      unread: true,
      lastMessageAt: new Date(T0 + 2 * 60_000).toISOString(),
      personId: 'person:p1',
    });
    expect(file.conversations.find((c) => c.id === 'messenger:9001')!.personId).toBeNull();
    expect(file.messages.filter((m) => m.conversationId === 'whatsapp:dm/budi').map((m) => m.nativeId)).toEqual(['w1', 'w2', 'w3']);
    expect(file.messages.find((m) => m.id === 'whatsapp:dm/budi:w2')).toEqual({
      id: 'whatsapp:dm/budi:w2',
      conversationId: 'whatsapp:dm/budi',
      platform: 'whatsapp',
      nativeId: 'w2',
      sender: { name: 'You', isSelf: true },
      text: 'Baik! 👍',
      sentAt: new Date(T0 + 60_000).toISOString(),
      status: 'read',
      encrypted: true,
    });
    expect(file.people).toEqual([{ id: 'person:p1', name: 'Budi', conversationIds: ['instagram:3401', 'whatsapp:dm/budi'] }]);
    expect(JSON.stringify(file)).not.toContain('SECRET');
    // It is its own schema's valid input.
    expect(parseExport(JSON.stringify(file))).toEqual(file);
  });

  test('a personId without a people record becomes a person named by meta, else by its first conversation', async () => {
    await seed(db);
    await db.conversations.update('messenger:9001', { personId: 'person:old' });
    let file = await exportData(db, T0);
    expect(file.people.find((p) => p.id === 'person:old')).toEqual({ id: 'person:old', name: 'Siti', conversationIds: ['messenger:9001'] });
    await db.meta.put({ key: 'person:person:old', value: { name: 'Siti Rahma' } });
    file = await exportData(db, T0);
    expect(file.people.find((p) => p.id === 'person:old')!.name).toBe('Siti Rahma');
  });

  test('file name carries the local date', () => {
    expect(exportFileName(new Date(2026, 2, 7, 23, 59))).toBe('unified-inbox-export-2026-03-07.json');
  });
});

describe('delete and import', () => {
  test('export → delete all → import gives the same data, searchable again', async () => {
    await seed(db);
    const before = await exportData(db, T0);
    await deleteAllData(db);
    for (const t of db.tables) expect(await t.count()).toBe(0);
    expect((await exportData(db, T0)).conversations).toEqual([]);

    const summary = await importData(db, JSON.stringify(before), T0 + 1);
    expect(summary).toEqual({ conversations: 3, messages: 6, people: 1 });
    const after = await exportData(db, T0);
    expect(after).toEqual(before);
    // Thread order and search index are restored too.
    const wa = await db.messages
      .where('[conversationId+order]')
      .between(['whatsapp:dm/budi', -Infinity], ['whatsapp:dm/budi', Infinity])
      .toArray();
    expect(wa.map((m) => m.nativeId)).toEqual(['w1', 'w2', 'w3']);
    expect((await searchMessages(db, 'kopi')).map((h) => h.message.id)).toEqual(['whatsapp:dm/budi:w3']);
    expect((await db.conversations.get('whatsapp:dm/budi'))!.preview).toBe('Kopí nanti?');
  });

  test('importing twice (or into the same store) never duplicates', async () => {
    await seed(db);
    const file = await exportData(db, T0);
    const counts = async () => Promise.all(db.tables.map(async (t) => [t.name, await t.count()] as const));
    const before = await counts();
    expect(await importData(db, file, T0 + 1)).toEqual({ conversations: 0, messages: 0, people: 0 });
    expect(await importData(db, JSON.stringify(file), T0 + 2)).toEqual({ conversations: 0, messages: 0, people: 0 });
    expect(await counts()).toEqual(before);
    expect(await exportData(db, T0)).toEqual(file);
  });

  test('merging into a store that has more: new messages are placed by file order, existing ones only move forward', async () => {
    await seed(db);
    const file = await exportData(db, T0);
    const other = openDb(`export-other-${k++}`);
    // The other store knows w1, w3 and a later w4, but not w2.
    await mergeIngest(
      other,
      batch('whatsapp', 'dm/budi', 'Budi Santoso', [
        msg('w1', 'Halo, apa kabar?', 0),
        msg('w3', 'Kopí nanti?', 2),
        msg('w4', 'terbaru', 9),
      ]),
      T0,
    );
    const summary = await importData(other, file, T0 + 1);
    expect(summary.messages).toBe(4); // w2 (new) + three from other conversations
    const wa = await other.messages
      .where('[conversationId+order]')
      .between(['whatsapp:dm/budi', -Infinity], ['whatsapp:dm/budi', Infinity])
      .toArray();
    expect(wa.map((m) => m.nativeId)).toEqual(['w1', 'w2', 'w3', 'w4']);
    // The other store's newer conversation state is kept (its lastMessageAt is later than the file's).
    const conv = (await other.conversations.get('whatsapp:dm/budi'))!;
    expect(conv.lastMessageAt).toBe(T0 + 9 * 60_000);
    // Its link stays the user's own: the file's person would have linked a conversation the store
    // already had, so it is not applied (the user links again; suggestions offer it).
    expect(conv.personId ?? null).toBeNull();
    expect(await other.people.get('person:p1')).toBeUndefined();

    // Status only moves forward: importing "pending" over "read" changes nothing; "read" over "sent" upgrades.
    await other.messages.update('whatsapp:dm/budi:w2', { status: 'sent' });
    expect((await importData(other, file, T0 + 2)).messages).toBe(1);
    expect((await other.messages.get('whatsapp:dm/budi:w2'))!.status).toBe('read');
    const pendingFile = {
      ...file,
      messages: file.messages.map((m) => (m.id === 'whatsapp:dm/budi:w2' ? { ...m, status: 'pending' as const } : m)),
    };
    expect((await importData(other, pendingFile, T0 + 3)).messages).toBe(0);
    expect((await other.messages.get('whatsapp:dm/budi:w2'))!.status).toBe('read');
    // The search index is what a rebuild from the merged messages would be.
    const { stored, rebuilt } = await indexAndRebuild(other);
    expect(stored).toEqual(rebuilt);
    expect(stored.map((d) => d.messageId)).toContain('whatsapp:dm/budi:w3');
    expect(stored.map((d) => d.messageId)).not.toContain('whatsapp:dm/budi:w2'); // imported encrypted: never indexed
  });

  test('a run of new messages between two stored ones too close to subdivide stays distinct and in file order', async () => {
    await seed(db);
    const file = await exportData(db, T0);
    const conv = 'whatsapp:dm/budi';
    // The store holds w1 and w3 at orders so close that no float fits between them, plus a later w4.
    await db.messages.update(`${conv}:w1`, { order: 1 });
    // w3 is stored as sent and the file has it read: its status update must keep its new order.
    await db.messages.update(`${conv}:w3`, { order: 1 + Number.EPSILON, status: 'sent' });
    await db.messages.delete(`${conv}:w2`);
    const late = (await db.messages.get(`${conv}:w3`))!;
    await db.messages.put({ ...late, id: `${conv}:w4`, nativeId: 'w4', text: 'terbaru', order: 2 });
    // The file puts three new messages (w2, x1, x2) between w1 and w3.
    const at = file.messages.findIndex((m) => m.id === `${conv}:w2`);
    const w2 = file.messages[at]!;
    const extra = ['x1', 'x2'].map((n) => ({ ...w2, id: `${conv}:${n}`, nativeId: n, text: n }));
    const rest = file.messages.slice(at + 1).map((m) => (m.id === `${conv}:w3` ? { ...m, status: 'read' as const } : m));
    const messages = [...file.messages.slice(0, at + 1), ...extra, ...rest];
    await importData(db, { ...file, messages }, T0 + 1);
    const wa = await db.messages.where('[conversationId+order]').between([conv, -Infinity], [conv, Infinity]).toArray();
    expect(wa.map((m) => m.nativeId)).toEqual(['w1', 'w2', 'x1', 'x2', 'w3', 'w4']);
    expect(new Set(wa.map((m) => m.order)).size).toBe(wa.length);
    expect(wa.find((m) => m.nativeId === 'w3')!.status).toBe('read');
    // The same with a gap of 1e-12: room for floats, too little for the merge's minimum gap.
    await db.messages.bulkDelete([`${conv}:w2`, `${conv}:x1`, `${conv}:x2`]);
    await db.messages.update(`${conv}:w3`, { order: 1 + 1e-12 });
    await importData(db, { ...file, messages }, T0 + 2);
    const again = await db.messages.where('[conversationId+order]').between([conv, -Infinity], [conv, Infinity]).toArray();
    expect(again.map((m) => m.nativeId)).toEqual(['w1', 'w2', 'x1', 'x2', 'w3', 'w4']);
    const orders = again.map((m) => m.order);
    for (let i = 1; i < orders.length; i++) expect(orders[i]! - orders[i - 1]!).toBeGreaterThanOrEqual(1e-2);
  });

  test('a newer conversation in the import updates title and unread; an older one does not', async () => {
    await seed(db);
    const file = await exportData(db, T0);
    const newer = {
      ...file,
      conversations: file.conversations.map((c) =>
        c.id === 'messenger:9001' ? { ...c, title: 'Siti R.', unread: true, lastMessageAt: new Date(T0 + 3_600_000).toISOString() } : c,
      ),
    };
    expect((await importData(db, newer, T0 + 1)).conversations).toBe(1);
    expect(await db.conversations.get('messenger:9001')).toMatchObject({ title: 'Siti R.', unread: true, lastMessageAt: T0 + 3_600_000 });
    const older = {
      ...file,
      conversations: file.conversations.map((c) => (c.id === 'messenger:9001' ? { ...c, title: 'Old name', lastMessageAt: null } : c)),
    };
    expect((await importData(db, older, T0 + 2)).conversations).toBe(0);
    expect((await db.conversations.get('messenger:9001'))!.title).toBe('Siti R.');
  });

  test('malformed imports are rejected with a clear error and write nothing', async () => {
    await seed(db);
    const good = await exportData(db, T0);
    await deleteAllData(db);
    const cases: [unknown, RegExp][] = [
      ['not json {', /not valid JSON/],
      [42, /Not a Unified Inbox export/],
      [{ ...good, format: 'something-else' }, /wrong "format"/],
      [{ ...good, version: 2 }, /Unsupported export version 2/],
      [{ ...good, conversations: 'nope' }, /Invalid export at conversations/],
      [{ ...good, messages: [{ ...good.messages[0]!, sentAt: 'yesterday' }] }, /not a valid ISO time/],
      [{ ...good, messages: [{ ...good.messages[0]!, status: 'exploded' }] }, /Invalid export at messages\.0\.status/],
      [{ ...good, messages: [{ ...good.messages[0]!, text: 'x'.repeat(200_001) }] }, /messages\.0\.text/],
      [{ ...good, conversations: [{ ...good.conversations[0]!, id: 'whatsapp:someone-else' }] }, /does not match/],
      [{ ...good, conversations: good.conversations.slice(1) }, /belongs to no conversation/],
      [{ ...good, messages: [good.messages[0]!, good.messages[0]!] }, /appears twice/],
      ['x'.repeat(32_000_001), /too large/],
    ];
    for (const [input, error] of cases) {
      const attempt = importData(db, typeof input === 'string' ? input : JSON.stringify(input), T0);
      await expect(attempt).rejects.toBeInstanceOf(ImportError);
      await expect(importData(db, typeof input === 'string' ? input : JSON.stringify(input), T0)).rejects.toThrow(error);
    }
    for (const t of db.tables) expect(await t.count()).toBe(0);
  });
});

describe('exports written before ids were escaped and WhatsApp chats keyed by kind', () => {
  test('their ids are upgraded on import, so they meet what a scrape stores today', async () => {
    const at = new Date(T0).toISOString();
    const conv = (platform: string, nativeId: string, title: string, isGroup = false) => ({
      id: `${platform}:${nativeId}`,
      platform,
      nativeId,
      title,
      isGroup,
      unread: false,
      unreadCount: null,
      muted: false,
      archived: false,
      pinned: false,
      preview: '',
      lastMessageAt: at,
      listRank: null,
      personId: null,
    });
    const message = (conversationId: string, platform: string, nativeId: string, text: string) => ({
      id: `${conversationId}:${nativeId}`,
      conversationId,
      platform,
      nativeId,
      sender: { name: 'Budi', isSelf: false },
      text,
      sentAt: at,
      timePrecision: 'minute',
      status: 'received',
      attachments: [],
      quote: null,
      system: false,
      truncated: false,
      encrypted: false,
    });
    const old = {
      format: 'unified-inbox-export',
      version: 1,
      exportedAt: at,
      conversations: [
        conv('whatsapp', 'Budi Santoso', 'Budi Santoso'),
        conv('whatsapp', 'Keluarga', 'Keluarga', true),
        conv('instagram', 'a:b', 'Odd'),
      ],
      messages: [
        message('whatsapp:Budi Santoso', 'whatsapp', '3EB0AA', 'halo'),
        message('whatsapp:Keluarga', 'whatsapp', '3EB0BB', 'makan malam'),
        message('instagram:a:b', 'instagram', 'c', 'colon'),
      ],
      people: [{ id: 'person:x', name: 'Budi', conversationIds: ['whatsapp:Budi Santoso', 'instagram:a:b'] }],
    };
    const file = parseExport(JSON.stringify(old));
    expect(file.conversations.map((c) => c.id)).toEqual(['whatsapp:dm/Budi Santoso', 'whatsapp:group/Keluarga', 'instagram:a%3Ab']);
    expect(file.messages.map((m) => m.id)).toEqual([
      'whatsapp:dm/Budi Santoso:3EB0AA',
      'whatsapp:group/Keluarga:3EB0BB',
      'instagram:a%3Ab:c',
    ]);
    expect(file.people[0]!.conversationIds).toEqual(['whatsapp:dm/Budi Santoso', 'instagram:a%3Ab']);
    await importData(db, JSON.stringify(old), T0);
    // A scrape of today's page meets the imported chat: one conversation, one message.
    await mergeIngest(db, batch('whatsapp', 'dm/Budi Santoso', 'Budi Santoso', [msg('3EB0AA', 'halo', 0)]), T0 + 1);
    expect((await db.conversations.toCollection().primaryKeys()).sort()).toEqual([
      'instagram:a%3Ab',
      'whatsapp:dm/Budi Santoso',
      'whatsapp:group/Keluarga',
    ]);
    expect(await db.messages.where('conversationId').equals('whatsapp:dm/Budi Santoso').count()).toBe(1);
  });

  test('an id in neither form is still refused', () => {
    const at = new Date(T0).toISOString();
    const bad = {
      format: 'unified-inbox-export',
      version: 1,
      exportedAt: at,
      people: [],
      messages: [],
      conversations: [
        {
          id: 'instagram:other',
          platform: 'instagram',
          nativeId: '1',
          title: 'x',
          isGroup: false,
          unread: false,
          unreadCount: null,
          muted: false,
          archived: false,
          pinned: false,
          preview: '',
          lastMessageAt: null,
          listRank: null,
          personId: null,
        },
      ],
    };
    expect(() => parseExport(JSON.stringify(bad))).toThrow(ImportError);
  });
});

describe('through the background (the store has one writer)', () => {
  const optionsPage = pageSender('options.html');
  const tab = contentSender('https://web.whatsapp.com/', 7);
  const ctx = () =>
    backgroundContext(db, { tabs: { findTabs: async () => [], sendToTab: async () => ({ accepted: true as const }) }, now: () => T0 });

  test('import-data and delete-all-data from the options page', async () => {
    const { handleMessage } = await import('../../../lib/worker/router');
    await seed(db);
    const file = JSON.stringify(await exportData(db, T0));
    expect(await handleMessage(ctx(), { type: 'delete-all-data' }, optionsPage)).toEqual({ ok: true });
    expect(await db.conversations.count()).toBe(0);
    expect(await handleMessage(ctx(), { type: 'import-data', data: file }, optionsPage)).toEqual({
      ok: true,
      imported: { conversations: 3, messages: 6, people: 1 },
    });
    expect(await handleMessage(ctx(), { type: 'import-data', data: '{"format":"x"}' }, optionsPage)).toEqual({
      ok: false,
      error: 'Not a Unified Inbox export (wrong "format").',
    });
    // A content script may not ask for either.
    expect((await handleMessage(ctx(), { type: 'delete-all-data' }, tab)) as { ok: boolean }).toMatchObject({ ok: false });
    expect(await db.conversations.count()).toBe(3);
  });
});

describe('a crafted import cannot re-route replies (issue 12 item 5)', () => {
  /** An attacker's file: the victim's existing chat and the attacker's own, linked, dated 2099. */
  function hostileFile(victimConversationId: string, personId: string): unknown {
    const attacker = {
      id: 'instagram:evil',
      platform: 'instagram',
      nativeId: 'evil',
      title: 'Budi Santoso',
      isGroup: false,
      unread: false,
      lastMessageAt: '2099-01-01T00:00:00.000Z',
      personId,
    };
    const [platform, ...rest] = victimConversationId.split(':');
    const victim = {
      id: victimConversationId,
      platform,
      nativeId: rest.join(':'),
      title: 'Siti',
      isGroup: false,
      unread: false,
      lastMessageAt: '2099-01-01T00:00:00.000Z',
      personId,
    };
    return {
      format: 'unified-inbox-export',
      version: 1,
      exportedAt: new Date(T0).toISOString(),
      conversations: [victim, attacker],
      messages: [
        {
          id: 'instagram:evil:e1',
          conversationId: 'instagram:evil',
          platform: 'instagram',
          nativeId: 'e1',
          sender: { name: 'Budi Santoso', isSelf: false },
          text: 'reply here',
          sentAt: '2099-01-01T00:00:00.000Z',
          status: 'received',
          encrypted: false,
        },
      ],
      people: [{ id: personId, name: 'Siti', conversationIds: [victimConversationId, 'instagram:evil'] }],
    };
  }

  test("an existing conversation is never linked by an import (its reply route stays the user's)", async () => {
    await seed(db);
    const before = await db.conversations.get('messenger:9001');
    expect(before!.personId ?? null).toBeNull();
    await importData(db, hostileFile('messenger:9001', 'person:evil'), T0 + 1);
    expect((await db.conversations.get('messenger:9001'))!.personId ?? null).toBeNull();
    // The attacker's conversation came in, but alone: nothing routes the victim's replies to it.
    const evil = await db.conversations.get('instagram:evil');
    expect(evil).toBeDefined();
    expect(evil!.personId ?? null).toBeNull();
    expect(await db.people.get('person:evil')).toBeUndefined();
  });

  test('a new conversation does not join a person the user already has', async () => {
    await seed(db);
    // p1 is the user's own link of WhatsApp and Instagram Budi; the file names it for its own chat.
    const file = hostileFile('messenger:9001', 'person:p1') as {
      conversations: { personId: string | null }[];
      people: { id: string; conversationIds: string[] }[];
    };
    await importData(db, file, T0 + 1);
    const linked = (await db.conversations.where('personId').equals('person:p1').toArray()).map((c) => c.id).sort();
    expect(linked).toEqual(['instagram:3401', 'whatsapp:dm/budi']);
    expect((await db.people.get('person:p1'))!.name).toBe('Budi');
  });

  test('conversations the import creates keep their links among themselves', async () => {
    await seed(db);
    const file = await exportData(db, T0);
    const fresh = openDb(`export-fresh-${k++}`);
    await importData(fresh, file, T0 + 1);
    const linked = (await fresh.conversations.where('personId').equals('person:p1').toArray()).map((c) => c.id).sort();
    expect(linked).toEqual(['instagram:3401', 'whatsapp:dm/budi']);
  });
});
