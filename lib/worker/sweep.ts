// The worker's side of "Read all chats", "Load older messages" and "Read this chat"
// (lib/shared/sweep.ts). A page asks on the user's click; the worker writes the run's SweepRecord
// before it asks the platform's tab, so a worker stopped at any moment finds the run in the store.
// One run at a time across all platforms; "Read all" runs the platforms one after another, each
// started only when the previous one reported its end. Everything here is serialised: a start, a
// progress report and a cancel never interleave. Nothing stored is ever deleted by a sweep.
import type { InboxDb } from '../store/db';
import { PLATFORMS, type Conversation, type Platform } from '../shared/model';
import type { SendCommandReply, SweepCancelCommand, SweepCommand, SweepProgress, SweepStart } from '../shared/protocol';
import type { Done, SweepStartReply } from '../shared/requests';
import type { Settings } from '../shared/settings';
import {
  chatsReadKey,
  OLDER_MESSAGES_PER_RUN,
  SWEEP_LOAD_WAIT_MS,
  SWEEP_MAX_STEPS,
  SWEEP_STEP_DELAY_MS,
  sweepKey,
  type SweepKind,
  type SweepReason,
  type SweepRecord,
  type SweepState,
  type SweepTestPacing,
} from '../shared/sweep';
import { isSilent, sweepOverview, sweepRecord, threadStartKey } from '../store/sweeps';

/** What the sweep needs of the browser (lib/worker/sweep-tabs.ts; tests use a fake). */
export interface SweepPort {
  /** Tabs where the platform's content script may run, best candidate first (as the outbox finds them). */
  findTabs(platform: Platform): Promise<number[]>;
  sendToTab(tabId: number, command: SweepCommand | SweepCancelCommand): Promise<SendCommandReply>;
  /** The tab's `autoDiscardable`, or undefined where the browser has none (Firefox) or the tab is gone. */
  getAutoDiscardable(tabId: number): Promise<boolean | undefined>;
  setAutoDiscardable(tabId: number, value: boolean): Promise<void>;
  /** Opens the platform's app as a pinned background tab, unless a tab of it is open. */
  openAppTab(platform: Platform): Promise<void>;
  settings(): Promise<Settings>;
  /** The browser tests' pacing (SWEEP_TEST_PACING_KEY), or null: the product's own. */
  testPacing(): Promise<SweepTestPacing | null>;
}

/**
 * Worker-only state of the run in progress (meta ACTIVE_KEY): the tab it runs in, the tab's
 * `autoDiscardable` to put back, and the platforms a "Read all" has still to read.
 */
interface ActiveRun {
  platform: Platform;
  runId: string;
  tabId: number;
  /** The value to put back when the run ends; absent when the worker did not change it. */
  restoreDiscardable?: boolean;
  rest: Platform[];
}
export const ACTIVE_KEY = 'sweep-active';

export interface Sweeps {
  start(msg: SweepStart, now: number): Promise<SweepStartReply>;
  cancel(now: number): Promise<Done>;
  /** A content script's report; `tabId` is the tab it spoke from. */
  progress(msg: SweepProgress, tabId: number, now: number): Promise<Done>;
  /** A content script said hello: a run in that tab died with the old page. */
  tabReloaded(platform: Platform, tabId: number, now: number): Promise<void>;
  tabRemoved(tabId: number, now: number): Promise<void>;
  /** The worker (re)started: a run it was following cannot be followed any more. */
  workerStarted(now: number): Promise<void>;
  openTab(platform: Platform): Promise<Done>;
}

type Target = { kind: 'chats' } | { kind: 'older' | 'chat'; conversation: Conversation };

