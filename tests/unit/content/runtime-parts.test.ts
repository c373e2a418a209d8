// @vitest-environment happy-dom
// The content runtime's parts on their own (the whole runtime: runtime.test.ts): the delivery
// queue's retries, acknowledgements and idle waiters over a fake transport; the observer's
// attribute list and dirty rows; the send path's memory of outgoing bubbles.
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { PlatformAdapter } from '../../../content/adapter';
import { instagramAdapter } from '../../../content/instagram/adapter';
import { messengerAdapter } from '../../../content/messenger/adapter';
import { createCommands, type CommandDeps } from '../../../content/runtime/commands';
import { createDelivery, MAX_QUEUE, type DeliveryDeps } from '../../../content/runtime/deliver';
import { CHUNK_FRAME_MS, createWatch, dirtyRows, FRAME_WAIT_MS, type PageWatch } from '../../../content/runtime/observe';
import type { OutgoingMessage, Transport } from '../../../content/runtime/types';
import { whatsappAdapter } from '../../../content/whatsapp/adapter';
import type { MessageSnapshot } from '../../../lib/shared/model';
import type { FromContent } from '../../../lib/shared/protocol';

/** Answers with the replies it is given, one per send (an Error is thrown: background unreachable). */
class ScriptedTransport implements Transport {
  sent: OutgoingMessage[] = [];
  constructor(public replies: (unknown | Error)[] = []) {}
  async send(m: OutgoingMessage) {
    this.sent.push(m);
    const reply = this.replies.length ? this.replies.shift() : { ok: true };
    if (reply instanceof Error) throw reply;
    return reply;
  }
  onCommand() {}
}

const hello = (n: number): FromContent => ({ type: 'hello', platform: `p${n}` as 'whatsapp' });

function delivery(transport: Transport, over: Partial<DeliveryDeps> = {}) {
  const stats = { batches: 0 };
  const log = vi.fn();
  const d = createDelivery({ transport, log, stats, isStopped: () => false, readPending: () => false, onOverflow: () => {}, ...over });
  return { d, stats, log };
}

