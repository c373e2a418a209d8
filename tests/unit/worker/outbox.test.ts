// The durable outbox after a worker stopped at each point of a dispatch: the reply is resumed at
// once when no tab ever took it, left alone while a live tab is posting it, and never posted twice.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { applySendResult, dispatch, enqueueSend, resumePending, STALE_POSTING_MS, type TabPort } from '../../../lib/worker/outbox';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { OutboxEntry } from '../../../lib/shared/model';
import type { SendCommand, SendCommandReply } from '../../../lib/shared/protocol';

class Tabs implements TabPort {
  commands: SendCommand[] = [];
  async findTabs() {
    return [7];
  }
  async sendToTab(_t: number, c: SendCommand): Promise<SendCommandReply> {
    this.commands.push(c);
    return { accepted: true };
  }
}

const T0 = 2_000_000;
let db: InboxDb;
let tabs: Tabs;
let n = 0;

beforeEach(async () => {
  db = openDb(`faults-outbox-${n++}`);
  tabs = new Tabs();
  await db.conversations.put({
    id: 'whatsapp:Budi',
    platform: 'whatsapp',
    nativeId: 'Budi',
    title: 'Budi',
    isGroup: false,
    unread: false,
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview: '',
    lastMessageAt: null,
    listRank: 0,
    firstSeenAt: 0,
    updatedAt: 0,
  });
});

const entry = (over: Partial<OutboxEntry>): OutboxEntry => ({
  id: 'o1',
  conversationId: 'whatsapp:Budi',
  platform: 'whatsapp',
  text: 'halo',
  state: 'queued',
  createdAt: T0,
  updatedAt: T0,
  attempts: 0,
  ...over,
});

describe('outbox resumed after the worker stopped', () => {
  test('stopped before "posting" was written (still queued): dispatched at the next start', async () => {
    await db.outbox.put(entry({}));
    await resumePending(db, tabs, {}, T0 + 10);
    expect(tabs.commands).toHaveLength(1);
    expect(tabs.commands[0]).toMatchObject({ checkEchoFirst: false });
  });

  test('stopped after "posting" was written but before any tab took it: re-dispatched at once, echo checked first', async () => {
    await db.outbox.put(entry({ state: 'posting', attempts: 1, attemptStartedAt: T0 }));
    await resumePending(db, tabs, {}, T0 + 1_000); // far from stale
    expect(tabs.commands).toHaveLength(1);
    expect(tabs.commands[0]).toMatchObject({ outboxId: 'o1', checkEchoFirst: true, attemptStartedAt: T0 });
    expect(await db.outbox.get('o1')).toMatchObject({ state: 'posting', tabId: 7, attempts: 2 });
  });

  test('a live tab posting it is left alone until stale, then re-asked with the echo check', async () => {
    await db.outbox.put(entry({ state: 'posting', attempts: 1, attemptStartedAt: T0, tabId: 7 }));
    await resumePending(db, tabs, {}, T0 + 1_000);
    expect(tabs.commands).toHaveLength(0);
    await resumePending(db, tabs, {}, T0 + STALE_POSTING_MS);
    expect(tabs.commands).toHaveLength(1);
    expect(tabs.commands[0]).toMatchObject({ checkEchoFirst: true });
  });

  test('its tab went away: re-dispatched at once; an echo already stored settles it with no post', async () => {
    await db.outbox.put(entry({ state: 'posting', attempts: 1, attemptStartedAt: T0, tabId: 7 }));
    await db.messages.put({
      id: 'whatsapp:Budi:E',
      conversationId: 'whatsapp:Budi',
      platform: 'whatsapp',
      nativeId: 'E',
      sender: { name: 'You', isSelf: true },
      text: 'halo',
      sentAt: null,
      timePrecision: 'none',
      order: 1,
      status: 'sent',
      attachments: [],
      quote: null,
      system: false,
      truncated: false,
      firstSeenAt: T0 + 500,
      updatedAt: T0 + 500,
    });
    await resumePending(db, tabs, { tabGone: 7 }, T0 + 1_000);
    expect(tabs.commands).toHaveLength(0);
    expect(await db.outbox.get('o1')).toMatchObject({ state: 'sent', messageId: 'whatsapp:Budi:E' });
  });

  test('an older reply with the same text (stored before the attempt) does not settle it', async () => {
    await db.outbox.put(entry({ state: 'posting', attempts: 1, attemptStartedAt: T0, tabId: 7 }));
    await db.messages.put({
      id: 'whatsapp:Budi:OLD',
      conversationId: 'whatsapp:Budi',
      platform: 'whatsapp',
      nativeId: 'OLD',
      sender: { name: 'You', isSelf: true },
      text: 'halo',
      sentAt: null,
      timePrecision: 'none',
      order: 1,
      status: 'read',
      attachments: [],
      quote: null,
      system: false,
      truncated: false,
      firstSeenAt: T0 - 60_000,
      updatedAt: T0 - 60_000,
    });
    await dispatch(db, 'o1', tabs, T0 + STALE_POSTING_MS);
    expect(tabs.commands).toHaveLength(1);
    expect(await db.outbox.get('o1')).toMatchObject({ state: 'posting' });
  });
});

