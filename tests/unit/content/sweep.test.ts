// @vitest-environment happy-dom
// The sweep engine in the real content runtime, over a fake page whose lists are virtual (rows
// recycled, more loaded in async batches behind a spinner): what a run reads, how it is paced,
// each way it ends, that the list goes back where the user had it, one run at a time, and that
// nothing of a run is left scheduled after it.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { startContentRuntime, type OutgoingMessage, type RuntimeHandle, type Transport } from '../../../content/runtime';
import { finalState } from '../../../content/runtime/sweep';
import { SWEEP_LOAD_WAIT_MS, SWEEP_MAX_STEPS, SWEEP_REASONS, SWEEP_STALL_STEPS, SWEEP_STEP_DELAY_MS } from '../../../lib/shared/sweep';
import { parse, SweepProgressSchema, type Ingest, type SendCommandReply, type SweepProgress } from '../../../lib/shared/protocol';
import { fakePage, ROW, type FakePage } from './sweep-page.fake';

interface Harness {
  page: FakePage;
  sent: OutgoingMessage[];
  handle: RuntimeHandle;
  command(raw: unknown): Promise<SendCommandReply>;
  progress(): SweepProgress[];
  ingests(): Ingest[];
  /** Advance time until the run in progress ended; its final progress. */
  finish(maxMs?: number): Promise<SweepProgress>;
}

let running: RuntimeHandle | null = null;

function start(page: FakePage, opts: { random?: () => number; reachable?: () => boolean } = {}): Harness {
  const sent: OutgoingMessage[] = [];
  let handler: ((raw: unknown) => Promise<SendCommandReply>) | null = null;
  const transport: Transport = {
    async send(m) {
      if (opts.reachable && !opts.reachable()) throw new Error('Could not establish connection. Receiving end does not exist.');
      sent.push(m);
      return m.type === 'ingest' ? { ok: true, batchId: m.batchId } : { ok: true };
    },
    onCommand: (h) => (handler = h),
  };
  const boxOf = (el: HTMLElement) => (el === page.chats.el ? page.chats.box() : page.thread.box());
  const handle = startContentRuntime(page.adapter, document, transport, { log: () => {}, sweep: { boxOf, random: opts.random } });
  running = handle;
  const progress = () => sent.filter((m): m is SweepProgress => m.type === 'sweep-progress');
  return {
    page,
    sent,
    handle,
    command: (raw) => handler!(raw),
    progress,
    ingests: () => sent.filter((m): m is Ingest => m.type === 'ingest'),
    async finish(maxMs = 600_000) {
      const run = handle.sweeps.active;
      if (!run) throw new Error('no sweep in progress');
      let done = false;
      void run.done.then(() => (done = true));
      for (let t = 0; !done && t < maxMs; t += 250) await vi.advanceTimersByTimeAsync(250);
      if (!done) throw new Error('the sweep did not end');
      await vi.advanceTimersByTimeAsync(50); // its final progress delivered
      return progress().at(-1)!;
    },
  };
}

const sweep = (kind: 'chats' | 'older' | 'chat', over: Record<string, unknown> = {}) => ({
  type: 'sweep',
  runId: `run-${kind}`,
  kind,
  maxSteps: kind === 'chats' ? 600 : kind === 'older' ? 120 : 1,
  ...(kind === 'chats' ? {} : { conversationNativeId: 'c7', conversationTitle: 'Chat c7' }),
  ...over,
});

/** A trusted event, as the user's own input is (happy-dom makes none: its events carry no isTrusted). */
function trusted(type: string): Event {
  const e = new Event(type, { bubbles: true });
  Object.defineProperty(e, 'isTrusted', { value: true });
  return e;
}

const chatIdsSent = (h: Harness) => new Set(h.ingests().flatMap((m) => m.conversations.map((c) => c.nativeId)));
const messageIdsSent = (h: Harness) => new Set(h.ingests().flatMap((m) => m.thread?.messages.map((x) => x.nativeId) ?? []));

beforeEach(() => {
  vi.useFakeTimers();
  history.replaceState(null, '', '/messages/');
});

afterEach(() => {
  running?.stop();
  running = null;
  vi.useRealTimers();
});

