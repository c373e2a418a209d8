import 'fake-indexeddb/auto';
import { RangeSet } from 'dexie';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { mergeIngest } from '../../../lib/worker/merge';
import type { Message, MessageSnapshot, Platform } from '../../../lib/shared/model';
import type { Ingest } from '../../../lib/shared/protocol';
import { emptyStats, fold, searchMessages, snippetOf, tokenize, type DocKey } from '../../../lib/store/search';
import { indexMessages } from '../../../lib/store/search-index';
import { searchAffected, watchSearch } from '../../../lib/store/search-live';
import { rng } from '../../../bench/data';
import { snapshotMessage } from '../helpers/factories';

let db: InboxDb;
let n = 0;
beforeEach(async () => {
  db = openDb(`search-test-${n++}`);
  await db.open();
});

const T0 = Date.UTC(2026, 10, 20, 9, 0);
let batchNo = 0;

function msg(id: string, text: string, minute: number): MessageSnapshot {
  return snapshotMessage(id, { text, sentAt: T0 + minute * 60_000, timePrecision: 'minute' });
}

function ingest(platform: Platform, chat: string, messages: MessageSnapshot[]): Promise<unknown> {
  const b: Ingest = {
    type: 'ingest',
    platform,
    batchId: `b${batchNo++}`,
    health: { state: 'ok' },
    conversations: [],
    thread: { conversation: { nativeId: chat, title: chat, isGroup: false }, messages },
  };
  return mergeIngest(db, b, T0);
}

const texts = async (q: string) => (await searchMessages(db, q)).map((h) => h.snippet.text).sort();

describe('tokenising', () => {
  test('folds case and diacritics, splits on anything not a letter or digit', () => {
    expect(fold('Kopí SUSU Ñandú')).toBe('kopi susu nandu');
    expect(tokenize('Foto-foto, KOPÍ! kopi 250.000')).toEqual(['foto', 'kopi', '250', '000']);
    expect(tokenize('sampai   jumpa…')).toEqual(['sampai', 'jumpa']);
  });
  test('caps words per message', () => {
    const many = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    expect(tokenize(many, 10)).toHaveLength(10);
  });
});

