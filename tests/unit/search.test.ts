import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { openDb, type InboxDb } from '../../lib/db';
import { mergeIngest } from '../../lib/merge';
import type { MessageSnapshot, Platform } from '../../lib/model';
import type { Ingest } from '../../lib/protocol';
import { fold, searchMessages, snippetOf, tokenize } from '../../lib/search';

let db: InboxDb;
let n = 0;
beforeEach(async () => {
  db = openDb(`search-test-${n++}`);
  await db.open();
});

const T0 = Date.UTC(2026, 10, 20, 9, 0);
let batchNo = 0;

function msg(id: string, text: string, minute: number): MessageSnapshot {
  return {
    nativeId: id,
    sender: { name: 'Budi', isSelf: false },
    text,
    sentAt: T0 + minute * 60_000,
    timePrecision: 'minute',
    status: 'received',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
  };
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

const texts = async (q: string) => (await searchMessages(db, q)).map((h) => h.message.text).sort();

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
    // One index row per distinct word of the current text.
    const rows = await db.searchTerms.where('messageId').equals('whatsapp:Budi:2').count();
    expect(rows).toBe(3);
  });

  test('the same batch twice leaves one row per word', async () => {
    const before = await db.searchTerms.count();
    await ingest('messenger', 'Mama', [msg('x', 'Jangan lupa bawa jaket, hujan terus', 5)]);
    expect(await db.searchTerms.count()).toBe(before);
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