describe('a failed reply whose echo shows up later', () => {
  const echoBatch = (text: string) => ({
    type: 'ingest' as const,
    platform: 'whatsapp' as const,
    batchId: 'b',
    health: { state: 'ok' as const },
    conversations: [],
    thread: {
      conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false },
      messages: [
        {
          nativeId: 'ECHO',
          sender: { name: 'You', isSelf: true },
          text,
          sentAt: null,
          timePrecision: 'none' as const,
          status: 'sent' as const,
          attachments: [],
          quote: null,
          system: false,
          truncated: false,
        },
      ],
    },
  });

  test.each([
    ['the tab closed mid-post (no tab left)', { reason: 'no-tab' as const, attemptStartedAt: T0 }, 'sent'],
    ['interrupted', { reason: 'interrupted' as const, attemptStartedAt: T0 }, 'sent'],
    ['no echo in time', { reason: 'no-echo' as const, attemptStartedAt: T0 }, 'sent'],
    ['never handed to a tab (no tab at all)', { reason: 'no-tab' as const }, 'failed'],
    ['refused for a draft (never posted)', { reason: 'draft-present' as const, attemptStartedAt: T0 }, 'failed'],
  ])('%s → %s', async (_name, over, want) => {
    const { mergeIngest } = await import('../../../lib/worker/merge');
    await db.outbox.put(entry({ state: 'failed', attempts: 1, ...over }));
    await mergeIngest(db, echoBatch('halo'), T0 + 5_000);
    expect((await db.outbox.get('o1'))!.state).toBe(want);
  });
});

describe('a failure is stored as its reason code, never as words', () => {
  test('no tab, an unknown conversation, too long: the code only, no English text', async () => {
    const noTabs: TabPort = { findTabs: async () => [], sendToTab: async () => ({ accepted: true }) };
    await db.outbox.put(entry({}));
    expect(await dispatch(db, 'o1', noTabs, T0 + 10)).toMatchObject({ state: 'failed', reason: 'no-tab' });
    expect((await db.outbox.get('o1'))!.detail).toBeUndefined();

    await db.outbox.put(entry({ id: 'o2', conversationId: 'whatsapp:Gone' }));
    expect(await dispatch(db, 'o2', tabs, T0 + 10)).toMatchObject({ state: 'failed', reason: 'chat-not-found' });
    expect((await db.outbox.get('o2'))!.detail).toBeUndefined();

    const long = await enqueueSend(
      db,
      { type: 'send-request', outboxId: 'o3', conversationId: 'whatsapp:Budi', text: 'x'.repeat(8_001) },
      T0,
    );
    expect(long).toMatchObject({ entry: { state: 'failed', reason: 'too-long' } });
    expect((await db.outbox.get('o3'))!.detail).toBeUndefined();
  });

  test("a page's verdict keeps its code and its own free-text message, and adds none", async () => {
    await db.outbox.put(entry({ state: 'posting', attempts: 1, attemptStartedAt: T0, tabId: 7 }));
    const verdict = { type: 'send-result' as const, platform: 'whatsapp' as const, outboxId: 'o1', ok: false };
    await applySendResult(db, { ...verdict, reason: 'composer-rejected', detail: 'Error: boom' }, 'whatsapp', T0 + 10);
    expect(await db.outbox.get('o1')).toMatchObject({ state: 'failed', reason: 'composer-rejected', detail: 'Error: boom' });
    await db.outbox.put(entry({ id: 'o2', state: 'posting', attempts: 1, attemptStartedAt: T0, tabId: 7 }));
    await applySendResult(db, { ...verdict, outboxId: 'o2', reason: 'draft-present' }, 'whatsapp', T0 + 10);
    const stored = (await db.outbox.get('o2'))!;
    expect(stored).toMatchObject({ state: 'failed', reason: 'draft-present' });
    expect(stored.detail).toBeUndefined();
  });
});
