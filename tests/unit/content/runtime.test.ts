// @vitest-environment happy-dom
// The content runtime with a minimal adapter over a toy page: batching, change-only reporting,
// cost proportional to change, acknowledged delivery with retries, and send-command dedupe.
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { PlatformAdapter } from '../../../content/adapter';
import { startContentRuntime, type RuntimeHandle } from '../../../content/runtime';
import type { MessageSnapshot } from '../../../lib/shared/model';
import { RecordingTransport } from '../helpers/transport';

const toy: PlatformAdapter = {
  platform: 'whatsapp',
  selectors: { chats: '#chats > li' },
  observedAttributes: ['aria-label', 'title', 'data-conv'],
  isActiveUrl: () => true,
  health: (doc) => (doc.getElementById('chats') ? { state: 'ok' } : { state: 'not-logged-in', reason: 'no chat list' }),
  chatRows: (doc) => Array.from(doc.querySelectorAll('#chats > li')),
  parseChatRow: (row) => ({
    nativeId: row.getAttribute('data-chat')!,
    title: row.getAttribute('data-chat')!,
    isGroup: false,
    unread: false,
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview: row.textContent ?? '',
    lastMessageAt: null,
  }),
  openConversation: (doc) => {
    const t = doc.getElementById('thread');
    return t ? { nativeId: t.getAttribute('data-conv')!, title: t.getAttribute('data-conv')!, isGroup: false } : null;
  },
  messageRows: (doc) => Array.from(doc.querySelectorAll('#thread > li')),
  parseMessageRow: (row): MessageSnapshot => ({
    nativeId: row.getAttribute('data-msg')!,
    sender: { name: row.hasAttribute('data-self') ? 'You' : 'Budi', isSelf: row.hasAttribute('data-self') },
    text: row.textContent ?? '',
    sentAt: null,
    timePrecision: 'none',
    status: row.hasAttribute('data-self') ? 'sent' : 'received',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
  }),
  rowOf: (node) => {
    const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
    const row = el?.closest('#chats > li, #thread > li');
    if (!row) return null;
    return { kind: row.parentElement!.id === 'chats' ? 'chat' : 'message', row };
  },
  navigateTo: async () => true,
  composer: (doc) => doc.getElementById('composer'),
  submit: async () => true,
};

function page(chats: number, msgs: number) {
  document.body.replaceChildren();
  const ul = document.createElement('ul');
  ul.id = 'chats';
  for (let i = 0; i < chats; i++) {
    const li = document.createElement('li');
    li.setAttribute('data-chat', `c${i}`);
    li.textContent = `preview ${i}`;
    ul.append(li);
  }
  const ol = document.createElement('ol');
  ol.id = 'thread';
  ol.setAttribute('data-conv', 'c0');
  for (let i = 0; i < msgs; i++) ol.append(message(`m${i}`, `hello ${i}`));
  const composer = document.createElement('div');
  composer.id = 'composer';
  document.body.append(ul, ol, composer);
}

function message(id: string, text: string, self = false) {
  const li = document.createElement('li');
  li.setAttribute('data-msg', id);
  if (self) li.setAttribute('data-self', '');
  li.textContent = text;
  return li;
}

let rt: RuntimeHandle | undefined;
afterEach(() => rt?.stop());
const opts = { debounceMs: 5, maxWaitMs: 20, log: () => {} };