describe('sweep: the whole chat list', () => {
  test('reads every chat (async batches, recycled rows), ranks them in list order, and puts the list back', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    h.page.chats.box().setTop(730); // where the user had it
    await vi.advanceTimersByTimeAsync(300);
    const firstInView = h.page.chats.el.querySelector('li[data-index="15"]')!.getAttribute('data-id');

    expect(await h.command(sweep('chats'))).toEqual({ accepted: true });
    const final = await h.finish();

    expect(final).toMatchObject({ state: 'done', reason: 'end', found: 300 });
    expect(chatIdsSent(h).size).toBe(300);
    // Each chat's rank (the last one sent) is its place in the whole list, not in its window.
    const rank = new Map<string, number | null>();
    for (const m of h.ingests()) for (const c of m.conversations) rank.set(c.nativeId, c.listRank);
    for (let i = 0; i < 300; i++) expect(rank.get(`c${i}`)).toBe(i);
    // Back where the user had it: the same row at the same place.
    expect(h.page.chats.top).toBe(730);
    const row = h.page.chats.el.querySelector(`li[data-id="${firstInView}"]`)!;
    expect(Number(row.getAttribute('data-index')) * ROW - h.page.chats.top).toBe(15 * ROW - 730);
    // It stalled SWEEP_STALL_STEPS times at the bottom, not more.
    const bottom = h.progress().filter((p) => p.state === 'running' && p.found === 300);
    expect(bottom.length).toBe(SWEEP_STALL_STEPS + 1);
  });

  test('steps are paced like a person: a drawn delay in bounds between two scrolls, each about a screen', async () => {
    const draws: number[] = [];
    const random = () => {
      const r = ((draws.length * 7919) % 1000) / 1000;
      draws.push(r);
      return r;
    };
    const h = start(fakePage(), { random });
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chats'));
    await h.finish();
    const scrolls = h.page.chats.scrolls;
    expect(scrolls.length).toBeGreaterThan(10);
    // Scroll to scroll (the run's own, not the putting back): never sooner than the least delay,
    // never later than the longest plus a bounded wait for the app.
    const steps = scrolls.slice(0, -1);
    for (let i = 1; i < steps.length; i++) {
      const gap = steps[i]!.at - steps[i - 1]!.at;
      expect(gap).toBeGreaterThanOrEqual(SWEEP_STEP_DELAY_MS.min);
      expect(gap).toBeLessThanOrEqual(SWEEP_STEP_DELAY_MS.max + SWEEP_LOAD_WAIT_MS + 1_000);
    }
    // A step is 80–90 % of the view (500 px): windows overlap, no row is skipped.
    let measured = 0;
    for (let i = 2; i < steps.length; i++) {
      const d = steps[i]!.asked - steps[i - 1]!.top;
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(450);
      measured++;
    }
    expect(measured).toBeGreaterThan(10);
  });

  test('every progress message is valid against SweepProgressSchema; steps count up; one final one with its reason', async () => {
    const h = start(fakePage({ total: 120 }));
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chats'));
    await h.finish();
    const all = h.progress();
    for (const p of all) expect(parse(SweepProgressSchema, p).ok).toBe(true);
    expect(all.filter((p) => p.state !== 'running')).toHaveLength(1);
    expect(all.at(-1)!.reason).toBe('end');
    const steps = all.map((p) => p.steps);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(all.every((p) => p.runId === 'run-chats' && p.platform === 'messenger')).toBe(true);
  });

  test('the hard cap ends it: step-cap after maxSteps scrolls, stopped', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chats', { maxSteps: 4 }));
    const final = await h.finish();
    expect(final).toMatchObject({ state: 'stopped', reason: 'step-cap', steps: 4 });
    expect(h.page.chats.scrolls.length).toBe(4 + 1); // and the putting back
  });

  test('cancel stops it within one step; a cancel for another run is refused', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chats'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await h.command({ type: 'sweep-cancel', runId: 'other' })).toEqual({ accepted: false, reason: 'unknown-run' });
    const before = h.page.chats.scrolls.length;
    expect(await h.command({ type: 'sweep-cancel', runId: 'run-chats' })).toEqual({ accepted: true });
    const final = await h.finish();
    expect(final).toMatchObject({ state: 'cancelled', reason: 'cancelled' });
    expect(h.page.chats.scrolls.length - before).toBe(1); // only the putting back
    expect(h.page.chats.top).toBe(0);
  });

  test("the user's trusted input stops it (state stopped, user-input); a page script's synthetic events do not", async () => {
    for (const type of ['wheel', 'keydown', 'pointerdown', 'mousedown', 'touchstart']) {
      const h = start(fakePage());
      await vi.advanceTimersByTimeAsync(300);
      await h.command(sweep('chats', { runId: `r-${type}` }));
      await vi.advanceTimersByTimeAsync(4_000);
      document.body.dispatchEvent(new Event(type, { bubbles: true })); // untrusted: ignored
      await vi.advanceTimersByTimeAsync(2_000);
      expect(h.handle.sweeps.active).not.toBeNull();
      const before = h.page.chats.scrolls.length;
      h.page.chats.el.dispatchEvent(trusted(type));
      const final = await h.finish();
      expect(final, type).toMatchObject({ state: 'stopped', reason: 'user-input' });
      expect(h.page.chats.scrolls.length - before).toBeLessThanOrEqual(1);
      h.handle.stop();
    }
  });

  test('the page navigating away under it ends it as navigation; a list that goes away as not-ready', async () => {
    let h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chats'));
    await vi.advanceTimersByTimeAsync(3_000);
    history.pushState(null, '', '/messages/t/42/');
    expect(await h.finish()).toMatchObject({ state: 'stopped', reason: 'navigation' });
    h.handle.stop();

    history.replaceState(null, '', '/messages/');
    h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chats', { runId: 'r2' }));
    await vi.advanceTimersByTimeAsync(3_000);
    h.page.chats.el.remove();
    expect(await h.finish()).toMatchObject({ state: 'failed', reason: 'not-ready' });
  });

  test('rows that stop coming before the bottom end it as no-progress, bounded', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chats'));
    await vi.advanceTimersByTimeAsync(3_000);
    h.page.chats.blank = true;
    const final = await h.finish();
    expect(final).toMatchObject({ state: 'failed', reason: 'no-progress' });
    expect(final.found).toBeLessThan(300);
  });

  test('a background that stops taking batches ends it (nothing read is dropped from the queue), interrupted', async () => {
    let reachable = true;
    const h = start(fakePage(), { reachable: () => reachable });
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chats'));
    await vi.advanceTimersByTimeAsync(3_000);
    reachable = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.handle.sweeps.active).toBeNull();
    reachable = true;
    await vi.advanceTimersByTimeAsync(10_000);
    const final = h.progress().at(-1)!;
    expect(final).toMatchObject({ state: 'interrupted', reason: 'tab-lost' });
    // Every chat it read reached the background once it was back.
    expect(chatIdsSent(h).size).toBe(final.found);
  });
});

