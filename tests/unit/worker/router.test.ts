import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { handleMessage, type BackgroundContext } from '../../../lib/worker/router';
import { dispatch, resumePending, STALE_POSTING_MS, type TabPort } from '../../../lib/worker/outbox';
import { classifySender } from '../../../lib/worker/senders';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { SendCommand, SendCommandReply } from '../../../lib/shared/protocol';
import { storedConversation } from '../helpers/factories';
import { backgroundContext, BASE, contentSender, EXT, pageSender } from '../helpers/background';

const page = pageSender('popup.html');
const waTab = contentSender('https://web.whatsapp.com/', 7);

class Tabs implements TabPort {
  open: number[] = [7];
  commands: SendCommand[] = [];
  reply: SendCommandReply = { accepted: true };
  async findTabs() {
    return this.open;
  }
  async sendToTab(_tab: number, c: SendCommand) {
    this.commands.push(c);
    return this.reply;
  }
}

let db: InboxDb;
let tabs: Tabs;
let ctx: BackgroundContext;
let k = 0;
const logs: unknown[][] = [];
beforeEach(async () => {
  db = openDb(`bg-${k++}`);
  tabs = new Tabs();
  logs.length = 0;
  ctx = backgroundContext(db, { tabs, log: (...a) => logs.push(a) });
  await db.conversations.put(storedConversation('whatsapp', 'Budi'));
});

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('who may talk to the background', () => {
  test('our pages and our content scripts on the right origin, top frame only', () => {
    expect(classifySender(page, EXT, BASE)).toEqual({ kind: 'page' });
    expect(classifySender(waTab, EXT, BASE)).toEqual({ kind: 'content', platform: 'whatsapp', tabId: 7 });
    expect(classifySender({ ...waTab, url: 'https://www.facebook.com/messages/t/1/' }, EXT, BASE)).toMatchObject({ platform: 'messenger' });
    expect(classifySender({ ...waTab, id: 'other' }, EXT, BASE).kind).toBe('rejected');
    expect(classifySender({ ...waTab, url: 'https://evil.example/' }, EXT, BASE).kind).toBe('rejected');
    expect(classifySender({ ...waTab, frameId: 3 }, EXT, BASE).kind).toBe('rejected');
    expect(classifySender({ ...waTab, url: 'https://web.whatsapp.com.evil.example/' }, EXT, BASE).kind).toBe('rejected');
  });

  test('malformed messages are rejected with a logged reason and never written', async () => {
    const bad = {
      type: 'ingest',
      platform: 'whatsapp',
      batchId: 'x',
      health: { state: 'ok' },
      conversations: [{ nativeId: 1 }],
      thread: null,
    };
    expect(await handleMessage(ctx, bad, waTab)).toMatchObject({ ok: false });
    expect(await handleMessage(ctx, { type: 'nonsense' }, page)).toMatchObject({ ok: false });
    expect(logs.length).toBe(2);
    expect(await db.health.count()).toBe(0);
  });

  test('an accepted ingest is merged into the store, with or without an onMerged listener', async () => {
    const batch = (id: string, title: string) => ({
      type: 'ingest',
      platform: 'whatsapp',
      batchId: id,
      health: { state: 'ok' },
      thread: null,
      conversations: [
        {
          nativeId: title,
          title,
          isGroup: false,
          unread: true,
          unreadCount: 2,
          muted: false,
          archived: false,
          pinned: false,
          preview: 'hi',
          lastMessageAt: 5,
          listRank: 0,
        },
      ],
    });
    expect(await handleMessage(ctx, batch('b1', 'Sari'), waTab)).toEqual({ ok: true, batchId: 'b1' });
    expect(await db.conversations.get('whatsapp:Sari')).toMatchObject({ title: 'Sari', unreadCount: 2 });
    expect(await db.health.get('whatsapp')).toMatchObject({ state: 'ok' });
    const heard: number[] = [];
    ctx.onMerged = (r) => heard.push(r.conversationsChanged);
    expect(await handleMessage(ctx, batch('b2', 'Rina'), waTab)).toEqual({ ok: true, batchId: 'b2' });
    expect(await db.conversations.get('whatsapp:Rina')).toBeTruthy();
    expect(heard).toEqual([1]);
  });

  test('a content script cannot speak for another platform', async () => {
    const msg = { type: 'ingest', platform: 'instagram', batchId: 'x', health: { state: 'ok' }, conversations: [], thread: null };
    expect(await handleMessage(ctx, msg, waTab)).toEqual({ ok: false, error: 'platform mismatch' });
  });

  test('a page cannot pose as a content script (ingest from the popup is refused)', async () => {
    const msg = { type: 'ingest', platform: 'whatsapp', batchId: 'x', health: { state: 'ok' }, conversations: [], thread: null };
    expect(await handleMessage(ctx, msg, page)).toMatchObject({ ok: false });
  });
});