/** What of the tests' pacing goes into a command: only ever a shorter run or faster steps. */
function testPaced(p: SweepTestPacing | null, maxSteps: number): Partial<SweepCommand> {
  if (!p) return {};
  const int = (n: unknown, min: number, max: number) =>
    typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  const stepDelayMs = int(p.stepDelayMs, 0, SWEEP_STEP_DELAY_MS.max);
  const loadWaitMs = int(p.loadWaitMs, 100, SWEEP_LOAD_WAIT_MS);
  const cap = int(p.maxSteps, 1, maxSteps);
  return {
    ...(stepDelayMs !== undefined ? { stepDelayMs } : {}),
    ...(loadWaitMs !== undefined ? { loadWaitMs } : {}),
    ...(cap !== undefined ? { maxSteps: cap } : {}),
  };
}

const refuse = (error: SweepReason): SweepStartReply => ({ ok: false, error });

export function createSweeps(
  db: InboxDb,
  port: SweepPort,
  log: (...args: unknown[]) => void,
  newRunId: () => string = () => crypto.randomUUID(),
): Sweeps {
  let chain: Promise<unknown> = Promise.resolve();
  /** One operation at a time, in arrival order; a failure does not block the next. */
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const run = chain.then(op);
    chain = run.catch((e: unknown) => log('sweep operation failed', e));
    return run;
  };

  const activeRun = async () => ((await db.meta.get(ACTIVE_KEY))?.value as ActiveRun | undefined) ?? null;
  const putRecord = (r: SweepRecord) => db.meta.put({ key: sweepKey(r.platform), value: r });

  /** Keeps the browser from discarding the tab while it is read; returns what to put back. */
  async function keepTab(tabId: number): Promise<boolean | undefined> {
    try {
      const was = await port.getAutoDiscardable(tabId);
      if (was === undefined || was === false) return undefined;
      await port.setAutoDiscardable(tabId, false);
      return was;
    } catch (e) {
      log('could not keep the tab from being discarded', e);
      return undefined;
    }
  }
  async function releaseTab(tabId: number, restore: boolean | undefined): Promise<void> {
    if (restore === undefined) return;
    await port.setAutoDiscardable(tabId, restore).catch((e: unknown) => log('could not put autoDiscardable back', e));
  }

  async function running(now: number): Promise<SweepRecord | null> {
    for (const p of PLATFORMS) {
      const r = await sweepRecord(db, p);
      if (!r || r.state !== 'running') continue;
      if (!isSilent(r, now)) return r;
      // Silent for too long: its tab or the worker went away. It ends here, as the pages show it.
      await interrupt(r, now, 'may-run-it');
    }
    return null;
  }

  /**
   * Ends a run: its record, what it proves (the whole chat list read, or a thread read to its
   * start), the tab given back. A "Read all" goes on with its next platform unless `stopAll`.
   */
  async function finish(
    rec: SweepRecord,
    state: Exclude<SweepState, 'running'>,
    reason: SweepReason | undefined,
    now: number,
    opts: { stopAll: boolean; tabGone?: boolean },
  ) {
    const ended: SweepRecord = { ...rec, state, ...(reason ? { reason } : {}), updatedAt: now, endedAt: now };
    const active = await activeRun();
    const ours = active?.runId === rec.runId ? active : null;
    await db.transaction('rw', db.meta, async () => {
      await putRecord(ended);
      if (rec.kind === 'chats' && reason === 'end') await db.meta.put({ key: chatsReadKey(rec.platform), value: now });
      if (rec.conversationId && reason === 'start-of-conversation')
        await db.meta.put({ key: threadStartKey(rec.conversationId), value: now });
      if (ours) await db.meta.delete(ACTIVE_KEY);
    });
    if (!ours) return;
    if (!opts.tabGone) await releaseTab(ours.tabId, ours.restoreDiscardable);
    if (!opts.stopAll && ours.rest.length) await launchFirst({ kind: 'chats' }, ours.rest, now);
  }

  /** The run's tab or the worker went away: the run ends 'interrupted' (what it read is kept). */
  async function interrupt(rec: SweepRecord, now: number, tab: 'may-run-it' | 'reloaded' | 'gone') {
    const active = await activeRun();
    await finish(rec, 'interrupted', 'tab-lost', now, { stopAll: true, tabGone: tab === 'gone' });
    // A page still scrolling for a run nobody follows any more is told to stop.
    if (tab === 'may-run-it' && active?.runId === rec.runId) {
      await port.sendToTab(active.tabId, { type: 'sweep-cancel', runId: rec.runId }).catch(() => undefined);
    }
  }

  /** Starts the first of `platforms` whose tab takes the run; the others' refusals are recorded. */
  async function launchFirst(target: Target, platforms: readonly Platform[], now: number): Promise<SweepStartReply> {
    let last: SweepStartReply = refuse('no-tab');
    for (let i = 0; i < platforms.length; i++) {
      last = await launch(target, platforms[i]!, platforms.slice(i + 1), now);
      if (last.ok) return last;
    }
    return last;
  }

  async function launch(target: Target, platform: Platform, rest: Platform[], now: number): Promise<SweepStartReply> {
    const runId = newRunId();
    const conv = target.kind === 'chats' ? null : target.conversation;
    const record: SweepRecord = {
      platform,
      runId,
      kind: target.kind,
      ...(conv ? { conversationId: conv.id } : {}),
      state: 'running',
      steps: 0,
      found: 0,
      startedAt: now,
      updatedAt: now,
    };
    const command: SweepCommand = {
      type: 'sweep',
      runId,
      kind: target.kind,
      ...(conv ? { conversationNativeId: conv.nativeId, conversationTitle: conv.title } : {}),
      maxSteps: SWEEP_MAX_STEPS[target.kind],
      ...(target.kind === 'older' ? { targetMessages: OLDER_MESSAGES_PER_RUN } : {}),
      ...testPaced(await port.testPacing().catch(() => null), SWEEP_MAX_STEPS[target.kind]),
    };
    let reason: SweepReason = 'no-tab';
    for (const tabId of await port.findTabs(platform)) {
      const restoreDiscardable = await keepTab(tabId);
      const active: ActiveRun = { platform, runId, tabId, rest, ...(restoreDiscardable !== undefined ? { restoreDiscardable } : {}) };
      // Written before the tab is asked: its first report may arrive before its answer does.
      await db.transaction('rw', db.meta, async () => {
        await putRecord(record);
        await db.meta.put({ key: ACTIVE_KEY, value: active });
      });
      let reply: SendCommandReply;
      try {
        reply = await port.sendToTab(tabId, command);
      } catch (e) {
        reply = { accepted: false, reason: e instanceof Error ? e.message : String(e) };
      }
      if (reply.accepted) return { ok: true, runId };
      await releaseTab(tabId, restoreDiscardable);
      if (reply.reason === 'busy') reason = 'busy';
      else if (reply.reason === 'not-ready' && reason !== 'busy') reason = 'not-ready';
    }
    await db.transaction('rw', db.meta, async () => {
      await putRecord({ ...record, state: 'failed', reason, endedAt: now });
      if ((await activeRun())?.runId === runId) await db.meta.delete(ACTIVE_KEY);
    });
    return refuse(reason);
  }

  async function start(msg: SweepStart, now: number): Promise<SweepStartReply> {
    if (await running(now)) return refuse('busy');
    const settings = await port.settings();
    if (msg.kind === 'chats') {
      if (msg.platform !== 'all') {
        return settings.platforms[msg.platform].enabled ? launchFirst({ kind: 'chats' }, [msg.platform], now) : refuse('not-ready');
      }
      const withTab: Platform[] = [];
      for (const p of PLATFORMS) if (settings.platforms[p].enabled && (await port.findTabs(p)).length) withTab.push(p);
      return withTab.length ? launchFirst({ kind: 'chats' }, withTab, now) : refuse('no-tab');
    }
    // Bringing a chat up marks it read for its sender (WhatsApp, Messenger): only with the user's yes.
    if (settings.openChats !== 'allow') return refuse('opening-chats-off');
    const conversation = await db.conversations.get(msg.conversationId);
    if (!conversation) return refuse('chat-not-found');
    if (!settings.platforms[conversation.platform].enabled) return refuse('not-ready');
    return launchFirst({ kind: msg.kind as Exclude<SweepKind, 'chats'>, conversation }, [conversation.platform], now);
  }

  async function cancel(now: number): Promise<Done> {
    const active = await activeRun();
    const rec = active ? await sweepRecord(db, active.platform) : null;
    if (!active || rec?.runId !== active.runId || rec.state !== 'running') return { ok: true };
    // The rest of a "Read all" is dropped now, whatever the tab answers.
    await db.meta.put({ key: ACTIVE_KEY, value: { ...active, rest: [] } satisfies ActiveRun });
    let reply: SendCommandReply;
    try {
      reply = await port.sendToTab(active.tabId, { type: 'sweep-cancel', runId: active.runId });
    } catch (e) {
      reply = { accepted: false, reason: String(e) };
    }
    // Accepted: the page stops within a step and reports 'cancelled' itself. Otherwise the page
    // is not running it any more (or is gone): the run ends here.
    if (!reply.accepted) await finish(rec, 'cancelled', 'cancelled', now, { stopAll: true });
    return { ok: true };
  }

  async function progress(msg: SweepProgress, tabId: number, now: number): Promise<Done> {
    const rec = await sweepRecord(db, msg.platform);
    if (!rec || rec.runId !== msg.runId || rec.state !== 'running') return { ok: false, error: 'not the running sweep' };
    const active = await activeRun();
    if (active?.runId === rec.runId && active.tabId !== tabId) return { ok: false, error: 'not the sweeping tab' };
    const next: SweepRecord = { ...rec, steps: Math.max(rec.steps, msg.steps), found: Math.max(rec.found, msg.found), updatedAt: now };
    if (msg.state === 'running') await putRecord(next);
    // A cancel or a lost tab ends a "Read all" too; any other end goes on with its next platform.
    else await finish(next, msg.state, msg.reason, now, { stopAll: msg.state === 'cancelled' || msg.state === 'interrupted' });
    return { ok: true };
  }

  async function tabReloaded(platform: Platform, tabId: number, now: number) {
    const rec = await sweepRecord(db, platform);
    if (!rec || rec.state !== 'running') return;
    const active = await activeRun();
    if (active && active.runId === rec.runId && active.tabId !== tabId) return; // another tab of the platform
    await interrupt(rec, now, 'reloaded');
  }

  async function tabRemoved(tabId: number, now: number) {
    const active = await activeRun();
    if (active?.tabId !== tabId) return;
    const rec = await sweepRecord(db, active.platform);
    if (rec?.runId === active.runId && rec.state === 'running') await interrupt(rec, now, 'gone');
    else await db.meta.delete(ACTIVE_KEY);
  }

  async function workerStarted(now: number) {
    // Both reads at once: a batch that woke the worker is merged after them.
    const [overview, leftover] = await Promise.all([sweepOverview(db), activeRun()]);
    for (const p of PLATFORMS) {
      const rec = overview.records[p];
      if (rec?.state === 'running') await interrupt(rec, now, 'may-run-it');
    }
    // A run that ended while its tab was being given back: give it back now.
    if (leftover) {
      await db.meta.delete(ACTIVE_KEY);
      await releaseTab(leftover.tabId, leftover.restoreDiscardable);
    }
  }

  return {
    start: (msg, now) => serial(() => start(msg, now)),
    cancel: (now) => serial(() => cancel(now)),
    progress: (msg, tabId, now) => serial(() => progress(msg, tabId, now)),
    tabReloaded: (platform, tabId, now) => serial(() => tabReloaded(platform, tabId, now)),
    tabRemoved: (tabId, now) => serial(() => tabRemoved(tabId, now)),
    workerStarted: (now) => serial(() => workerStarted(now)),
    openTab: (platform) =>
      serial(async (): Promise<Done> => {
        try {
          await port.openAppTab(platform);
          return { ok: true };
        } catch (e) {
          log('could not open the tab', e);
          return { ok: false, error: 'could not open the tab' };
        }
      }),
  };
}
