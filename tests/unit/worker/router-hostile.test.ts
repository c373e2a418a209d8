// A hostile page and a flood against the background: senders that are not our content script on a
// messenger origin are refused; a content script can only report, never command; malformed,
// unknown, oversized and polluting messages are rejected by the schemas and size caps without
// writing anything or crashing, and the background keeps working afterwards.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { handleMessage, type BackgroundContext } from '../../../lib/worker/router';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { LIMITS } from '../../../lib/shared/model';
import type { SendCommand } from '../../../lib/shared/protocol';
import { snapshotChat, snapshotMessage } from '../helpers/factories';
import { backgroundContext, contentSender, EXT } from '../helpers/background';

const tab = (id: number) => ({ id }) as Runtime.MessageSender['tab'];
const waTab = contentSender('https://web.whatsapp.com/', 7);

let db: InboxDb;
let ctx: BackgroundContext;
let posted: SendCommand[];
let n = 0;
const logs: unknown[][] = [];

beforeEach(() => {
  db = openDb(`hostile-${n++}`);
  posted = [];
  logs.length = 0;
  ctx = backgroundContext(db, {
    tabs: {
      findTabs: async () => [7],
      sendToTab: async (_t, c) => {
        posted.push(c);
        return { accepted: true };
      },
    },
    log: (...a) => logs.push(a),
    now: () => 9_000_000,
  });
});

const msg = (i: number, text = `hello ${i}`) => snapshotMessage(`m${i}`, { text, sentAt: 1_000 + i, timePrecision: 'minute' });
const conv = (i: number) => snapshotChat(`c${i}`, { title: `Chat ${i}`, listRank: i });
const ingest = (over: Record<string, unknown> = {}) => ({
  type: 'ingest',
  platform: 'whatsapp',
  batchId: 'b',
  health: { state: 'ok' },
  conversations: [conv(0)],
  thread: { conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false }, messages: [msg(0)] },
  ...over,
});

async function storeIsEmpty() {
  expect(await db.conversations.count()).toBe(0);
  expect(await db.messages.count()).toBe(0);
  expect(await db.outbox.count()).toBe(0);
  expect(await db.health.count()).toBe(0);
}