describe('searching the index', () => {
  beforeEach(async () => {
    await ingest('whatsapp', 'Budi', [msg('1', 'Ngopi dulu? Kopí susu gula aren enak', 1), msg('2', 'Sampai jumpa besok di Gambir', 2)]);
    await ingest('instagram', 'Sari', [msg('a', 'Did you see the photos I posted?', 3), msg('b', 'KOPI TUBRUK mantap', 4)]);
    await ingest('messenger', 'Mama', [msg('x', 'Jangan lupa bawa jaket, hujan terus', 5)]);
  });

  test('case- and diacritics-insensitive, across platforms', async () => {
    expect(await texts('kopi')).toEqual(['KOPI TUBRUK mantap', 'Ngopi dulu? Kopí susu gula aren enak']);
    expect(await texts('KOPÍ')).toEqual(await texts('kopi'));
    const platforms = (await searchMessages(db, 'kopi')).map((h) => h.conversation.platform).sort();
    expect(platforms).toEqual(['instagram', 'whatsapp']);
  });

  test('prefix matching at word starts, words ANDed (Indonesian)', async () => {
    expect(await texts('jump')).toEqual(['Sampai jumpa besok di Gambir']);
    expect(await texts('sampai jump')).toEqual(['Sampai jumpa besok di Gambir']);
    expect(await texts('sampai jaket')).toEqual([]);
    // "opi" is inside "Ngopi"/"Kopí" but starts no word.
    expect(await texts('opi')).toEqual([]);
    expect(await texts('huj')).toEqual(['Jangan lupa bawa jaket, hujan terus']);
  });

  test('empty or punctuation-only queries find nothing', async () => {
    expect(await searchMessages(db, '')).toEqual([]);
    expect(await searchMessages(db, ' ,.! ')).toEqual([]);
  });

  test('hits carry the conversation and a marked snippet, newest first', async () => {
    const hits = await searchMessages(db, 'kopi');
    expect(hits[0]!.conversation.title).toBe('Sari');
    const s = hits[1]!.snippet;
    expect(s.text.slice(s.mark![0], s.mark![1])).toBe('Kopí');
  });

  test('kept current by the merge: edited text is reindexed, the old words go', async () => {
    await ingest('whatsapp', 'Budi', [msg('2', 'Sampai ketemu lusa', 2)]);
    expect(await texts('jumpa')).toEqual([]);
    expect(await texts('lusa')).toEqual(['Sampai ketemu lusa']);
    // One index record per message, holding the distinct words of its current text.
    const docs = await db.searchDocs.where('terms').anyOf(['sampai', 'jumpa', 'ketemu', 'lusa']).distinct().toArray();
    expect(docs.map((d) => [d.messageId, d.terms])).toEqual([['whatsapp:Budi:2', ['sampai', 'ketemu', 'lusa']]]);
  });

  test('the same batch twice leaves one record per message', async () => {
    const before = await db.searchDocs.count();
    expect(before).toBe(5);
    await ingest('messenger', 'Mama', [msg('x', 'Jangan lupa bawa jaket, hujan terus', 5)]);
    expect(await db.searchDocs.count()).toBe(before);
  });

  test('a time learnt later moves the record: no stale entry under the old time', async () => {
    await ingest('instagram', 'Rudi', [{ ...msg('t', 'Tiket kereta sudah dibeli', 0), sentAt: null }]);
    expect((await searchMessages(db, 'tiket'))[0]!.message.sentAt).toBeNull();
    await ingest('instagram', 'Rudi', [msg('t', 'Tiket kereta sudah dibeli', 9)]);
    const docs = await db.searchDocs.where('terms').equals('tiket').toArray();
    expect(docs.map((d) => d.rank)).toEqual([-(T0 + 9 * 60_000)]);
    expect((await searchMessages(db, 'tiket')).map((h) => h.message.sentAt)).toEqual([T0 + 9 * 60_000]);
  });

  test('a watched search runs again when a matching message arrives, and only then', async () => {
    const seen: string[][] = [];
    const runs = vi.spyOn(db.searchDocs.db, 'backendDB'); // one per run of the query
    const stop = watchSearch(db, 'kopi', (hits) => seen.push(hits.map((h) => h.snippet.text)));
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    expect(seen[0]).toEqual(['KOPI TUBRUK mantap', 'Ngopi dulu? Kopí susu gula aren enak']);
    await ingest('messenger', 'Mama', [msg('y', 'Tidak ada yang cocok', 6)]); // no matching word
    await ingest('messenger', 'Mama', [msg('z', 'Kopinya sudah dingin', 7)]);
    await vi.waitFor(() =>
      expect(seen.at(-1)).toEqual(['Kopinya sudah dingin', 'KOPI TUBRUK mantap', 'Ngopi dulu? Kopí susu gula aren enak']),
    );
    expect(seen).toHaveLength(2);
    expect(runs).toHaveBeenCalledTimes(2); // the unrelated message did not run the query
    stop();
    await ingest('messenger', 'Mama', [msg('w', 'kopi lagi', 8)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toHaveLength(2); // stopped: no more runs
  });

  test('a watched search drops a shown result whose message is no longer indexed (encrypted)', async () => {
    const seen: string[][] = [];
    const stop = watchSearch(db, 'kopi', (hits) => seen.push(hits.map((h) => h.snippet.text)));
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const m = (await db.messages.get('whatsapp:Budi:1'))!;
    await db.transaction('rw', db.messages, db.searchDocs, db.searchWords, db.searchDense, async () => {
      await db.messages.put({ ...m, encrypted: true });
      await indexMessages(db, [{ ...m, encrypted: true }], new Map([[m.id, m]]));
    });
    await vi.waitFor(() => expect(seen.at(-1)).toEqual(['KOPI TUBRUK mantap']));
    stop();
  });

  test("which writes can change a search: its words' index ranges, or a shown result's record", () => {
    const part = (name: string, keys: unknown[]) => ({ [`idb://inbox/searchDocs/${name}`]: new RangeSet().addKeys(keys as never[]) });
    const shown: DocKey[] = [
      [-2, 'a'],
      [-1, 'b'],
    ];
    expect(searchAffected(part('terms', ['kopinya']), 'inbox', ['kopi'], shown)).toBe(true);
    expect(searchAffected(part('terms', ['teh', 'kop']), 'inbox', ['kopi'], shown)).toBe(false);
    expect(searchAffected(part('terms', ['kopi']), 'other-db', ['kopi'], shown)).toBe(false);
    expect(searchAffected(part(':dels', [[-1, 'b']]), 'inbox', ['kopi'], shown)).toBe(true);
    expect(searchAffected(part(':dels', [[-3, 'c']]), 'inbox', ['kopi'], shown)).toBe(false);
    expect(searchAffected({ all: new RangeSet(-Infinity, [[]] as never) }, 'inbox', ['kopi'], [])).toBe(true);
  });

  test('a result is shown from its index record; a long text past its kept start, or a record without the shown fields, loads the message', async () => {
    const long = 'awal ' + 'isi '.repeat(300) + 'ujung kalimat';
    await ingest('whatsapp', 'Budi', [msg('L', long, 9)]);
    const read = async (q: string) => {
      const stats = emptyStats();
      const hits = await searchMessages(db, q, 50, stats);
      return { hits, stats };
    };
    // Found near the start: the kept text gives the same snippet as the whole message would.
    const early = await read('awal');
    expect(early.hits[0]!.snippet).toEqual(snippetOf(long, ['awal']));
    expect(early.stats.requests).toBe(3); // vocabulary, the word's records, the conversation
    // Found past the kept text: the message is read for its snippet.
    const late = await read('ujung');
    expect(late.hits[0]!.snippet).toEqual(snippetOf(long, ['ujung']));
    expect(late.stats.requests).toBe(4);
    // A record written before the shown fields existed: same hit, through the message.
    const current = (await read('kopi')).hits;
    await db.searchDocs.toCollection().modify((d) => {
      delete d.conversationId;
      delete d.sentAt;
      delete d.text;
      delete d.cut;
    });
    const old = await read('kopi');
    expect(old.hits).toEqual(current);
    expect(old.stats.requests).toBe(current.length + 2 + 2); // + one message each; two conversations
  });

  test('encrypted messages are not indexed', async () => {
    const m = (await db.messages.get('whatsapp:Budi:1'))!;
    await db.transaction('rw', db.messages, db.searchDocs, db.searchWords, db.searchDense, async () => {
      await db.messages.put({ ...m, encrypted: true });
      await indexMessages(db, [{ ...m, encrypted: true }], new Map([[m.id, m]]));
    });
    expect(await texts('kopi')).toEqual(['KOPI TUBRUK mantap']);
  });
});

/** The index's semantics by brute force: every query word starts some word; newest first, then by id. */
function reference(messages: readonly Message[], query: string, limit: number): string[] {
  const words = tokenize(query, 8);
  if (!words.length) return [];
  return messages
    .filter((m) => !m.encrypted)
    .filter((m) => {
      const terms = tokenize([m.text, ...m.attachments.map((a) => a.label), m.quote?.text ?? ''].join(' '));
      return words.every((w) => terms.some((t) => t.startsWith(w)));
    })
    .sort((a, b) => (b.sentAt ?? b.firstSeenAt) - (a.sentAt ?? a.firstSeenAt) || (a.id < b.id ? -1 : 1))
    .slice(0, limit)
    .map((m) => m.id);
}

describe('at scale: the same results as a full scan, reading only what is shown', () => {
  // Common words (a third of messages), rare ones, and many words sharing the prefix "x" (more
  // than a query word is expanded into), over 3,000 messages in 30 chats, times out of id order.
  const common = ['kopi', 'sama', 'sampai', 'besok', 'makan', 'kantor'];
  const rare = ['sarapan', 'bandara', 'kopdar'];
  const broad = Array.from({ length: 70 }, (_, i) => `x${i.toString(36)}q`);
  let messages: Message[];
  beforeEach(async () => {
    const r = rng(7);
    messages = [];
    for (let i = 0; i < 3_000; i++) {
      const words = [common[Math.floor(r() * 6)]!, common[Math.floor(r() * 6)]!, broad[Math.floor(r() * 70)]!];
      if (r() < 0.004) words.push(rare[Math.floor(r() * 3)]!);
      if (r() < 0.3) words.push(common[Math.floor(r() * 6)]!.toUpperCase());
      const conv = `whatsapp:c${i % 30}`;
      messages.push({
        id: `${conv}:m${i}`,
        conversationId: conv,
        platform: 'whatsapp',
        nativeId: `m${i}`,
        sender: { name: 'Budi', isSelf: false },
        text: words.join(' '),
        sentAt: r() < 0.1 ? null : T0 + Math.floor(r() * 1_000) * 60_000, // many equal times
        timePrecision: 'minute',
        order: i,
        status: 'received',
        attachments: [],
        quote: null,
        system: false,
        truncated: false,
        firstSeenAt: T0 + Math.floor(r() * 1_000) * 60_000,
        updatedAt: T0,
      });
    }
    await db.conversations.bulkPut(
      Array.from({ length: 30 }, (_, i) => ({
        id: `whatsapp:c${i}`,
        platform: 'whatsapp' as const,
        nativeId: `c${i}`,
        title: `c${i}`,
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
        firstSeenAt: T0,
        updatedAt: T0,
      })),
    );
    await db.transaction('rw', db.messages, db.searchDocs, db.searchWords, db.searchDense, async () => {
      await db.messages.bulkPut(messages);
      await indexMessages(db, messages);
    });
  });

  const queries = [
    'kopi',
    'sa',
    'sam',
    'kopi sama',
    'KOPI besok makan',
    'sarapan',
    'kop',
    'kopdar kopi',
    'sarapan kantor',
    'x',
    'x1',
    'x sama',
    'bandara x',
    'k s',
    'zzz',
    'kopi zzz',
    'b',
  ];
  test.each(queries)('"%s"', async (q) => {
    for (const limit of [50, 7]) {
      const stats = emptyStats();
      const hits = await searchMessages(db, q, limit, stats);
      expect(hits.map((h) => h.message.id)).toEqual(reference(messages, q, limit));
      // At most each of its words' index entries about twice (lists are re-read deeper, doubling),
      // and never more records than there are messages plus the ones shown.
      let entries = 0;
      for (const w of tokenize(q, 8)) entries += await db.searchDocs.where('terms').startsWith(w).count();
      expect(stats.keysRead).toBeLessThanOrEqual(2 * entries + 100);
      expect(stats.docsRead).toBeLessThanOrEqual(messages.length + limit);
    }
  });

  test('one word starting one indexed word: its vocabulary read and its newest records, nothing else', async () => {
    const stats = emptyStats();
    const hits = await searchMessages(db, 'kopi', 50, stats);
    expect(hits).toHaveLength(50);
    expect(stats).toMatchObject({ path: 'direct', rounds: 1, keysRead: 0, docsRead: 50 });
    const conversations = new Set(hits.map((h) => h.conversation.id)).size;
    expect(stats.requests).toBe(2 + conversations);
    // With the caller's conversations at hand (the popup's live list), two requests in all.
    const held = new Map((await db.conversations.toArray()).map((c) => [c.id, c]));
    const popup = emptyStats();
    expect((await searchMessages(db, 'kopi', 50, popup, (id) => held.get(id))).map((h) => h.message.id)).toEqual(
      hits.map((h) => h.message.id),
    );
    expect(popup.requests).toBe(2);
  });

  test('words read as key lists load only the records of the results shown', async () => {
    const stats = emptyStats();
    expect(await searchMessages(db, 'kopi sama', 50, stats)).toHaveLength(50);
    expect(stats.path).toBe('lists');
    expect(stats.docsRead).toBe(50);
    // A prefix starting too many indexed words (every message has an x… word) reads records
    // newest first, and here the first chunk holds the 50 newest: nothing more is loaded.
    const broadStats = emptyStats();
    expect(await searchMessages(db, 'x', 50, broadStats)).toHaveLength(50);
    expect(broadStats).toMatchObject({ path: 'scan', docsRead: 200 });
  });

  /** A search as the popup makes it (its conversations at hand, a first page of 16), and what the page was handed. */
  async function withFirstPage(query: string) {
    const held = new Map((await db.conversations.toArray()).map((c) => [c.id, c]));
    const stats = emptyStats();
    let first: string[] | null = null;
    let docsAtFirst = -1;
    const hits = await searchMessages(db, query, 50, stats, (id) => held.get(id), {
      count: 16,
      show: (page) => {
        first = page.map((h) => h.message.id);
        docsAtFirst = stats.docsRead;
      },
    });
    const whole = await searchMessages(db, query, 50, undefined, (id) => held.get(id));
    return { hits, stats, first: first as string[] | null, docsAtFirst, whole };
  }

  test('the first page is handed over once its records are loaded, before the others are read, and is the start of the whole list', async () => {
    const { hits, stats, first, docsAtFirst } = await withFirstPage('kopi sama');
    expect(stats.path).toBe('lists');
    expect(hits.map((h) => h.message.id)).toEqual(reference(messages, 'kopi sama', 50));
    expect(first).toEqual(hits.slice(0, 16).map((h) => h.message.id));
    expect(docsAtFirst).toBe(16); // the other 34 records were not read yet
    expect(stats.docsRead).toBe(50);
    expect(stats.firstRequests).toBe(stats.requests - 34);
    expect(stats.firstMs).toBeGreaterThan(0);
    // Nothing early when the page would be the whole answer.
    let calls = 0;
    await searchMessages(db, 'sarapan', 50, undefined, undefined, { count: 50, show: () => calls++ });
    expect(calls).toBe(0);
  });

  test('one indexed word: its first page of records is read alone and handed over, then the whole list', async () => {
    const { hits, stats, first, docsAtFirst, whole } = await withFirstPage('kopi');
    expect(stats.path).toBe('direct');
    expect(hits).toEqual(whole);
    expect(first).toEqual(whole.slice(0, 16).map((h) => h.message.id));
    expect(docsAtFirst).toBe(16);
    expect(stats.firstRequests).toBe(2); // the vocabulary, the word's first 16 records
    expect(stats.requests).toBe(3); // and then its newest 50 (the first 16 again: an index read cannot start past a record)
    // A word with no more records than the page: one read, nothing handed over early.
    let calls = 0;
    const few = await searchMessages(db, 'sarapan', 50, undefined, undefined, { count: 16, show: () => calls++ });
    expect(few.length).toBeLessThanOrEqual(16);
    expect(calls).toBe(0);
  });

  test('a watched search shows its first page, then the whole list; a later run replaces the whole list at once', async () => {
    const seen: number[] = [];
    const stop = watchSearch(db, 'kopi sama', (hits) => seen.push(hits.length));
    await vi.waitFor(() => expect(seen).toEqual([16, 50]));
    const later: Message = { ...messages[0]!, id: 'whatsapp:c0:new', nativeId: 'new', text: 'kopi sama lagi', sentAt: T0 + 2_000 * 60_000 };
    await db.transaction('rw', db.messages, db.searchDocs, db.searchWords, db.searchDense, async () => {
      await db.messages.put(later);
      await indexMessages(db, [later]);
    });
    await vi.waitFor(() => expect(seen).toEqual([16, 50, 50]));
    stop();
  });
});

describe('snippets', () => {
  test('marks the first word starting with a query word, in the original characters', () => {
    const s = snippetOf('Ngopi? Ayo KOPÍ di warung', ['kopi']);
    expect(s.text.slice(s.mark![0], s.mark![1])).toBe('KOPÍ');
  });
  test('long texts are cut around the match with ellipses', () => {
    const text = 'a '.repeat(200) + 'target word ' + 'b '.repeat(200);
    const s = snippetOf(text, ['target']);
    expect(s.text.startsWith('…')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
    expect(s.text.slice(s.mark![0], s.mark![1])).toBe('target');
    expect(s.text.length).toBeLessThan(140);
  });
  test('ligatures fold to two letters without shifting the mark', () => {
    const s = snippetOf('ﬁne ﬁsh here', ['here']);
    expect(s.text.slice(s.mark![0], s.mark![1])).toBe('here');
  });
});
