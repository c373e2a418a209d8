// @vitest-environment happy-dom
// The runtime's own health check on a toy page (the adapters' pages: tests/adapters/layout-unknown.test.ts):
// rows found and none read is a layout change; rows that may well read as nothing (date breaks,
// empty placeholders, a notice or two, one odd list row) are not, unless it lasts.
import { afterEach, describe, expect, test } from 'vitest';
import type { PlatformAdapter } from '../../../content/adapter';
import { startContentRuntime, type RuntimeHandle } from '../../../content/runtime';
import type { MessageSnapshot } from '../../../lib/shared/model';
import { RecordingTransport } from '../helpers/transport';

/** Chats are `#chats > li[data-chat]`; messages `#thread > li[data-msg]`, `li.notice` a system row, anything else unreadable. */
const toy: PlatformAdapter = {
  platform: 'whatsapp',
  selectors: { chatList: '#chats', chatRow: '#chats > li', chatId: '[data-chat]', messageRow: '#thread > li', messageId: '[data-msg]' },
  observedAttributes: ['aria-label', 'title'],
  isActiveUrl: () => true,
  health: (doc) => (doc.getElementById('chats') ? { state: 'ok' } : { state: 'not-logged-in' }),
  chatRows: (doc) => Array.from(doc.querySelectorAll('#chats > li')),
  parseChatRow: (row) =>
    row.hasAttribute('data-chat')
      ? {
          nativeId: row.getAttribute('data-chat')!,
          title: row.getAttribute('data-chat')!,
          isGroup: false,
          unread: false,
          unreadCount: null,
          muted: false,
          archived: false,
          pinned: false,
          preview: '',
          lastMessageAt: null,
        }
      : null,
  openConversation: (doc) => (doc.getElementById('thread') ? { nativeId: 'c0', title: 'c0', isGroup: false } : null),
  messageRows: (doc) => Array.from(doc.querySelectorAll('#thread > li')),
  parseMessageRow: (row): MessageSnapshot | null => {
    const notice = row.classList.contains('notice');
    if (!row.hasAttribute('data-msg') && !notice) return null;
    return {
      nativeId: row.getAttribute('data-msg') ?? `sys-${row.textContent}`,
      sender: { name: 'Budi', isSelf: false },
      text: row.textContent ?? '',
      sentAt: null,
      timePrecision: 'none',
      status: 'received',
      attachments: [],
      quote: null,
      system: notice,
      truncated: false,
    };
  },
  rowOf: (node) => {
    const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
    const row = el?.closest('#chats > li, #thread > li');
    return row ? { kind: row.parentElement!.id === 'chats' ? 'chat' : 'message', row } : null;
  },
  navigateTo: async () => true,
  composer: () => null,
  submit: async () => true,
};

type Row = { attrs?: Record<string, string>; text?: string; cls?: string };

function page(chats: Row[], messages: Row[] | null) {
  document.body.replaceChildren();
  const make = (parent: Element, r: Row) => {
    const li = document.createElement('li');
    Object.entries(r.attrs ?? {}).forEach(([k, v]) => li.setAttribute(k, v));
    if (r.cls) li.className = r.cls;
    li.textContent = r.text ?? '';
    parent.append(li);
  };
  const ul = document.createElement('ul');
  ul.id = 'chats';
  chats.forEach((r) => make(ul, r));
  document.body.append(ul);
  if (messages) {
    const ol = document.createElement('ol');
    ol.id = 'thread';
    messages.forEach((r) => make(ol, r));
    document.body.append(ol);
  }
}

const chat = (i: number): Row => ({ attrs: { 'data-chat': `c${i}` }, text: `preview ${i}` });
const msg = (i: number): Row => ({ attrs: { 'data-msg': `m${i}` }, text: `hello ${i}` });
const bare = (text: string): Row => ({ text });

let rt: RuntimeHandle | null = null;
let transport = new RecordingTransport();
afterEach(() => {
  rt?.stop();
  rt = null;
});

async function start() {
  transport = new RecordingTransport();
  rt = startContentRuntime(toy, document, transport, { debounceMs: 1, maxWaitMs: 1, log: () => {} });
  await settle();
}

/** Wait for the runtime, including the readings it schedules itself to confirm a suspicion. */
async function settle() {
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 10));
    await rt!.idle();
  }
}

const ingests = () => transport.ingests();
const health = () => ingests().at(-1)!.health;