describe('senders', () => {
  test.each([
    ['a page on another origin', { ...waTab, url: 'https://evil.example/whatsapp' }],
    ['a look-alike origin', { ...waTab, url: 'https://web.whatsapp.com.evil.example/' }],
    ['plain http on the messenger host', { ...waTab, url: 'http://web.whatsapp.com/' }],
    ['a frame inside the messenger page', { ...waTab, frameId: 2 }],
    ['another extension', { ...waTab, id: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' }],
    [
      "another extension's page",
      { id: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', url: 'chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/popup.html' },
    ],
    ['no sender id (a web page via externally_connectable)', { url: 'https://web.whatsapp.com/', tab: tab(7), frameId: 0 }],
    ['a content-script sender without a tab', { id: EXT, url: 'https://web.whatsapp.com/' }],
    ['a data: URL', { ...waTab, url: 'data:text/html,hi' }],
  ] as [string, Runtime.MessageSender][])('%s is refused and nothing is written', async (_name, sender) => {
    expect(await handleMessage(ctx, ingest(), sender)).toMatchObject({ ok: false });
    await storeIsEmpty();
  });

  test('a messenger page can only report: it cannot ask to send, retry, import, link or delete', async () => {
    await handleMessage(ctx, ingest(), waTab); // the conversation exists now
    const before = { c: await db.conversations.count(), m: await db.messages.count() };
    for (const m of [
      { type: 'send-request', outboxId: 'o1', conversationId: 'whatsapp:Budi', text: 'forged' },
      { type: 'retry-send', outboxId: 'o1' },
      { type: 'import-data', data: '{}' },
      { type: 'delete-all-data' },
      { type: 'link-people', conversationIds: ['whatsapp:Budi', 'whatsapp:c0'] },
    ]) {
      expect(await handleMessage(ctx, m, waTab), m.type).toMatchObject({ ok: false });
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(posted).toEqual([]);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.people.count()).toBe(0);
    expect({ c: await db.conversations.count(), m: await db.messages.count() }).toEqual(before);
  });

  test('a messenger page cannot speak for another platform, nor settle a send of its own making', async () => {
    expect(await handleMessage(ctx, ingest({ platform: 'instagram' }), waTab)).toMatchObject({ ok: false, error: 'platform mismatch' });
    expect(await handleMessage(ctx, { type: 'send-result', platform: 'whatsapp', outboxId: 'nope', ok: true }, waTab)).toMatchObject({
      ok: true,
    });
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('malformed and oversized input', () => {
  test.each([
    ['null', null],
    ['a string', 'ingest'],
    ['a number', 42],
    ['an array', [ingest()]],
    ['an unknown type', { type: 'eval', code: '1' }],
    ['an extra key', ingest({ extra: 1 })],
    ['a wrong health state', ingest({ health: { state: 'pwned' } })],
    [
      'an empty message id',
      ingest({ thread: { conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false }, messages: [{ ...msg(0), nativeId: '' }] } }),
    ],
    [
      'a non-finite time',
      ingest({
        thread: { conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false }, messages: [{ ...msg(0), sentAt: Infinity }] },
      }),
    ],
    ['a prototype key', JSON.parse('{"type":"hello","platform":"whatsapp","__proto__":{"polluted":true}}')],
    ['a deeply nested value', ingest({ health: JSON.parse('['.repeat(5000) + ']'.repeat(5000)) })],
  ])('%s is rejected without writing', async (_name, input) => {
    expect(await handleMessage(ctx, input, waTab)).toMatchObject({ ok: false });
    await storeIsEmpty();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test.each([
    [
      'a message text over the cap',
      () =>
        ingest({
          thread: {
            conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false },
            messages: [msg(0, 'x'.repeat(LIMITS.textChars + 1))],
          },
        }),
    ],
    ['a title over the cap', () => ingest({ conversations: [{ ...conv(0), title: 't'.repeat(LIMITS.titleChars + 1) }] })],
    ['an id over the cap', () => ingest({ batchId: 'i'.repeat(LIMITS.nativeIdChars + 1) })],
    [
      'too many messages in a batch',
      () =>
        ingest({
          thread: {
            conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false },
            messages: Array.from({ length: LIMITS.messagesPerBatch + 1 }, (_, i) => msg(i)),
          },
        }),
    ],
    [
      'too many conversations in a batch',
      () => ingest({ conversations: Array.from({ length: LIMITS.conversationsPerBatch + 1 }, (_, i) => conv(i)) }),
    ],
    [
      'too many attachments',
      () =>
        ingest({
          thread: {
            conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false },
            messages: [
              { ...msg(0), attachments: Array.from({ length: LIMITS.attachmentsPerMessage + 1 }, () => ({ kind: 'image', label: 'p' })) },
            ],
          },
        }),
    ],
  ])('%s is rejected by the size caps', async (_name, make) => {
    expect(await handleMessage(ctx, make(), waTab)).toMatchObject({ ok: false });
    await storeIsEmpty();
  });

  test('a flood of 200 oversized batches at once is refused quickly, writes nothing, and the background keeps working', async () => {
    const huge = 'x'.repeat(LIMITS.textChars + 1);
    const flood = Array.from({ length: 200 }, (_, k) =>
      k % 2
        ? ingest({
            batchId: `f${k}`,
            thread: { conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false }, messages: [msg(k, huge)] },
          })
        : ingest({ batchId: `f${k}`, conversations: Array.from({ length: LIMITS.conversationsPerBatch + 1 }, (_, i) => conv(i)) }),
    );
    const started = Date.now();
    const replies = await Promise.all(flood.map((m) => handleMessage(ctx, m, waTab)));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(replies.every((r) => r.ok === false)).toBe(true);
    await storeIsEmpty();
    // Still serving the real content script.
    expect(await handleMessage(ctx, ingest({ batchId: 'real' }), waTab)).toEqual({ ok: true, batchId: 'real' });
    expect(await db.messages.count()).toBe(1);
  });

  test('a flood of valid batches (max size, the same ids over and over) leaves one record per message', async () => {
    const messages = Array.from({ length: LIMITS.messagesPerBatch }, (_, i) => msg(i));
    const big = (k: number) =>
      ingest({ batchId: `v${k}`, thread: { conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false }, messages } });
    const replies = await Promise.all(Array.from({ length: 5 }, (_, k) => handleMessage(ctx, big(k), waTab)));
    expect(replies.every((r) => r.ok === true)).toBe(true);
    expect(await db.messages.count()).toBe(LIMITS.messagesPerBatch);
  }, 30_000);
});