describe('delivery queue', () => {
  afterEach(() => vi.useRealTimers());

  test('an unreachable background is retried with growing backoff; idle waits for the acknowledgement', async () => {
    vi.useFakeTimers();
    const unreachable = new Error('Receiving end does not exist.');
    const t = new ScriptedTransport([unreachable, unreachable, unreachable, { ok: true }, { ok: true }]);
    const { d, stats } = delivery(t);
    let idle = false;
    d.enqueue(hello(1));
    d.enqueue(hello(2));
    void d.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(t.sent).toHaveLength(1); // first retry after 200 ms
    await vi.advanceTimersByTimeAsync(1);
    expect(t.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(399);
    expect(t.sent).toHaveLength(2); // then 400 ms
    await vi.advanceTimersByTimeAsync(1);
    expect(t.sent).toHaveLength(3);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(800); // then 800 ms: delivered, and the next one right after
    expect(t.sent.map((m) => m.platform)).toEqual(['p1', 'p1', 'p1', 'p1', 'p2']);
    expect(idle).toBe(true);
    expect(stats.batches).toBe(2);
  });

  test('a message the background refuses (schema) is not retried; an unanswered one is', async () => {
    vi.useFakeTimers();
    const t = new ScriptedTransport([{ ok: false, error: 'bad shape' }, undefined, { ok: true }]);
    const { d, log } = delivery(t);
    d.enqueue(hello(1));
    d.enqueue(hello(2));
    await vi.advanceTimersByTimeAsync(1_000);
    await d.idle();
    expect(t.sent.map((m) => m.platform)).toEqual(['p1', 'p2', 'p2']);
    expect(log).toHaveBeenCalledWith('background rejected a message', 'bad shape');
  });

  test('idle also waits for a scheduled read, released by settle()', async () => {
    let readPending = true;
    const { d } = delivery(new ScriptedTransport(), { readPending: () => readPending });
    let idle = false;
    void d.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(idle).toBe(false);
    d.settle();
    await new Promise((r) => setTimeout(r, 0));
    expect(idle).toBe(false);
    readPending = false;
    d.settle();
    await new Promise((r) => setTimeout(r, 0));
    expect(idle).toBe(true);
  });

  test('a backlog past its cap keeps the newest message and asks for a full picture again', async () => {
    vi.useFakeTimers();
    const t = new ScriptedTransport(Array.from({ length: 1_000 }, () => new Error('unreachable')));
    const onOverflow = vi.fn();
    const { d } = delivery(t, { onOverflow });
    for (let i = 0; i <= MAX_QUEUE; i++) d.enqueue(hello(i));
    expect(onOverflow).toHaveBeenCalledTimes(1);
    t.replies = []; // the background answers again
    await vi.advanceTimersByTimeAsync(10_000);
    // p0 was being sent when the cap was passed; after that only the newest is left.
    expect(new Set(t.sent.map((m) => m.platform))).toEqual(new Set(['p0', `p${MAX_QUEUE}`]));
  });

  test('a backlog cut while a message is in flight: the newest message is still delivered when the one in flight succeeds', async () => {
    let release: (v: unknown) => void = () => {};
    const sent: OutgoingMessage[] = [];
    const t: Transport = {
      send: (m) => {
        sent.push(m);
        return sent.length === 1 ? new Promise((r) => (release = r)) : Promise.resolve({ ok: true });
      },
      onCommand() {},
    };
    const { d } = delivery(t);
    for (let i = 0; i <= MAX_QUEUE; i++) d.enqueue(hello(i)); // p0 in flight, then the cap is passed
    release({ ok: true });
    await d.idle();
    expect(sent.map((m) => m.platform)).toEqual(['p0', `p${MAX_QUEUE}`]);
  });

  test('a stopped runtime stops retrying', async () => {
    vi.useFakeTimers();
    let stopped = false;
    const t = new ScriptedTransport(Array.from({ length: 100 }, () => new Error('unreachable')));
    const { d } = delivery(t, { isStopped: () => stopped });
    d.enqueue(hello(1));
    await vi.advanceTimersByTimeAsync(300);
    const tries = t.sent.length;
    stopped = true;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(t.sent.length).toBeLessThanOrEqual(tries + 1);
  });
});

/** For the watch's tests: rows are `#list > li`; it observes only data-mark. */
const listAdapter = {
  observedAttributes: ['data-mark'],
  rowOf: (node: Node) => {
    const row = (node.nodeType === 1 ? (node as Element) : node.parentElement)?.closest('#list > li');
    return row ? { kind: 'chat' as const, row } : null;
  },
} as unknown as PlatformAdapter;

describe('observing', () => {
  const adapter = listAdapter;
  let watch: PageWatch | undefined;
  afterEach(() => watch?.stop());

  function setUp() {
    document.body.innerHTML = '<ul id="list"><li>a</li><li>b</li></ul>';
    const dirty = dirtyRows();
    dirty.chatsStale = false;
    const reads = vi.fn(() => watch!.cancel());
    watch = createWatch(adapter, document, dirty, { debounceMs: 5, maxWaitMs: 20, afterFrame: false }, reads);
    watch.start();
    const rows = Array.from(document.querySelectorAll('#list > li'));
    return { dirty, reads, rows };
  }
  const tick = () => new Promise((r) => setTimeout(r, 30));

  test('a change to an attribute the adapter lists marks its row dirty and asks for a read', async () => {
    const { dirty, reads, rows } = setUp();
    rows[1]!.setAttribute('data-mark', '1');
    await tick();
    expect([...dirty.chats]).toEqual([rows[1]]);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(dirty.chatsStale).toBe(false);
  });

  test('a change to an attribute it does not list is not observed at all', async () => {
    const { dirty, reads, rows } = setUp();
    rows[1]!.setAttribute('title', 'x');
    rows[0]!.setAttribute('aria-label', 'x');
    await tick();
    expect(dirty.chats.size).toBe(0);
    expect(reads).not.toHaveBeenCalled();
  });

  test('a wrapper added outside any row, or a row removed, makes the list stale', async () => {
    const { dirty, rows } = setUp();
    rows[0]!.remove();
    expect(watch!.takeRecords()).toBe(1);
    expect(dirty.chatsStale).toBe(true);
  });

  test('the adapters together observe every attribute the shared runtime observed before', () => {
    const union = new Set([whatsappAdapter, instagramAdapter, messengerAdapter].flatMap((a) => a.observedAttributes));
    for (const name of ['aria-label', 'aria-selected', 'data-icon', 'data-id', 'data-pre-plain-text', 'title', 'href', 'alt', 'src']) {
      expect(union, name).toContain(name);
    }
  });
});

describe('reading after the browser has rendered', () => {
  const adapter = listAdapter;
  let watch: PageWatch | undefined;
  let frames: FrameRequestCallback[] = [];
  afterEach(() => {
    watch?.stop();
    vi.restoreAllMocks();
    frames = [];
  });

  /** The page's frames are run by the test (`renderFrame`); `visibility` is the tab's state. */
  function setUp(visibility: DocumentVisibilityState = 'visible') {
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue(visibility);
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => frames.push(cb));
    vi.spyOn(window, 'cancelAnimationFrame').mockImplementation((id) => {
      frames[id - 1] = () => {};
    });
    document.body.innerHTML = '<ul id="list"><li>a</li><li>b</li></ul>';
    const reads = vi.fn(() => watch!.cancel());
    watch = createWatch(adapter, document, dirtyRows(), { debounceMs: 5, maxWaitMs: 20, afterFrame: true }, reads);
    watch.start();
    const rows = Array.from(document.querySelectorAll('#list > li'));
    return { reads, rows };
  }
  const renderFrame = () => {
    const due = frames;
    frames = [];
    due.forEach((cb) => cb(performance.now()));
  };
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test('in a rendered tab the read waits for the next frame and runs in the task after it', async () => {
    const { reads, rows } = setUp();
    rows[0]!.setAttribute('data-mark', '1');
    await wait(20);
    expect(reads).not.toHaveBeenCalled(); // the debounce is over; no frame yet
    expect(watch!.pending()).toBe(true);
    renderFrame();
    expect(reads).not.toHaveBeenCalled(); // not inside the frame, before its layout
    await wait(5);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(watch!.pending()).toBe(false);
  });

  test('a hidden tab renders no frames: the read runs when the debounce ends', async () => {
    const { reads, rows } = setUp('hidden');
    rows[0]!.setAttribute('data-mark', '1');
    await wait(20);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(frames).toHaveLength(0);
  });

  test('a frame that does not come (a throttled tab) does not hold the read', async () => {
    const { reads, rows } = setUp();
    rows[0]!.setAttribute('data-mark', '1');
    await wait(20);
    expect(reads).not.toHaveBeenCalled();
    await wait(FRAME_WAIT_MS + 20);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  test('a change while the read waits for its frame does not push the read back', async () => {
    const { reads, rows } = setUp();
    rows[0]!.setAttribute('data-mark', '0');
    await wait(20);
    expect(frames).toHaveLength(1);
    rows[1]!.setAttribute('data-mark', '1'); // the page changes again before the frame
    await wait(20);
    expect(frames).toHaveLength(1); // no new debounce, no second frame asked
    renderFrame();
    await wait(5);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  /** A read in `chunks` parts, as the runtime's first read of a long thread: each part asks for the next. */
  function chunkedRead(chunks: number, work: () => void = () => {}) {
    const { reads, rows } = setUp();
    let left = chunks;
    reads.mockImplementation(() => {
      watch!.cancel();
      work();
      if (--left > 0) watch!.resume();
    });
    return { reads, rows };
  }

  test('the chunks of a read follow each other without waiting for frames, while the page does not change', async () => {
    const { reads, rows } = chunkedRead(3);
    rows[0]!.setAttribute('data-mark', '1');
    await wait(20);
    renderFrame();
    // The first after the frame, the other two in tasks of their own.
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(3));
    expect(frames).toHaveLength(0);
    expect(watch!.pending()).toBe(false);
  });

  test('a chunk the page changed before waits for the frame (its layout is not done)', async () => {
    const { reads, rows } = setUp();
    reads.mockImplementation(() => {
      watch!.cancel();
      if (reads.mock.calls.length === 1) {
        watch!.resume();
        rows[1]!.setAttribute('data-mark', '2'); // the page changes before the next chunk's task
      }
    });
    rows[0]!.setAttribute('data-mark', '1');
    await wait(20);
    renderFrame();
    await vi.waitFor(() => expect(frames).toHaveLength(1)); // the second chunk waits for this frame, with no new debounce
    await wait(20);
    expect(reads).toHaveBeenCalledTimes(1);
    renderFrame();
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(2));
  });

  test('after CHUNK_FRAME_MS of chunks the next one waits for a frame, so the page paints', async () => {
    let now = 1_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const { reads, rows } = chunkedRead(4, () => (now += CHUNK_FRAME_MS / 2 + 1));
    rows[0]!.setAttribute('data-mark', '1');
    await wait(20);
    renderFrame();
    await vi.waitFor(() => expect(frames).toHaveLength(1)); // a second chunk at once; after it a frame is due
    await wait(20);
    expect(reads).toHaveBeenCalledTimes(2);
    renderFrame();
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(4));
  });

  test('stopping while a chunk is due leaves no read behind', async () => {
    const { reads, rows } = chunkedRead(2, () => setTimeout(() => watch!.stop(), 0)); // before the chunk's task
    rows[0]!.setAttribute('data-mark', '1');
    await wait(20);
    renderFrame();
    await wait(FRAME_WAIT_MS + 20);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(watch!.pending()).toBe(false);
  });

  test('stopping while waiting for the frame leaves no read behind', async () => {
    const { reads, rows } = setUp();
    rows[0]!.setAttribute('data-mark', '1');
    await wait(20);
    watch!.stop();
    renderFrame();
    await wait(FRAME_WAIT_MS + 20);
    expect(reads).not.toHaveBeenCalled();
  });
});

describe('send commands: outgoing bubbles remembered for echo checks', () => {
  const mine = (id: string, over: Partial<MessageSnapshot> = {}): MessageSnapshot => ({
    nativeId: id,
    sender: { name: '', isSelf: true },
    text: `text ${id}`,
    sentAt: null,
    timePrecision: 'none',
    status: 'sent',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
    ...over,
  });
  const commands = () => createCommands({} as CommandDeps);

  test('a bubble with a time label was first seen no later than its label allows; one without, now', () => {
    const c = commands();
    const now = Date.UTC(2026, 0, 2, 10, 0);
    c.noteOutgoing(mine('a', { sentAt: now - 3_600_000, timePrecision: 'minute' }), now);
    c.noteOutgoing(mine('b', { sentAt: now - 3_600_000, timePrecision: 'day' }), now);
    c.noteOutgoing(mine('c'), now);
    expect(c.outgoingSeen.get('a')!.firstSeen).toBe(now - 3_600_000 + 60_000);
    expect(c.outgoingSeen.get('b')!.firstSeen).toBe(now);
    expect(c.outgoingSeen.get('c')).toEqual({ text: 'text c', firstSeen: now });
    c.noteOutgoing(mine('c', { text: 'edited' }), now + 5);
    expect(c.outgoingSeen.get('c')).toEqual({ text: 'text c', firstSeen: now }); // the first sighting counts
  });

  test('incoming bubbles and ones the app marked "not sent" are never remembered; the oldest go past 500', () => {
    const c = commands();
    c.noteOutgoing(mine('in', { sender: { name: 'Budi', isSelf: false } }), 1);
    c.noteOutgoing(mine('failed', { status: 'failed' }), 1);
    expect(c.outgoingSeen.size).toBe(0);
    for (let i = 0; i < 501; i++) c.noteOutgoing(mine(`m${i}`), i);
    expect(c.outgoingSeen.size).toBe(500);
    expect(c.outgoingSeen.has('m0')).toBe(false);
    expect(c.outgoingSeen.has('m500')).toBe(true);
  });
});