describe('rows found, none readable', () => {
  test('three chat rows that do not read: layout-unknown at once, naming them', async () => {
    page([bare('a'), bare('b'), bare('c')], null);
    await start();
    expect(health()).toMatchObject({ state: 'layout-unknown', reason: 'chat rows found (3) but none readable' });
    expect(ingests().every((b) => b.conversations.length === 0)).toBe(true);
  });

  test('one odd chat row is believed empty only until three readings say the same', async () => {
    page([bare('Archived')], null);
    await start();
    // The runtime read the list again on its own to be sure, and then said so.
    expect(health()).toMatchObject({ state: 'layout-unknown', reason: 'chat rows found (1) but none readable' });
    expect(ingests().filter((b) => b.health.state === 'ok')).toHaveLength(0);
  });

  test('an empty chat list is no evidence either way', async () => {
    page([], null);
    await start();
    expect(health().state).toBe('ok');
  });

  test('a thread of date breaks and empty placeholders is not a broken one', async () => {
    page([chat(0)], [bare('Today'), bare(''), bare(''), bare(''), bare('Yesterday')]);
    await start();
    expect(health().state).toBe('ok');
    expect(ingests().some((b) => b.conversations.length === 1)).toBe(true);
  });

  test('a thread with a notice or two and nothing else is not a broken one', async () => {
    page(
      [chat(0)],
      [bare('Today'), { cls: 'notice', text: 'Messages are end-to-end encrypted' }, { cls: 'notice', text: 'Budi created this group' }],
    );
    await start();
    expect(health().state).toBe('ok');
  });

  test('content rows of which none reads, three readings running: layout-unknown naming the anchor that went', async () => {
    page([chat(0)], [msg(1), msg(2), msg(3), msg(4)]);
    await start();
    expect(health().state).toBe('ok');
    // (the toy's attribute is not one the runtime observes: the rows' text changes with it)
    document.querySelectorAll('#thread > li').forEach((li) => {
      li.removeAttribute('data-msg');
      li.append(' ');
    });
    // One mutation: the runtime confirms with readings of its own.
    await settle();
    expect(health()).toMatchObject({
      state: 'layout-unknown',
      reason: 'message rows found (4) but none readable; no row has messageId any more',
    });
    // Recovery: the rows read again, everything is sent again.
    document.querySelectorAll('#thread > li').forEach((li, i) => {
      li.setAttribute('data-msg', `m${i + 1}`);
      li.append(' ');
    });
    await settle();
    const last = ingests().at(-1)!;
    expect(last.health).toEqual({ state: 'ok' });
    expect(last.thread?.messages).toHaveLength(4);
    expect(last.conversations).toHaveLength(1);
  });

  test('a thread that reads only as notices is believed broken only when it is long', async () => {
    page(
      [chat(0)],
      Array.from({ length: 4 }, (_, i) => ({ cls: 'notice', text: `notice ${i}` })),
    );
    await start();
    expect(health().state).toBe('ok');
    page(
      [chat(0)],
      Array.from({ length: 12 }, (_, i) => ({ cls: 'notice', text: `notice ${i}` })),
    );
    await settle();
    expect(health()).toMatchObject({
      state: 'layout-unknown',
      reason: expect.stringContaining('message rows found (12) but none readable'),
    });
  });

  test('no send goes into a page whose rows cannot be read (its echo could not be seen)', async () => {
    page([bare('a'), bare('b'), bare('c')], null);
    await start();
    expect(health().state).toBe('layout-unknown');
    const reply = await transport.command({
      type: 'send',
      outboxId: 'o1',
      conversationNativeId: 'c0',
      conversationTitle: 'c0',
      text: 'hi',
      attemptStartedAt: Date.now(),
      checkEchoFirst: false,
    });
    expect(reply).toEqual({ accepted: false, reason: 'not-ready' });
  });

  test('healthy reads schedule nothing extra', async () => {
    page([chat(0), chat(1)], [msg(1), msg(2)]);
    await start();
    const flushes = rt!.stats.flushes;
    await settle();
    expect(rt!.stats.flushes).toBe(flushes);
  });

  test('a read asks the adapter for its health before it reads any row', async () => {
    page([chat(0), chat(1)], [msg(1), msg(2)]);
    const calls: string[] = [];
    const spied = { ...toy };
    for (const name of ['health', 'chatRows', 'openConversation', 'messageRows'] as const) {
      const real = toy[name] as (doc: Document) => unknown;
      (spied as Record<string, unknown>)[name] = (doc: Document) => (calls.push(name), real(doc));
    }
    transport = new RecordingTransport();
    rt = startContentRuntime(spied, document, transport, { debounceMs: 1, maxWaitMs: 1, log: () => {} });
    await settle();
    expect(ingests().some((b) => b.conversations.length === 2)).toBe(true);
    expect(calls[0]).toBe('health');
    expect(calls).toContain('chatRows');
  });
});
