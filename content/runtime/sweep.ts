// One sweep (lib/shared/sweep.ts): reading what the page has not rendered, on the user's click.
// 'chats' scrolls the chat list from its top to its bottom a screen at a time; 'older' brings a
// conversation up and scrolls its thread upwards until enough older messages arrived; 'chat' brings
// one up and reads it once. Every window is read through the runtime's normal path (parsed,
// compared, queued) before the next scroll, because virtual lists recycle their rows. Steps are
// spaced like a person's (SWEEP_STEP_DELAY_MS), each waits for the app to load (bounded), the run is
// capped, and it stops within a step on cancel, the user's input, navigation or an unreadable page.
// Whatever the end, the list is put back where the user had it. Nothing of a run outlives it.
import type { SweepCommand, SweepProgress } from '../../lib/shared/protocol';
import {
  OLDER_MESSAGES_PER_RUN,
  SWEEP_LOAD_WAIT_MS,
  SWEEP_STALL_STEPS,
  SWEEP_STEP_DELAY_MS,
  type SweepReason,
  type SweepState,
} from '../../lib/shared/sweep';
import type { ConversationTarget, PlatformAdapter, SweepSurfaces } from '../adapter';
import {
  applyAnchor,
  atBottom,
  atTop,
  captureAnchor,
  domScrollBox,
  watchUserInput,
  type Anchor,
  type IdRow,
  type ScrollBox,
} from './sweep-page';
import { POLL_MS, RunSignal, settle, windowClock, type SweepClock } from './sweep-wait';
import type { Log } from './types';

/** A step scrolls this share of the view (PageDown's way): windows overlap, no row is skipped. */
const STEP_SHARE = { min: 0.8, max: 0.9 } as const;
/** Quiet (no row change, no indicator) that counts as loaded: short where the app shows an indicator. */
const QUIET_MS = { indicator: 300, none: 1_000 } as const;
/** Queued batches beyond which the run waits for the background before scrolling on. */
const MAX_BACKLOG = 4;
/** Putting the list back: how long it may take to render there. */
const RESTORE_WAIT_MS = 2_000;
/** Most settle-and-anchor passes of a put-back: a page that keeps moving the rows is left after these. */
const RESTORE_PASSES = 4;

/** The state a run ends in, by its reason. */
export function finalState(reason: SweepReason): Exclude<SweepState, 'running'> {
  switch (reason) {
    case 'end':
    case 'start-of-conversation':
      return 'done';
    case 'cancelled':
      return 'cancelled';
    case 'user-input':
    case 'navigation':
    case 'step-cap':
      return 'stopped';
    case 'tab-lost':
      return 'interrupted';
    default:
      return 'failed';
  }
}

export interface SweepDeps {
  adapter: PlatformAdapter;
  doc: Document;
  log: Log;
  /** Read the page now through the normal path (what changed is parsed, compared and queued). */
  readNow(): void;
  /** The chat rows and the open thread as the last read saw them. */
  seenChats(): readonly IdRow[];
  seenThread(): { conversationId: string; messages: readonly IdRow[] } | null;
  /** Chat-list ranks for rows read during the run (null: back to the rendered order). */
  setChatRank(rank: ((nativeId: string) => number) | null): void;
  /** Why the page cannot be read now (a layout the adapter's rows do not fit), or null. */
  unreadable(): string | null;
  /** Messages queued for the background and not yet taken. */
  backlog(): number;
  report(progress: SweepProgress): void;
  clock?: SweepClock;
  random?: () => number;
  boxOf?: (el: HTMLElement) => ScrollBox;
  /** Told how long each step's read took (parse, compare, queue; no waiting): the bench's per-step cost. */
  onStepRead?: (ms: number) => void;
}

type End = { reason: SweepReason };