describe('content runtime', () => {
  test('first report: hello, then every chat and the whole open thread', async () => {
    page(5, 4);
    const t = new RecordingTransport();
    rt = startContentRuntime(toy, document, t, opts);
    await rt.idle();
    expect(t.sent[0]).toEqual({ type: 'hello', platform: 'whatsapp' });
    const [first] = t.ingests();
    expect(first!.conversations.map((c) => [c.nativeId, c.listRank])).toEqual([
      ['c0', 0],
      ['c1', 1],
      ['c2', 2],
      ['c3', 3],
      ['c4', 4],
    ]);
    expect(first!.thread!.messages.map((m) => m.nativeId)).toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  test('a change re-parses only its row and reports only it, with its neighbour as anchor', async () => {
    page(1000, 300);
    const t = new RecordingTransport();
    rt = startContentRuntime(toy, document, t, opts);
    await rt.idle();
    const parsedAtStart = rt.stats.rowsParsed;
    expect(parsedAtStart).toBe(1300);

    document.querySelector('[data-chat="c500"]')!.textContent = 'new preview';
    document.getElementById('thread')!.append(message('m300', 'just arrived'));
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    const last = t.ingests().at(-1)!;
    expect(last.conversations.map((c) => c.nativeId)).toEqual(['c500']);
    expect(last.thread!.messages.map((m) => m.nativeId)).toEqual(['m299', 'm300']);
    expect(rt.stats.rowsParsed - parsedAtStart).toBe(2);
  });

  test('an incremental read parses and compares only the changed rows, and skips an untouched chat list', async () => {
    page(50, 1000);
    const t = new RecordingTransport();
    rt = startContentRuntime(toy, document, t, opts);
    await rt.idle();
    const thread = document.getElementById('thread')!;
    const settle = async () => {
      await new Promise((r) => setTimeout(r, 30));
      await rt!.idle();
    };
    const stringify = vi.spyOn(JSON, 'stringify');
    const measure = async (change: () => void) => {
      const before = { ...rt!.stats };
      stringify.mockClear();
      change();
      await settle();
      return {
        parsed: rt!.stats.rowsParsed - before.rowsParsed,
        compared: rt!.stats.comparisons - before.comparisons,
        chatReads: rt!.stats.chatReads - before.chatReads,
        // Snapshots serialised while reading: one per compared row and its sent copy, not one per row.
        serialised: stringify.mock.calls.length,
        batch: t
          .ingests()
          .at(-1)!
          .thread?.messages.map((m) => m.nativeId),
      };
    };
    try {
      // One new message: its own parse and comparison, the thread's last row as its anchor.
      const appended = await measure(() => thread.append(message('m1000', 'baru')));
      expect(appended).toMatchObject({ parsed: 1, compared: 1, chatReads: 0, batch: ['m999', 'm1000'] });
      expect(appended.serialised).toBeLessThanOrEqual(4);

      // An edit in the middle: both neighbours as anchors.
      const edited = await measure(() => (thread.children[500]!.textContent = 'diedit'));
      expect(edited).toMatchObject({ parsed: 1, compared: 1, chatReads: 0, batch: ['m499', 'm500', 'm501'] });
      expect(edited.serialised).toBeLessThanOrEqual(4);

      // A node recycled for another message (virtual list): re-parsed and reported in its place.
      const recycled = await measure(() => {
        const node = thread.children[700]!;
        node.setAttribute('data-msg', 'm700b');
        node.textContent = 'pesan lain';
      });
      expect(recycled).toMatchObject({ parsed: 1, chatReads: 0, batch: ['m699', 'm700b', 'm701'] });

      // A chat row changing is read with the chat list; the thread's rows are not parsed again.
      const chat = await measure(() => (document.querySelector('[data-chat="c7"]')!.textContent = 'preview baru'));
      expect(chat).toMatchObject({ parsed: 1, compared: 0, chatReads: 1 });
      expect(
        t
          .ingests()
          .at(-1)!
          .conversations.map((c) => c.nativeId),
      ).toEqual(['c7']);

      // A mutation that changes nothing the page shows sends nothing and compares nothing.
      const sent = t.sent.length;
      const same = await measure(() => thread.children[10]!.setAttribute('title', 'x'));
      expect(same).toMatchObject({ parsed: 1, compared: 1 });
      expect(t.sent.length).toBe(sent);
    } finally {
      stringify.mockRestore();
    }
  });

  test('rows added inside a wrapper (not mapped to a row) are still read, and the chat list is re-read', async () => {
    page(5, 3);
    const t = new RecordingTransport();
    rt = startContentRuntime(toy, document, t, opts);
    await rt.idle();
    const before = rt.stats.chatReads;
    // A wrapper around two rows lands in the body: the toy maps neither it nor (outside #thread) its rows.
    const list = document.getElementById('thread')!;
    const fragment = document.createDocumentFragment();
    fragment.append(message('m3', 'satu'), message('m4', 'dua'));
    list.append(fragment);
    const wrapper = document.createElement('div');
    document.body.append(wrapper);
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    expect(rt.stats.chatReads).toBe(before + 1);
    expect(
      t
        .ingests()
        .at(-1)!
        .thread!.messages.map((m) => m.nativeId),
    ).toEqual(['m2', 'm3', 'm4']);
  });

  test('the open conversation turning into a group re-parses its rows (sender names depend on it)', async () => {
    page(2, 3);
    const adapter: PlatformAdapter = {
      ...toy,
      openConversation: (doc) => {
        const el = doc.getElementById('thread')!;
        return { nativeId: 'c0', title: 'c0', isGroup: el.getAttribute('aria-label') === 'group' };
      },
      parseMessageRow: (row, conv) => ({ ...toy.parseMessageRow(row, conv)!, sender: { name: conv.isGroup ? '' : 'c0', isSelf: false } }),
    };
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    const parsed = rt.stats.rowsParsed;
    document.getElementById('thread')!.setAttribute('aria-label', 'group');
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    expect(rt.stats.rowsParsed - parsed).toBe(3);
    expect(
      t
        .ingests()
        .at(-1)!
        .thread!.messages.map((m) => m.sender.name),
    ).toEqual(['', '', '']);
  });

  test('a change made while the thread is held back (title unreadable) is sent once the title is back', async () => {
    page(2, 3);
    const thread = document.getElementById('thread')!;
    thread.setAttribute('data-conv', 'zz'); // not in the chat list: no fallback title
    thread.setAttribute('aria-label', 'Zed');
    const adapter: PlatformAdapter = {
      ...toy,
      openConversation: (doc) => {
        const t = doc.getElementById('thread');
        return t ? { nativeId: t.getAttribute('data-conv')!, title: t.getAttribute('aria-label') ?? '', isGroup: false } : null;
      },
    };
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    const settle = async () => {
      await new Promise((r) => setTimeout(r, 30));
      await rt!.idle();
    };
    thread.setAttribute('aria-label', '');
    await settle();
    thread.children[1]!.textContent = 'diedit';
    await settle();
    const heldBack = t.ingests().length;
    thread.setAttribute('aria-label', 'Zed');
    await settle();
    expect(t.ingests().length).toBe(heldBack + 1);
    expect(
      t
        .ingests()
        .at(-1)!
        .thread!.messages.map((m) => [m.nativeId, m.text]),
    ).toEqual([
      ['m0', 'hello 0'],
      ['m1', 'diedit'],
      ['m2', 'hello 2'],
    ]);
  });

  test('nothing changed, nothing sent', async () => {
    page(3, 3);
    const t = new RecordingTransport();
    rt = startContentRuntime(toy, document, t, opts);
    await rt.idle();
    const n = t.sent.length;
    document.body.setAttribute('data-x', '1'); // unrelated mutation
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    expect(t.sent.length).toBe(n);
  });

  test('a background that cannot be reached (worker stopped) gets the batch on retry', async () => {
    page(2, 2);
    const t = new RecordingTransport();
    t.failNext = 3;
    rt = startContentRuntime(toy, document, t, opts);
    await rt.idle();
    expect(t.ingests().flatMap((b) => b.thread?.messages.map((m) => m.nativeId) ?? [])).toEqual(['m0', 'm1']);
  });

  test('a logged-out page reports its state once and no conversations', async () => {
    document.body.replaceChildren();
    const t = new RecordingTransport();
    rt = startContentRuntime(toy, document, t, opts);
    await rt.idle();
    document.body.append(document.createElement('p'));
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    const ingests = t.ingests();
    expect(ingests).toHaveLength(1);
    const { report, ...health } = ingests[0]!.health;
    expect(health).toEqual({ state: 'not-logged-in', reason: 'no chat list' });
    // The structure of the page rides along with a state other than ok (content/layout-report.ts).
    expect(report).toMatch(/^Unified Inbox layout report/);
    expect(ingests[0]!.conversations).toEqual([]);
  });

  test('a send command asked twice posts once; malformed commands are refused', async () => {
    page(1, 1);
    const t = new RecordingTransport();
    let submits = 0;
    const adapter: PlatformAdapter = {
      ...toy,
      composer: (doc) => doc.getElementById('composer'),
      submit: async (doc) => {
        submits++;
        setTimeout(() => doc.getElementById('thread')!.append(message('echo1', 'Halo')), 20);
        return true;
      },
    };
    // The toy composer takes pasted text, like the real editors.
    const composer = document.getElementById('composer')!;
    composer.addEventListener('paste', (e) => {
      e.preventDefault();
      composer.textContent = (e as ClipboardEvent).clipboardData!.getData('text/plain');
    });
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    const cmd = {
      type: 'send',
      outboxId: 'ob1',
      conversationNativeId: 'c0',
      conversationTitle: 'c0',
      text: 'Halo',
      attemptStartedAt: Date.now(),
      checkEchoFirst: false,
    };
    expect(await t.handler!(cmd)).toEqual({ accepted: true });
    expect(await t.handler!(cmd)).toEqual({ accepted: true });
    expect(await t.handler!({ type: 'send', outboxId: '' })).toEqual({ accepted: false, reason: 'invalid' });
    // The echo is an outgoing row: mark it self once it lands.
    await new Promise((r) => setTimeout(r, 40));
    document.querySelector('[data-msg="echo1"]')!.setAttribute('data-self', '');
    composer.textContent = '';
    await new Promise((r) => setTimeout(r, 300));
    await rt.idle();
    const results = t.sent.filter((m) => m.type === 'send-result');
    expect(submits).toBe(1);
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.type === 'send-result' && r.ok && r.messageNativeId === 'echo1')).toBe(true);
  });

  test('waiting for the echo reads the parse cache: a 2,000-row thread is not parsed again per poll', async () => {
    page(1, 2_000);
    const t = new RecordingTransport();
    let parses = 0;
    const adapter: PlatformAdapter = {
      ...toy,
      parseMessageRow: (row, conv, at) => {
        parses++;
        return toy.parseMessageRow(row, conv, at);
      },
      // The echo lands after several 100 ms polls; an older bubble with the same text is already there.
      submit: async (doc) => {
        setTimeout(() => doc.getElementById('thread')!.append(message('echo2', 'Halo', true)), 450);
        return true;
      },
    };
    document.getElementById('thread')!.append(message('old', 'Halo', true));
    const composer = document.getElementById('composer')!;
    composer.addEventListener('paste', (e) => {
      e.preventDefault();
      composer.textContent = (e as ClipboardEvent).clipboardData!.getData('text/plain');
    });
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    expect(parses).toBe(2_001);
    parses = 0;
    const cmd = {
      type: 'send',
      outboxId: 'ob2',
      conversationNativeId: 'c0',
      conversationTitle: 'c0',
      text: 'Halo',
      attemptStartedAt: Date.now(),
      checkEchoFirst: false,
    };
    await t.handler!(cmd);
    for (let i = 0; i < 100 && !t.sent.some((m) => m.type === 'send-result'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(t.sent.find((m) => m.type === 'send-result')).toMatchObject({ ok: true, messageNativeId: 'echo2' });
    // The echo row, parsed by the read that reports it and by the echo check: a few parses, not 2,000 per poll.
    expect(parses).toBeLessThanOrEqual(4);
  });
});

describe('content runtime: the thread row list kept from read to read', () => {
  /** The toy adapter, counting the calls that search the whole page. */
  function counted(over: Partial<PlatformAdapter> = {}) {
    const calls = { messageRows: 0, health: 0, openConversation: 0 };
    const adapter: PlatformAdapter = {
      ...toy,
      ...over,
      messageRows: (doc) => (calls.messageRows++, (over.messageRows ?? toy.messageRows)(doc)),
      health: (doc) => (calls.health++, (over.health ?? toy.health)(doc)),
      openConversation: (doc) => (calls.openConversation++, (over.openConversation ?? toy.openConversation)(doc)),
    };
    return { adapter, calls };
  }
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 30));
    await rt!.idle();
  };
  const thread = () => document.getElementById('thread')!;

  test('one message appended: one row parsed; no walk of the rows, no health, no header read', async () => {
    page(5, 2000);
    const { adapter, calls } = counted();
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    const before = { ...calls, parsed: rt.stats.rowsParsed };
    // Nor a copy of a list as long as the thread (rows, messages): at 20,000 rows those copies
    // were most of an append's cost, and their garbage its p95 (bench/README.md).
    const longCopies: string[] = [];
    const { slice, concat } = Array.prototype;
    const slices = vi.spyOn(Array.prototype, 'slice').mockImplementation(function (this: unknown[], ...a) {
      const copy = slice.apply(this, a);
      if (copy.length >= 2000) longCopies.push('slice');
      return copy;
    });
    const concats = vi.spyOn(Array.prototype, 'concat').mockImplementation(function (this: unknown[], ...a) {
      const copy = concat.apply(this, a);
      if (copy.length >= 2000) longCopies.push('concat');
      return copy;
    });
    for (let i = 0; i < 3; i++) {
      thread().append(message(`n${i}`, `new ${i}`));
      await settle();
    }
    slices.mockRestore();
    concats.mockRestore();
    expect(longCopies).toEqual([]);
    expect(rt.stats.rowsParsed - before.parsed).toBe(3);
    expect(calls.messageRows - before.messageRows).toBe(0);
    expect(calls.health - before.health).toBe(0);
    expect(calls.openConversation - before.openConversation).toBe(0);
    const sent = t
      .ingests()
      .slice(-3)
      .map((b) => b.thread!.messages.map((m) => m.nativeId));
    expect(sent).toEqual([
      ['m1999', 'n0'],
      ['n0', 'n1'],
      ['n1', 'n2'],
    ]);
  });

  test('a row changed in the middle: the messages keep their order and the change is sent with its anchors', async () => {
    page(5, 500);
    const { adapter, calls } = counted();
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    const walks = calls.messageRows;
    thread().children[250]!.textContent = 'edited';
    thread().append(message('n0', 'new'));
    await settle();
    expect(calls.messageRows).toBe(walks);
    const last = t.ingests().at(-1)!;
    expect(last.thread!.messages.map((m) => m.nativeId)).toEqual([
      'm249',
      'm250',
      ...Array.from({ length: 249 }, (_, i) => `m${251 + i}`),
      'n0',
    ]);
    expect(last.thread!.messages[1]!.text).toBe('edited');
  });

  test('rows inserted above, a row removed, or a wrapper added: the whole list is walked again, nothing lost', async () => {
    page(5, 50);
    const { adapter, calls } = counted();
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    let walks = calls.messageRows;
    thread().prepend(message('old0', 'older'));
    await settle();
    expect(calls.messageRows).toBeGreaterThan(walks);
    expect(
      t
        .ingests()
        .at(-1)!
        .thread!.messages.slice(0, 2)
        .map((m) => m.nativeId),
    ).toEqual(['old0', 'm0']);

    walks = calls.messageRows;
    thread().children[10]!.remove();
    thread().append(message('n0', 'after a removal'));
    await settle();
    expect(calls.messageRows).toBeGreaterThan(walks);
    expect(
      t
        .ingests()
        .at(-1)!
        .thread!.messages.map((m) => m.nativeId),
    ).toEqual(['m49', 'n0']);
  });

  test('a row that appears outside the container the rows were in is not missed', async () => {
    page(5, 20);
    // Rows of this page live in #thread and, later, in a second list the app adds beside it.
    const messageRows = (doc: Document) => Array.from(doc.querySelectorAll('#thread > li, #more > li'));
    const rowOf = (node: Node) => {
      const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
      const row = el?.closest('#chats > li, #thread > li, #more > li');
      return row ? { kind: row.parentElement!.id === 'chats' ? ('chat' as const) : ('message' as const), row } : null;
    };
    const { adapter } = counted({ messageRows, rowOf });
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    const more = document.createElement('ol');
    more.id = 'more';
    document.body.append(more);
    await settle();
    more.append(message('x0', 'in the other list'));
    await settle();
    const ids = t.ingests().flatMap((b) => b.thread?.messages.map((m) => m.nativeId) ?? []);
    expect(ids).toContain('x0');
  });

  test('a conversation switch shown only outside the rows is read as the new conversation', async () => {
    page(5, 10);
    const { adapter } = counted();
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    thread().setAttribute('data-conv', 'c3');
    for (const [i, li] of Array.from(thread().children).entries()) li.setAttribute('data-msg', `k${i}`);
    thread().append(message('k10', 'in c3'));
    await settle();
    const last = t.ingests().at(-1)!;
    expect(last.thread!.conversation.nativeId).toBe('c3');
    expect(last.thread!.messages.map((m) => m.nativeId)).toContain('k10');
  });

  test('appended rows that read as no message make the runtime ask the adapter for its health again', async () => {
    page(5, 10);
    let broken = false;
    const { adapter, calls } = counted({
      parseMessageRow: (row, conv, at) => (row.hasAttribute('data-msg') ? toy.parseMessageRow(row, conv, at) : null),
      health: (doc) => (broken ? { state: 'layout-unknown', reason: 'bubbles changed' } : toy.health(doc)),
    });
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, opts);
    await rt.idle();
    const asked = calls.health;
    broken = true;
    const li = document.createElement('li');
    li.textContent = 'a message in a shape nobody reads';
    thread().append(li);
    await settle();
    expect(calls.health).toBeGreaterThan(asked);
    expect(t.ingests().at(-1)!.health).toMatchObject({ state: 'layout-unknown', reason: 'bubbles changed' });
  });
});