describe('sweep: older messages and one chat', () => {
  test('older: brings the chat up, loads 200 older messages, reads them all, and puts the thread back on its anchor', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('older', { targetMessages: 200 }));
    // The chat was brought up, then the user's view taken: the bottom of the thread.
    await vi.advanceTimersByTimeAsync(50);
    expect(h.page.navigations).toEqual(['c7']);
    const startTop = h.page.thread.top;
    const renderedAtStart = h.page.thread.el.querySelectorAll('li').length;
    const anchorRow = Array.from(h.page.thread.el.querySelectorAll('li')).find(
      (li) => Number(li.getAttribute('data-index')) * ROW >= startTop,
    )!;
    const anchorId = anchorRow.getAttribute('data-id')!;
    const anchorAt = Number(anchorRow.getAttribute('data-index')) * ROW - startTop;

    const final = await h.finish();
    expect(final).toMatchObject({ state: 'done', reason: 'end' });
    expect(final.found).toBeGreaterThanOrEqual(200);
    // "Older" is what was not on the page when the run started; those rows and every older one it
    // found reached the background: one unbroken run of the thread's newest messages.
    const sentIdx = [...messageIdsSent(h)].map((id) => Number(id.slice(1))).sort((a, b) => a - b);
    expect(sentIdx.length).toBe(renderedAtStart + final.found);
    expect(sentIdx.at(-1)).toBe(999);
    expect(sentIdx[0]).toBe(1_000 - sentIdx.length);
    // Content was inserted above; the anchor message sits where it sat.
    const row = h.page.thread.el.querySelector(`li[data-id="${anchorId}"]`)!;
    expect(row).not.toBeNull();
    expect(Number(row.getAttribute('data-index')) * ROW - h.page.thread.top).toBe(anchorAt);
  });

  test('older: a page that moves the thread again after each put-back step still ends with the anchor where it sat', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('older', { targetMessages: 200 }));
    await vi.advanceTimersByTimeAsync(50);
    const thread = h.page.thread;
    const startTop = thread.top;
    const anchorRow = Array.from(thread.el.querySelectorAll('li')).find((li) => Number(li.getAttribute('data-index')) * ROW >= startTop)!;
    const anchorId = anchorRow.getAttribute('data-id')!;
    const anchorAt = Number(anchorRow.getAttribute('data-index')) * ROW - startTop;
    // Once the run puts the thread back (its scroll to the bottom, where the user was: the run
    // itself only scrolls up), three late re-renders, each a moment after the run's next scroll of
    // the thread: two rows appear above without the view kept, so everything moves down 100 px.
    const before = thread.scrolls.length;
    let back = -1;
    let moves = 0;
    const watch = setInterval(() => {
      const sc = thread.scrolls;
      if (back < 0) back = sc.findIndex((x, i) => i >= before && x.asked >= thread.extent() - thread.o.view - ROW);
      if (back < 0 || moves >= 3 || sc.length <= back + moves) return;
      const n = ++moves;
      setTimeout(() => {
        thread.items.unshift(`late${n}a`, `late${n}b`);
        thread.render();
      }, 100);
    }, 10);
    const final = await h.finish();
    clearInterval(watch);
    expect(final).toMatchObject({ state: 'done', reason: 'end' });
    expect(moves).toBe(3);
    const row = thread.el.querySelector(`li[data-id="${anchorId}"]`)!;
    expect(Number(row.getAttribute('data-index')) * ROW - thread.top).toBe(anchorAt);
  });

  test('older: the start of the conversation ends it as start-of-conversation', async () => {
    const h = start(fakePage({}, { total: 130 }));
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('older'));
    await vi.advanceTimersByTimeAsync(50);
    const renderedAtStart = h.page.thread.el.querySelectorAll('li').length;
    const final = await h.finish();
    expect(final).toMatchObject({ state: 'done', reason: 'start-of-conversation', found: 130 - renderedAtStart });
    expect(h.page.thread.items).toHaveLength(130);
  });

  test('older and chat refuse a chat they cannot open, as a send does', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('older', { conversationNativeId: 'nobody' }));
    // Looked for down the whole list first (the fake's list renders every chat but 'nobody').
    expect(await h.finish()).toMatchObject({ state: 'failed', reason: 'chat-not-found' });
    await h.command(sweep('chat', { conversationNativeId: 'dup', runId: 'r2' }));
    expect(await h.finish()).toMatchObject({ state: 'failed', reason: 'ambiguous-target' });
    expect(await h.command(sweep('older', { conversationNativeId: undefined, runId: 'r3' }))).toEqual({
      accepted: false,
      reason: 'invalid',
    });
  });

  test('a chat the list does not render is looked for down the list from the top, opened there, and the list put back', async () => {
    const h = start(fakePage({}, {}, { renderedOnly: true }));
    await vi.advanceTimersByTimeAsync(300);
    h.page.chats.box().setTop(730);
    await vi.advanceTimersByTimeAsync(300);
    const userScrolls = h.page.chats.scrolls.length;
    await h.command(sweep('chat', { conversationNativeId: 'c150', conversationTitle: 'Chat c150', maxSteps: SWEEP_MAX_STEPS.chat }));
    const final = await h.finish();
    expect(final).toMatchObject({ state: 'done', reason: 'end' });
    expect(final.found).toBeGreaterThan(0);
    // Tried where the user had the list, then after each step down from the top until the row was there.
    expect(h.page.navigations.at(-1)).toBe('c150');
    expect(h.page.navigations.length).toBe(final.steps);
    expect(h.page.chats.scrolls[userScrolls]?.asked).toBe(0);
    expect(h.page.chats.top).toBe(730);
  });

  test('a chat that is nowhere in the list: looked for to the end of the list, then chat-not-found; the list put back', async () => {
    const h = start(fakePage({ total: 120 }, {}, { renderedOnly: true }));
    await vi.advanceTimersByTimeAsync(300);
    h.page.chats.box().setTop(200);
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chat', { conversationNativeId: 'c999', conversationTitle: 'Chat c999', maxSteps: SWEEP_MAX_STEPS.chat }));
    const final = await h.finish();
    expect(final).toMatchObject({ state: 'failed', reason: 'chat-not-found' });
    expect(final.steps).toBeLessThan(SWEEP_MAX_STEPS.chat);
    expect(h.page.chats.top).toBe(200);
  });

  test('chat: brings it up and reads it once (found = messages read)', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chat'));
    const final = await h.finish();
    expect(final).toMatchObject({ state: 'done', reason: 'end', steps: 1 });
    expect(final.found).toBe(h.page.thread.el.querySelectorAll('li').length);
    expect(h.page.thread.scrolls).toEqual([]);
  });
});