/** Run `cmd` until it ends; resolves with the final progress (also reported). `signal` stops it. */
export async function runSweep(cmd: SweepCommand, deps: SweepDeps, signal: RunSignal): Promise<SweepProgress> {
  const { adapter, doc } = deps;
  const clock = deps.clock ?? windowClock(doc.defaultView!);
  const random = deps.random ?? Math.random;
  const boxOf = deps.boxOf ?? domScrollBox;
  const loadWaitMs = cmd.loadWaitMs ?? SWEEP_LOAD_WAIT_MS;
  let steps = 0;
  let found = 0;
  let lastScrollAt = -Infinity;
  const progress = (state: SweepState, reason?: SweepReason): SweepProgress => ({
    type: 'sweep-progress',
    platform: adapter.platform,
    runId: cmd.runId,
    state,
    ...(reason ? { reason } : {}),
    steps,
    found,
  });
  const surfaces = adapter.sweep;
  const unwatch = watchUserInput(doc, () => signal.stop('user-input'));
  /** How to put back what the run scrolled (the chat list, the thread), in the order it was touched. */
  const undos: (() => Promise<void>)[] = [];

  /** Stopped by now, or the page became one the run cannot go on in. */
  function halted(): End | null {
    if (signal.reason) return { reason: signal.reason };
    return null;
  }

  /** Wait until the drawn delay since the last scroll passed (a person's pace). */
  async function pace(): Promise<void> {
    const delay = cmd.stepDelayMs ?? SWEEP_STEP_DELAY_MS.min + random() * (SWEEP_STEP_DELAY_MS.max - SWEEP_STEP_DELAY_MS.min);
    await signal.wait(lastScrollAt + delay - clock.now());
  }

  /** Let the background take what was read before reading more (its queue drops a long backlog). */
  async function drain(): Promise<End | null> {
    // The background's pace, not the page's: the tests' shorter load wait does not apply here.
    const until = clock.now() + SWEEP_LOAD_WAIT_MS;
    while (deps.backlog() > MAX_BACKLOG) {
      if (signal.stopped) return halted();
      if (clock.now() >= until) return { reason: 'tab-lost' };
      await signal.wait(POLL_MS * 2);
    }
    return halted();
  }

  /** After a scroll: wait for the app (bounded), read what it shows, check it is still readable. */
  async function afterScroll(s: SweepSurfaces, where: 'chats' | 'thread', region: Element, maxMs = loadWaitMs): Promise<End | null> {
    await settle(region, () => s.loadingMore(doc, where), signal, clock, {
      quietMs: s.showsLoading[where] ? QUIET_MS.indicator : QUIET_MS.none,
      maxMs,
    });
    if (signal.stopped) return halted();
    return readChecked();
  }

  /** Read now; a page that stopped being readable ends the run (a moment of 'loading' is waited out). */
  async function readChecked(): Promise<End | null> {
    const until = clock.now() + loadWaitMs;
    for (;;) {
      const t0 = performance.now();
      deps.readNow();
      deps.onStepRead?.(performance.now() - t0);
      const health = adapter.isActiveUrl(new URL(doc.location.href)) ? adapter.health(doc) : { state: 'inactive' as const };
      if (health.state === 'ok' && !deps.unreadable()) return halted();
      if (health.state !== 'loading' || clock.now() >= until) return { reason: 'not-ready' };
      await signal.wait(POLL_MS * 4);
      if (signal.stopped) return halted();
    }
  }

  async function scrollStep(box: ScrollBox, to: number): Promise<End | null> {
    if (steps >= cmd.maxSteps) return { reason: 'step-cap' };
    await pace();
    const drained = await drain();
    if (drained) return drained;
    box.setTop(to);
    steps++;
    lastScrollAt = clock.now();
    return null;
  }

  const stepLength = (box: ScrollBox) => Math.max(1, box.view() * (STEP_SHARE.min + random() * (STEP_SHARE.max - STEP_SHARE.min)));

  async function sweepChats(s: SweepSurfaces): Promise<End> {
    const scroller = s.chatListScroller(doc);
    if (!scroller) return { reason: 'not-ready' };
    const box = boxOf(scroller);
    const startUrl = doc.location.href;
    deps.readNow();
    const userTop = box.top();
    const anchor = captureAnchor(box, deps.seenChats());
    undos.push(() => putBack(box, scroller, 'chats', () => userTop, anchor, deps.seenChats));
    // Ranks: the order chats are first seen from the top down is the list's order.
    const ranks = new Map<string, number>();
    const rank = (id: string) => {
      let r = ranks.get(id);
      if (r === undefined) ranks.set(id, (r = ranks.size));
      return r;
    };
    const moved = () =>
      doc.location.href !== startUrl ? { reason: 'navigation' as const } : !scroller.isConnected ? { reason: 'not-ready' as const } : null;

    // To the top first (a person presses Home); rows read there get their rendered order.
    let end = await scrollStep(box, 0);
    end ??= await afterScroll(s, 'chats', scroller);
    end ??= moved();
    if (end) return end;
    deps.setChatRank(rank);
    deps.readNow();
    const count = () => {
      deps.seenChats().forEach((c) => rank(c.id));
      return ranks.size;
    };
    found = count();
    deps.report(progress('running'));
    let stall = 0;
    for (;;) {
      end = await scrollStep(box, box.top() + stepLength(box));
      end ??= await afterScroll(s, 'chats', scroller);
      end ??= moved();
      if (end) return end;
      const before = found;
      found = count();
      deps.report(progress('running'));
      stall = found > before ? 0 : stall + 1;
      // The bottom with the app's loading indicator still up is a page that stopped loading, not the end.
      if (stall >= SWEEP_STALL_STEPS) return { reason: atBottom(box) && !s.loadingMore(doc, 'chats') ? 'end' : 'no-progress' };
    }
  }

  /**
   * A chat the app's list does not render now (a virtual list renders the rows near its scroll
   * position): look for it as a person does, down the list from the top in paced steps, opening it
   * once its row is there. Ends at the list's end (not found), or as any run ends.
   */
  async function seekChat(s: SweepSurfaces, target: ConversationTarget): Promise<End | { opened: boolean | 'ambiguous' }> {
    const scroller = s.chatListScroller(doc);
    if (!scroller) return { opened: false };
    const box = boxOf(scroller);
    const userTop = box.top();
    const anchor = captureAnchor(box, deps.seenChats());
    undos.push(() => putBack(box, scroller, 'chats', () => userTop, anchor, deps.seenChats));
    const seen = new Set<string>();
    let stall = 0;
    let to = 0;
    for (;;) {
      const end = (await scrollStep(box, to)) ?? (await afterScroll(s, 'chats', scroller));
      if (end) return end;
      const opened = await adapter.navigateTo(doc, target);
      if (signal.stopped) return { reason: signal.reason! };
      if (opened) return { opened };
      const before = seen.size;
      deps.seenChats().forEach((c) => seen.add(c.id));
      stall = seen.size > before ? 0 : stall + 1;
      if (stall >= SWEEP_STALL_STEPS) return { opened: false };
      to = box.top() + stepLength(box);
    }
  }

  /** Bring the conversation up as a send does; the open thread's id, or why not. */
  async function bringUp(s: SweepSurfaces): Promise<End | { conversationId: string }> {
    if (!cmd.conversationNativeId) return { reason: 'chat-not-found' };
    const target = { nativeId: cmd.conversationNativeId, title: cmd.conversationTitle ?? '' };
    steps++;
    let opened = await adapter.navigateTo(doc, target);
    if (signal.stopped) return { reason: signal.reason! };
    if (opened === false) {
      const sought = await seekChat(s, target);
      if ('reason' in sought) return sought;
      opened = sought.opened;
    }
    if (opened === 'ambiguous') return { reason: 'ambiguous-target' };
    if (!opened) return { reason: 'chat-not-found' };
    lastScrollAt = clock.now();
    const region = s.threadScroller(doc) ?? doc.body;
    const end = await afterScroll(s, 'thread', region);
    if (end) return end;
    const thread = deps.seenThread();
    return thread ? { conversationId: thread.conversationId } : { reason: 'not-ready' };
  }

  async function readChat(s: SweepSurfaces): Promise<End> {
    const up = await bringUp(s);
    if ('reason' in up) return up;
    found = deps.seenThread()?.messages.length ?? 0;
    return { reason: 'end' };
  }

  async function sweepOlder(s: SweepSurfaces): Promise<End> {
    const up = await bringUp(s);
    if ('reason' in up) return up;
    const scroller = s.threadScroller(doc);
    if (!scroller) return { reason: 'not-ready' };
    const box = boxOf(scroller);
    const url = doc.location.href;
    const ids = () => deps.seenThread()?.messages ?? [];
    const before = new Set(ids().map((m) => m.id));
    const older = new Set<string>();
    // Content is inserted above while it runs: the way back is measured from the bottom, then the
    // anchor message is put where it sat.
    const fromBottom = box.extent() - box.top();
    const anchor = captureAnchor(box, ids());
    undos.push(() => putBack(box, scroller, 'thread', () => box.extent() - fromBottom, anchor, ids));
    const target = cmd.targetMessages ?? OLDER_MESSAGES_PER_RUN;
    const moved = () => {
      if (doc.location.href !== url || deps.seenThread()?.conversationId !== up.conversationId) return { reason: 'navigation' as const };
      return scroller.isConnected ? null : { reason: 'not-ready' as const };
    };
    let stall = 0;
    for (;;) {
      const top = box.top();
      let end = await scrollStep(box, top - stepLength(box));
      end ??= await afterScroll(s, 'thread', scroller);
      end ??= moved();
      if (end) return end;
      const rows = ids();
      let fresh = 0;
      for (const m of rows) {
        if (before.has(m.id) || older.has(m.id)) continue;
        older.add(m.id);
        fresh++;
      }
      found = older.size;
      deps.report(progress('running'));
      if (found >= target) return { reason: 'end' };
      // Scrolling up through rows already rendered is progress too; at the top nothing new is a stall.
      const rose = box.top() < top - 1 && rows.length > 0;
      stall = fresh > 0 || rose ? 0 : stall + 1;
      if (stall >= SWEEP_STALL_STEPS)
        return { reason: atTop(box) && !s.loadingMore(doc, 'thread') ? 'start-of-conversation' : 'no-progress' };
    }
  }

  /**
   * Put the list back: the raw position first, then, once the app rendered there (and finished
   * loading what the last step asked for), the anchor row where it sat; again after the page
   * settles each time, as a late batch or re-render can still move it, until a settled page finds
   * the anchor in place (at most RESTORE_PASSES). The user's input meanwhile ends it (their
   * scrolling wins).
   */
  async function putBack(
    box: ScrollBox,
    region: Element,
    where: 'chats' | 'thread',
    rawTop: () => number,
    anchor: Anchor | null,
    rows: () => readonly IdRow[],
  ): Promise<void> {
    const back = new RunSignal(clock);
    const unwatchBack = watchUserInput(doc, () => back.stop('user-input'));
    const loading = () => surfaces?.loadingMore(doc, where) ?? false;
    try {
      box.setTop(rawTop());
      // A content script that is done (extension reloaded, a newer one started) reads no more.
      if (!anchor || !region.isConnected || signal.reason === 'tab-lost') return;
      for (let pass = 0; pass < RESTORE_PASSES; pass++) {
        await settle(region, loading, back, clock, { quietMs: QUIET_MS.indicator, maxMs: RESTORE_WAIT_MS });
        if (back.stopped || !region.isConnected) return;
        deps.readNow();
        const drift = applyAnchor(box, anchor, rows());
        // In place after the page settled (the first pass always checks once more).
        if (pass > 0 && drift === 0) return;
      }
    } finally {
      unwatchBack();
      back.stop('end'); // clears any timer left
    }
  }

  let end: End;
  try {
    if (!surfaces) end = { reason: 'not-ready' };
    else if (signal.stopped) end = { reason: signal.reason! };
    else if (cmd.kind === 'chats') end = await sweepChats(surfaces);
    else if (cmd.kind === 'older') end = await sweepOlder(surfaces);
    else end = await readChat(surfaces);
  } catch (e) {
    deps.log('sweep failed', e);
    end = { reason: 'not-ready' };
  }
  // The first reason wins: a cancel that came while the run was ending another way is not it.
  signal.stop(end.reason);
  unwatch();
  // Last touched, first put back: the thread, then the chat list it was found in.
  for (const restore of undos.reverse()) {
    try {
      await restore();
    } catch (e) {
      deps.log('putting the list back failed', e);
    }
  }
  deps.setChatRank(null);
  const final = progress(finalState(signal.reason ?? end.reason), signal.reason ?? end.reason);
  deps.report(final);
  return final;
}