describe("content runtime: a long thread's first read goes in chunks", () => {
  const thread = () => document.getElementById('thread')!;
  const ids = (t: RecordingTransport) => t.ingests().flatMap((b) => (b.thread ? [b.thread.messages.map((m) => m.nativeId)] : []));
  /** Each message's text as last delivered. */
  const latestTexts = (t: RecordingTransport) =>
    new Map(t.ingests().flatMap((b) => (b.thread?.messages ?? []).map((m) => [m.nativeId, m.text] as const)));

  test('the first chunk is delivered before the rest is parsed; the chunks chain by one anchor and lose nothing', async () => {
    page(3, 10);
    const parsedAt: number[] = [];
    const adapter: PlatformAdapter = {
      ...toy,
      parseMessageRow: (row, conv, at) => {
        parsedAt.push(t.ingests().length);
        return toy.parseMessageRow(row, conv, at);
      },
    };
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, { ...opts, readChunkRows: 4 });
    await rt.idle();
    expect(ids(t)).toEqual([
      ['m0', 'm1', 'm2', 'm3'],
      ['m3', 'm4', 'm5', 'm6', 'm7'],
      ['m7', 'm8', 'm9'],
    ]);
    // Rows 4 to 9 were parsed after the first batch had been handed over, 8 and 9 after the second.
    expect(parsedAt).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2]);
    expect(rt.stats.rowsParsed).toBe(13); // and the 3 chats
    expect(t.ingests()[0]!.conversations).toHaveLength(3); // the chat list goes with the first chunk
  });

  test('a row already read that changes while the rest is being read is sent again with its anchors', async () => {
    page(1, 12);
    const t = new RecordingTransport();
    rt = startContentRuntime(toy, document, t, { ...opts, readChunkRows: 5 });
    await vi.waitFor(() => expect(ids(t).length).toBeGreaterThan(0));
    thread().children[1]!.textContent = 'edited';
    await rt.idle();
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    const sent = t.ingests().flatMap((b) => b.thread?.messages ?? []);
    // Every message delivered; the edited one last as 'edited'.
    expect(new Set(sent.map((m) => m.nativeId))).toEqual(new Set(Array.from({ length: 12 }, (_, i) => `m${i}`)));
    expect(sent.filter((m) => m.nativeId === 'm1').at(-1)!.text).toBe('edited');
  });

  test("the adapter's health is asked once for the whole first read, though every chunk has rows that read as nothing", async () => {
    page(1, 0);
    for (let i = 0; i < 12; i++) {
      if (i % 4 === 1) thread().append(Object.assign(document.createElement('li'), { textContent: `day ${i}` })); // a date divider
      thread().append(message(`m${i}`, `hello ${i}`));
    }
    let asked = 0;
    const adapter: PlatformAdapter = {
      ...toy,
      health: (doc) => (asked++, toy.health(doc)),
      parseMessageRow: (row, conv, at) => (row.hasAttribute('data-msg') ? toy.parseMessageRow(row, conv, at) : null),
    };
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, { ...opts, readChunkRows: 4 });
    await rt.idle();
    expect(rt.stats.flushes).toBeGreaterThanOrEqual(4);
    expect(new Set(ids(t).flat()).size).toBe(12);
    expect(asked).toBe(1);
    // A row that reads as nothing and arrives later still asks again.
    thread().append(Object.assign(document.createElement('li'), { textContent: 'a shape nobody reads' }));
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    expect(asked).toBe(2);
  });

  test('a change to more rows than a chunk parses reaches the background for every row', async () => {
    page(1, 12);
    const t = new RecordingTransport();
    rt = startContentRuntime(toy, document, t, { ...opts, readChunkRows: 4 });
    await rt.idle();
    // Ten rows re-rendered at once: the read parses four, the rest in the chunks after it.
    for (let i = 1; i <= 10; i++) thread().children[i]!.textContent = `edited ${i}`;
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    const last = latestTexts(t);
    for (let i = 1; i <= 10; i++) expect(last.get(`m${i}`), `m${i}`).toBe(`edited ${i}`);
  });

  test('rows derived from a row above are all derived again when it changes, past the first chunk too', async () => {
    page(1, 12);
    thread().children[0]!.setAttribute('data-day', 'Monday');
    // Each message carries the day of the nearest row above that names one (as a date break does).
    const adapter: PlatformAdapter = {
      ...toy,
      observedAttributes: [...toy.observedAttributes, 'data-day'],
      readsRowsAbove: true,
      parseMessageRow: (row, conv, at) => {
        const snap = toy.parseMessageRow(row, conv, at)!;
        let day = '';
        for (let i = at?.index ?? 0; i >= 0 && !day; i--) day = at?.rows[i]?.getAttribute('data-day') ?? '';
        return { ...snap, text: `${snap.text} (${day})` };
      },
    };
    const t = new RecordingTransport();
    rt = startContentRuntime(adapter, document, t, { ...opts, readChunkRows: 4 });
    await rt.idle();
    thread().children[0]!.setAttribute('data-day', 'Tuesday');
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    const last = latestTexts(t);
    for (let i = 0; i < 12; i++) expect(last.get(`m${i}`), `m${i}`).toBe(`hello ${i} (Tuesday)`);
  });

  test('a switch to another conversation in the middle starts its thread from the top, nothing mixed', async () => {
    page(1, 9);
    const t = new RecordingTransport();
    rt = startContentRuntime(toy, document, t, { ...opts, readChunkRows: 2 });
    await vi.waitFor(() => expect(ids(t).length).toBeGreaterThan(0));
    thread().replaceChildren(...Array.from({ length: 7 }, (_, i) => message(`k${i}`, `other ${i}`)));
    thread().setAttribute('data-conv', 'c9');
    await new Promise((r) => setTimeout(r, 30));
    await rt.idle();
    const of = (conv: string) =>
      t
        .ingests()
        .filter((b) => b.thread?.conversation.nativeId === conv)
        .flatMap((b) => b.thread!.messages.map((m) => m.nativeId));
    expect(new Set(of('c9'))).toEqual(new Set(Array.from({ length: 7 }, (_, i) => `k${i}`)));
    expect(of('c0').every((id) => id.startsWith('m'))).toBe(true);
  });
});