describe('sweep: one at a time, and nothing left behind', () => {
  test('a second sweep is refused busy; the same run asked again is not run twice; a send waits for the sweep', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    expect(await h.command(sweep('chats'))).toEqual({ accepted: true });
    expect(await h.command(sweep('older'))).toEqual({ accepted: false, reason: 'busy' });
    expect(await h.command(sweep('chats'))).toEqual({ accepted: true }); // the same run, restarted worker
    const send = {
      type: 'send',
      outboxId: 'o1',
      conversationNativeId: 'c3',
      conversationTitle: 'Chat c3',
      text: 'hi',
      attemptStartedAt: Date.now(),
      checkEchoFirst: false,
    };
    expect(await h.command(send)).toEqual({ accepted: true });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.page.navigations).toEqual([]); // the send has not touched the page
    const final = await h.finish();
    expect(final.reason).toBe('end');
    await vi.advanceTimersByTimeAsync(100);
    expect(h.page.navigations).toEqual(['c3']); // now it runs
    // An ended run asked again reports its end again, and runs nothing.
    const scrolls = h.page.chats.scrolls.length;
    expect(await h.command(sweep('chats'))).toEqual({ accepted: true });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.progress().at(-1)).toEqual(final);
    expect(h.page.chats.scrolls.length).toBe(scrolls);
  });

  test('no timer of the run is left once it ended, whatever the end', async () => {
    for (const end of ['end', 'cancelled', 'user-input', 'tab-lost'] as const) {
      const h = start(fakePage({ total: 90 }));
      await vi.advanceTimersByTimeAsync(300);
      await h.command(sweep('chats', { runId: `r-${end}` }));
      await vi.advanceTimersByTimeAsync(2_000);
      if (end === 'cancelled') await h.command({ type: 'sweep-cancel', runId: `r-${end}` });
      if (end === 'user-input') document.body.dispatchEvent(trusted('wheel'));
      if (end === 'tab-lost') h.handle.stop();
      if (end !== 'tab-lost') await h.finish();
      else await vi.advanceTimersByTimeAsync(100);
      expect(h.handle.sweeps.active).toBeNull();
      h.handle.stop(); // the runtime's own timers (its URL poll, a pending read) go too
      await vi.advanceTimersByTimeAsync(1_000); // the fake app's last render
      expect(vi.getTimerCount(), end).toBe(0);
    }
  });

  test('the content script stopping mid-run ends it at once as tab-lost, interrupted', async () => {
    const h = start(fakePage());
    await vi.advanceTimersByTimeAsync(300);
    await h.command(sweep('chats'));
    await vi.advanceTimersByTimeAsync(3_000);
    const run = h.handle.sweeps.active!;
    h.handle.stop();
    const final = await run.done;
    expect(final).toMatchObject({ state: 'interrupted', reason: 'tab-lost' });
  });

  test('every reason has a final state; only the ends of the list or thread are done', () => {
    for (const r of SWEEP_REASONS) expect(finalState(r)).not.toBe('running');
    expect(SWEEP_REASONS.filter((r) => finalState(r) === 'done')).toEqual(['end', 'start-of-conversation']);
  });
});