describe('outbox', () => {
  test('send request → queued → posting in a tab → sent by the content script verdict', async () => {
    expect(await handleMessage(ctx, { type: 'send-request', outboxId: 'o1', conversationId: 'whatsapp:Budi', text: 'Halo' }, page)).toEqual(
      { ok: true },
    );
    await settle();
    expect(tabs.commands).toHaveLength(1);
    expect(tabs.commands[0]).toMatchObject({ conversationNativeId: 'Budi', text: 'Halo', checkEchoFirst: false });
    expect((await db.outbox.get('o1'))!.state).toBe('posting');
    await handleMessage(ctx, { type: 'send-result', platform: 'whatsapp', outboxId: 'o1', ok: true, messageNativeId: 'M1' }, waTab);
    expect(await db.outbox.get('o1')).toMatchObject({ state: 'sent', messageId: 'whatsapp:Budi:M1' });
  });

  test('the same request delivered twice makes one entry and one post', async () => {
    const req = { type: 'send-request', outboxId: 'o2', conversationId: 'whatsapp:Budi', text: 'Sekali saja' };
    await handleMessage(ctx, req, page);
    await settle();
    await handleMessage(ctx, req, page);
    await settle();
    expect(await db.outbox.count()).toBe(1);
    expect(tabs.commands).toHaveLength(1);
  });

  test('no tab → failed with the reason; retry once a tab is open', async () => {
    tabs.open = [];
    await handleMessage(ctx, { type: 'send-request', outboxId: 'o3', conversationId: 'whatsapp:Budi', text: 'Halo' }, page);
    await settle();
    expect(await db.outbox.get('o3')).toMatchObject({ state: 'failed', reason: 'no-tab' });
    // Only the code is stored; the pages word it in the user's language.
    expect((await db.outbox.get('o3'))!.detail).toBeUndefined();
    tabs.open = [7];
    await handleMessage(ctx, { type: 'retry-send', outboxId: 'o3' }, page);
    await settle();
    expect((await db.outbox.get('o3'))!.state).toBe('posting');
  });

  test('too long for the platform is refused up front and cannot be retried', async () => {
    const c = (await db.conversations.get('whatsapp:Budi'))!;
    await db.conversations.put({ ...c, id: 'instagram:1', platform: 'instagram', nativeId: '1' });
    await handleMessage(ctx, { type: 'send-request', outboxId: 'o4', conversationId: 'instagram:1', text: 'x'.repeat(1001) }, page);
    await settle();
    expect(await db.outbox.get('o4')).toMatchObject({ state: 'failed', reason: 'too-long' });
    expect(tabs.commands).toHaveLength(0);
    expect((await db.outbox.get('o4'))!.detail).toBeUndefined();
    // Beyond any platform's limit, the request itself is malformed.
    expect(
      await handleMessage(ctx, { type: 'send-request', outboxId: 'o4b', conversationId: 'whatsapp:Budi', text: 'x'.repeat(8001) }, page),
    ).toMatchObject({ ok: false });
  });

  test('a worker restarted mid-post re-dispatches with an echo check, and an echo already stored settles it without posting', async () => {
    await handleMessage(ctx, { type: 'send-request', outboxId: 'o5', conversationId: 'whatsapp:Budi', text: 'Sudah terkirim?' }, page);
    await settle();
    // (worker stopped here) — later a sweep finds the attempt stale.
    await resumePending(db, tabs, {}, 1_000_000 + STALE_POSTING_MS);
    expect(tabs.commands.at(-1)).toMatchObject({ outboxId: 'o5', checkEchoFirst: true, attemptStartedAt: 1_000_000 });
    // The echo had been ingested: the next sweep settles without asking the tab again.
    await db.messages.put({
      id: 'whatsapp:Budi:E',
      conversationId: 'whatsapp:Budi',
      platform: 'whatsapp',
      nativeId: 'E',
      sender: { name: 'You', isSelf: true },
      text: 'Sudah terkirim?',
      sentAt: null,
      timePrecision: 'none',
      order: 1,
      status: 'sent',
      attachments: [],
      quote: null,
      system: false,
      truncated: false,
      firstSeenAt: 1_000_500,
      updatedAt: 1_000_500,
    });
    const n = tabs.commands.length;
    await dispatch(db, 'o5', tabs, 1_000_000 + 3 * STALE_POSTING_MS);
    expect(tabs.commands.length).toBe(n);
    expect(await db.outbox.get('o5')).toMatchObject({ state: 'sent', messageId: 'whatsapp:Budi:E' });
  });

  test('a result from another platform cannot settle an entry', async () => {
    await handleMessage(ctx, { type: 'send-request', outboxId: 'o6', conversationId: 'whatsapp:Budi', text: 'Halo' }, page);
    await settle();
    const igTab = { ...waTab, url: 'https://www.instagram.com/direct/inbox/' };
    await handleMessage(ctx, { type: 'send-result', platform: 'instagram', outboxId: 'o6', ok: true }, igTab);
    expect((await db.outbox.get('o6'))!.state).toBe('posting');
  });
});
