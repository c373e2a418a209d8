// The worker's side of reading the whole inbox (issue 13, lib/worker/sweep.ts), driven through the
// router as the browser would: page requests from the popup, progress from content scripts on
// their origins, and the lifecycle events (hello, a closed tab, a restarted worker).
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { handleMessage, type BackgroundContext } from '../../../lib/worker/router';
import { ACTIVE_KEY, createSweeps, type SweepPort, type Sweeps } from '../../../lib/worker/sweep';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { asShown, sweepOverview, sweepRecord, threadStartReached } from '../../../lib/store/sweeps';
import { messageId, type Message, type Platform } from '../../../lib/shared/model';
import type { SendCommandReply, SweepCancelCommand, SweepCommand } from '../../../lib/shared/protocol';
import { normaliseSettings, type Settings } from '../../../lib/shared/settings';
import {
  chatsReadKey,
  OLDER_MESSAGES_PER_RUN,
  SWEEP_LOAD_WAIT_MS,
  SWEEP_MAX_STEPS,
  SWEEP_SILENCE_MS,
  type SweepRecord,
  type SweepTestPacing,
} from '../../../lib/shared/sweep';
import { storedConversation } from '../helpers/factories';

const EXT = 'abcdefghijklmnopabcdefghijklmnop';
const BASE = `chrome-extension://${EXT}/`;
const page: Runtime.MessageSender = { id: EXT, url: `${BASE}popup.html` };
const tabSender = (url: string, id: number): Runtime.MessageSender => ({
  id: EXT,
  url,
  tab: { id } as Runtime.MessageSender['tab'],
  frameId: 0,
});
const TAB = { whatsapp: 7, instagram: 8, messenger: 9 } as const;
const from: Record<Platform, Runtime.MessageSender> = {
  whatsapp: tabSender('https://web.whatsapp.com/', TAB.whatsapp),
  instagram: tabSender('https://www.instagram.com/direct/inbox/', TAB.instagram),
  messenger: tabSender('https://www.facebook.com/messages/t/1/', TAB.messenger),
};

type Command = SweepCommand | SweepCancelCommand;

class FakePort implements SweepPort {
  tabs: Record<Platform, number[]> = { whatsapp: [TAB.whatsapp], instagram: [TAB.instagram], messenger: [TAB.messenger] };
  sent: { tabId: number; command: Command }[] = [];
  answer: (tabId: number, command: Command) => SendCommandReply | Promise<SendCommandReply> = () => ({ accepted: true });
  /** Each tab's autoDiscardable; a tab missing here has none (Firefox). */
  discardable = new Map<number, boolean>([
    [TAB.whatsapp, true],
    [TAB.instagram, true],
    [TAB.messenger, true],
  ]);
  discardableWrites: [number, boolean][] = [];
  opened: Platform[] = [];
  current: Settings = normaliseSettings({});
  async findTabs(p: Platform) {
    return this.tabs[p];
  }
  async sendToTab(tabId: number, command: Command) {
    this.sent.push({ tabId, command });
    return this.answer(tabId, command);
  }
  async getAutoDiscardable(tabId: number) {
    return this.discardable.get(tabId);
  }
  async setAutoDiscardable(tabId: number, value: boolean) {
    this.discardableWrites.push([tabId, value]);
    if (!this.discardable.has(tabId)) throw new Error('No tab with id');
    this.discardable.set(tabId, value);
  }
  async openAppTab(p: Platform) {
    this.opened.push(p);
  }
  pacing: SweepTestPacing | null = null;
  async testPacing() {
    return this.pacing;
  }
  async settings() {
    return this.current;
  }
  sweeps = () => this.sent.filter((s): s is { tabId: number; command: SweepCommand } => s.command.type === 'sweep');
  cancels = () => this.sent.filter((s) => s.command.type === 'sweep-cancel');
}

let db: InboxDb;
let port: FakePort;
let sweeps: Sweeps;
let ctx: BackgroundContext;
let clock: number;
let k = 0;
let runs = 0;
const logs: unknown[][] = [];

beforeEach(async () => {
  db = openDb(`sweep-${k++}`);
  port = new FakePort();
  logs.length = 0;
  clock = 1_000_000;
  runs = 0;
  sweeps = createSweeps(
    db,
    port,
    (...a) => logs.push(a),
    () => `run-${++runs}`,
  );
  ctx = {
    db,
    tabs: { findTabs: async () => [], sendToTab: async () => ({ accepted: true }) },
    extensionId: EXT,
    extensionBaseUrl: BASE,
    log: (...a) => logs.push(a),
    now: () => clock,
    sweeps,
  };
  await db.conversations.put(storedConversation('whatsapp', 'dm/Budi', { title: 'Budi' }));
});

const startChats = (platform: Platform | 'all') => handleMessage(ctx, { type: 'sweep-start', kind: 'chats', platform }, page);
const startIn = (kind: 'older' | 'chat', conversationId = 'whatsapp:dm/Budi') =>
  handleMessage(ctx, { type: 'sweep-start', kind, conversationId }, page);
const progress = (
  platform: Platform,
  runId: string,
  over: { state?: SweepRecord['state']; reason?: SweepRecord['reason']; steps?: number; found?: number } = {},
  sender = from[platform],
) => handleMessage(ctx, { type: 'sweep-progress', platform, runId, state: 'running', steps: 1, found: 10, ...over }, sender);
const record = (p: Platform) => sweepRecord(db, p);
const runIdOf = async (p: Platform) => (await record(p))!.runId;

describe('sweep-start', () => {
  test("the browser tests' pacing only ever shortens a run: in range it goes into the command, out of range it is dropped", async () => {
    port.pacing = { stepDelayMs: 0, loadWaitMs: 500, maxSteps: 8 };
    await startChats('whatsapp');
    expect(port.sent[0]!.command).toEqual({ type: 'sweep', runId: 'run-1', kind: 'chats', maxSteps: 8, stepDelayMs: 0, loadWaitMs: 500 });
    await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' });
    port.pacing = { stepDelayMs: -1, loadWaitMs: SWEEP_LOAD_WAIT_MS + 1, maxSteps: SWEEP_MAX_STEPS.chats + 1 };
    await startChats('whatsapp');
    expect(port.sent[1]!.command).toEqual({ type: 'sweep', runId: 'run-2', kind: 'chats', maxSteps: SWEEP_MAX_STEPS.chats });
  });

  test('records the run before asking the tab, sends one command, keeps the tab from being discarded', async () => {
    let seenAtSend: SweepRecord | null = null;
    port.answer = async () => {
      seenAtSend = await record('whatsapp');
      return { accepted: true };
    };
    const reply = await startChats('whatsapp');
    expect(reply).toEqual({ ok: true, runId: 'run-1' });
    expect(seenAtSend).toMatchObject({ runId: 'run-1', state: 'running' });
    expect(port.sent).toEqual([
      { tabId: TAB.whatsapp, command: { type: 'sweep', runId: 'run-1', kind: 'chats', maxSteps: SWEEP_MAX_STEPS.chats } },
    ]);
    expect(await record('whatsapp')).toEqual({
      platform: 'whatsapp',
      runId: 'run-1',
      kind: 'chats',
      state: 'running',
      steps: 0,
      found: 0,
      startedAt: clock,
      updatedAt: clock,
    });
    expect(port.discardable.get(TAB.whatsapp)).toBe(false);
  });

  test('one run at a time across all platforms: a second start is refused busy', async () => {
    await startChats('whatsapp');
    expect(await startChats('instagram')).toEqual({ ok: false, error: 'busy' });
    expect(await startChats('whatsapp')).toEqual({ ok: false, error: 'busy' });
    expect(await startChats('all')).toEqual({ ok: false, error: 'busy' });
    expect(port.sweeps()).toHaveLength(1);
    expect(await record('instagram')).toBeNull();
    // Once it ended, the next may start.
    await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' });
    expect(await startChats('instagram')).toMatchObject({ ok: true });
  });

  test('two starts arriving together: one runs, the other is busy', async () => {
    const replies = await Promise.all([startChats('whatsapp'), startChats('messenger')]);
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies).toContainEqual({ ok: false, error: 'busy' });
  });

  test('no tab: refused no-tab, and the platform shows it', async () => {
    port.tabs.whatsapp = [];
    expect(await startChats('whatsapp')).toEqual({ ok: false, error: 'no-tab' });
    expect(port.sent).toEqual([]);
    expect(await record('whatsapp')).toMatchObject({ state: 'failed', reason: 'no-tab', endedAt: clock });
    expect(await db.meta.get(ACTIVE_KEY)).toBeUndefined();
  });

  test('a tab that refuses: the next tab is tried; all refusing ends not-ready, each tab given back', async () => {
    port.tabs.whatsapp = [7, 70];
    port.discardable.set(70, true);
    port.answer = () => ({ accepted: false, reason: 'not-ready' });
    expect(await startChats('whatsapp')).toEqual({ ok: false, error: 'not-ready' });
    expect(port.sent.map((s) => s.tabId)).toEqual([7, 70]);
    expect(await record('whatsapp')).toMatchObject({ state: 'failed', reason: 'not-ready' });
    expect(port.discardable.get(7)).toBe(true);
    expect(port.discardable.get(70)).toBe(true);
    // A tab that throws (no content script) counts as no tab; one still busy with a run says busy.
    port.answer = (tabId) =>
      tabId === 7 ? Promise.reject(new Error('Receiving end does not exist.')) : { accepted: false, reason: 'busy' };
    expect(await startChats('whatsapp')).toEqual({ ok: false, error: 'busy' });
    port.answer = () => Promise.reject(new Error('Receiving end does not exist.'));
    expect(await startChats('whatsapp')).toEqual({ ok: false, error: 'no-tab' });
  });

  test('a switched-off platform is not read', async () => {
    port.current = normaliseSettings({ platforms: { whatsapp: { enabled: false, notify: true } } });
    expect(await startChats('whatsapp')).toEqual({ ok: false, error: 'not-ready' });
    expect(port.sent).toEqual([]);
  });

  test('"Load older messages" and "Read this chat" only with the user\'s yes to opening chats', async () => {
    for (const openChats of ['ask', 'never'] as const) {
      port.current = normaliseSettings({ openChats });
      expect(await startIn('older')).toEqual({ ok: false, error: 'opening-chats-off' });
      expect(await startIn('chat')).toEqual({ ok: false, error: 'opening-chats-off' });
    }
    expect(port.sent).toEqual([]);
    expect(await record('whatsapp')).toBeNull();

    port.current = normaliseSettings({ openChats: 'allow' });
    expect(await startIn('older', 'whatsapp:dm/Nobody')).toEqual({ ok: false, error: 'chat-not-found' });
    expect(await startIn('older')).toEqual({ ok: true, runId: 'run-1' });
    expect(port.sweeps()[0]!.command).toEqual({
      type: 'sweep',
      runId: 'run-1',
      kind: 'older',
      conversationNativeId: 'dm/Budi',
      conversationTitle: 'Budi',
      maxSteps: SWEEP_MAX_STEPS.older,
      targetMessages: OLDER_MESSAGES_PER_RUN,
    });
    expect(await record('whatsapp')).toMatchObject({ kind: 'older', conversationId: 'whatsapp:dm/Budi', state: 'running' });
    await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' });
    expect(await startIn('chat')).toEqual({ ok: true, runId: 'run-2' });
    expect(port.sweeps()[1]!.command).toEqual({
      type: 'sweep',
      runId: 'run-2',
      kind: 'chat',
      conversationNativeId: 'dm/Budi',
      conversationTitle: 'Budi',
      maxSteps: SWEEP_MAX_STEPS.chat,
    });
  });

  test('only our pages may start, cancel or open tabs; a content script may not', async () => {
    for (const msg of [
      { type: 'sweep-start', kind: 'chats', platform: 'whatsapp' },
      { type: 'sweep-cancel' },
      { type: 'open-platform-tab', platform: 'whatsapp' },
    ]) {
      expect(await handleMessage(ctx, msg, from.whatsapp)).toMatchObject({ ok: false });
    }
    expect(await handleMessage(ctx, { type: 'sweep-start', kind: 'chats', platform: 'facebook' }, page)).toMatchObject({ ok: false });
    expect(port.sent).toEqual([]);
    expect(port.opened).toEqual([]);
  });
});

describe('sweep-progress', () => {
  test('updates steps and found; a final state sets endedAt; "chats" read to its end records when', async () => {
    await startChats('whatsapp');
    clock += 900;
    expect(await progress('whatsapp', 'run-1', { steps: 1, found: 18 })).toEqual({ ok: true });
    expect(await record('whatsapp')).toMatchObject({ state: 'running', steps: 1, found: 18, updatedAt: clock });
    clock += 900;
    await progress('whatsapp', 'run-1', { steps: 2, found: 36 });
    clock += 900;
    await progress('whatsapp', 'run-1', { state: 'done', reason: 'end', steps: 3, found: 40 });
    expect(await record('whatsapp')).toMatchObject({ state: 'done', reason: 'end', steps: 3, found: 40, endedAt: clock });
    expect((await db.meta.get(chatsReadKey('whatsapp')))?.value).toBe(clock);
    expect((await sweepOverview(db)).chatsReadAt).toEqual({ whatsapp: clock });
    // The tab is given back as it was.
    expect(port.discardable.get(TAB.whatsapp)).toBe(true);
    expect(await db.meta.get(ACTIVE_KEY)).toBeUndefined();
  });

  test('a run stopped before the end does not count as the whole list read', async () => {
    for (const reason of ['user-input', 'step-cap', 'navigation'] as const) {
      await startChats('whatsapp');
      await progress('whatsapp', await runIdOf('whatsapp'), { state: 'stopped', reason });
      expect(await record('whatsapp')).toMatchObject({ state: 'stopped', reason });
    }
    await startChats('whatsapp');
    await progress('whatsapp', await runIdOf('whatsapp'), { state: 'failed', reason: 'no-progress' });
    expect(await db.meta.get(chatsReadKey('whatsapp'))).toBeUndefined();
  });

  test('"Load older messages" reaching the start marks the conversation read to its start', async () => {
    port.current = normaliseSettings({ openChats: 'allow' });
    await startIn('older');
    await progress('whatsapp', 'run-1', { state: 'done', reason: 'end', found: 200 });
    expect(await threadStartReached(db, 'whatsapp:dm/Budi')).toBe(false);
    await startIn('older');
    await progress('whatsapp', 'run-2', { state: 'done', reason: 'start-of-conversation', found: 37 });
    expect(await threadStartReached(db, 'whatsapp:dm/Budi')).toBe(true);
    expect(await db.meta.get(chatsReadKey('whatsapp'))).toBeUndefined();
  });

  test("only the running run id, only from its platform's content script in its tab", async () => {
    await startChats('whatsapp');
    const before = await record('whatsapp');
    // Another run id (an old run, a guess): ignored.
    expect(await progress('whatsapp', 'run-0', { state: 'done', reason: 'end' })).toMatchObject({ ok: false });
    // Another platform's page speaking for WhatsApp: refused by the sender check.
    expect(await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' }, from.instagram)).toEqual({
      ok: false,
      error: 'platform mismatch',
    });
    // A page (not a content script), a foreign origin, a sub-frame.
    expect(await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' }, page)).toMatchObject({ ok: false });
    expect(await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' }, tabSender('https://evil.example/', 7))).toMatchObject({
      ok: false,
    });
    expect(await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' }, { ...from.whatsapp, frameId: 2 })).toMatchObject({
      ok: false,
    });
    // Another WhatsApp tab than the one running it.
    expect(await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' }, tabSender('https://web.whatsapp.com/', 70))).toEqual({
      ok: false,
      error: 'not the sweeping tab',
    });
    // Malformed: out of range counts, unknown state.
    expect(await progress('whatsapp', 'run-1', { steps: -1 })).toMatchObject({ ok: false });
    expect(
      await handleMessage(
        ctx,
        { type: 'sweep-progress', platform: 'whatsapp', runId: 'run-1', state: 'paused', steps: 1, found: 1 },
        from.whatsapp,
      ),
    ).toMatchObject({ ok: false });
    expect(await record('whatsapp')).toEqual(before);
    // An ended run takes no more reports.
    await progress('whatsapp', 'run-1', { state: 'cancelled', reason: 'cancelled', found: 5 });
    expect(await progress('whatsapp', 'run-1', { steps: 9, found: 99 })).toMatchObject({ ok: false });
    expect(await record('whatsapp')).toMatchObject({ state: 'cancelled', found: 5 });
  });
});

describe('"Read all chats"', () => {
  test('every enabled platform with a tab, one after another, each after the previous one ended', async () => {
    port.tabs.instagram = [];
    expect(await startChats('all')).toEqual({ ok: true, runId: 'run-1' });
    expect(port.sweeps().map((s) => s.tabId)).toEqual([TAB.whatsapp]);
    await progress('whatsapp', 'run-1', { steps: 4, found: 80 });
    expect(port.sweeps()).toHaveLength(1);
    expect(await startChats('messenger')).toEqual({ ok: false, error: 'busy' });
    clock += 5_000;
    await progress('whatsapp', 'run-1', { state: 'done', reason: 'end', found: 300 });
    expect(port.sweeps().map((s) => s.tabId)).toEqual([TAB.whatsapp, TAB.messenger]);
    expect(await record('messenger')).toMatchObject({ runId: 'run-2', state: 'running', startedAt: clock });
    // A user who touched the page stops that platform's run, not the next one's.
    await progress('messenger', 'run-2', { state: 'stopped', reason: 'user-input' });
    expect(port.sweeps()).toHaveLength(2);
    expect(await record('instagram')).toBeNull();
    expect(await db.meta.get(ACTIVE_KEY)).toBeUndefined();
    expect(await startChats('instagram')).toEqual({ ok: false, error: 'no-tab' });
  });

  test('a switched-off platform is left out; a platform refusing is recorded and the next one runs', async () => {
    port.current = normaliseSettings({ platforms: { whatsapp: { enabled: false, notify: true } } });
    port.answer = (tabId, c) =>
      c.type === 'sweep' && tabId === TAB.instagram ? { accepted: false, reason: 'not-ready' } : { accepted: true };
    expect(await startChats('all')).toEqual({ ok: true, runId: 'run-2' });
    expect(port.sweeps().map((s) => s.tabId)).toEqual([TAB.instagram, TAB.messenger]);
    expect(await record('whatsapp')).toBeNull();
    expect(await record('instagram')).toMatchObject({ state: 'failed', reason: 'not-ready' });
    expect(await record('messenger')).toMatchObject({ state: 'running', runId: 'run-2' });
  });

  test('a platform\'s page going away mid-run (it reports interrupted) ends "Read all" there', async () => {
    await startChats('all');
    await progress('whatsapp', 'run-1', { state: 'interrupted', reason: 'tab-lost' });
    expect(port.sweeps()).toHaveLength(1);
    expect(await db.meta.get(ACTIVE_KEY)).toBeUndefined();
  });

  test('with no platform open: no-tab', async () => {
    port.tabs = { whatsapp: [], instagram: [], messenger: [] };
    expect(await startChats('all')).toEqual({ ok: false, error: 'no-tab' });
  });
});

describe('sweep-cancel', () => {
  test('tells the tab, which reports the end itself; the rest of "Read all" is dropped', async () => {
    await startChats('all');
    expect(await handleMessage(ctx, { type: 'sweep-cancel' }, page)).toEqual({ ok: true });
    expect(port.cancels()).toEqual([{ tabId: TAB.whatsapp, command: { type: 'sweep-cancel', runId: 'run-1' } }]);
    expect(await record('whatsapp')).toMatchObject({ state: 'running' });
    await progress('whatsapp', 'run-1', { state: 'cancelled', reason: 'cancelled', found: 21 });
    expect(await record('whatsapp')).toMatchObject({ state: 'cancelled', reason: 'cancelled', found: 21 });
    expect(port.sweeps()).toHaveLength(1);
    expect(await record('instagram')).toBeNull();
    expect(port.discardable.get(TAB.whatsapp)).toBe(true);
  });

  test("a cancel between two platforms' reports still stops the rest, even if the page reports another end", async () => {
    await startChats('all');
    await handleMessage(ctx, { type: 'sweep-cancel' }, page);
    // The page had finished its step at the bottom before the cancel reached it.
    await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' });
    expect(port.sweeps()).toHaveLength(1);
  });

  test('a tab that no longer runs it (or is gone): the run ends cancelled at once', async () => {
    await startChats('whatsapp');
    port.answer = () => Promise.reject(new Error('Receiving end does not exist.'));
    await handleMessage(ctx, { type: 'sweep-cancel' }, page);
    expect(await record('whatsapp')).toMatchObject({ state: 'cancelled', reason: 'cancelled', endedAt: clock });
    expect(await startChats('whatsapp')).toMatchObject({ ok: false, error: 'no-tab' });
  });

  test('nothing running: nothing to do', async () => {
    expect(await handleMessage(ctx, { type: 'sweep-cancel' }, page)).toEqual({ ok: true });
    expect(port.sent).toEqual([]);
  });
});

describe('interrupted runs end cleanly', () => {
  test('the tab reloaded (its content script says hello): interrupted, tab-lost', async () => {
    await startChats('all');
    // Another WhatsApp tab coming up leaves the run alone.
    await handleMessage(ctx, { type: 'hello', platform: 'whatsapp' }, tabSender('https://web.whatsapp.com/', 70));
    await sweepsSettled();
    expect(await record('whatsapp')).toMatchObject({ state: 'running' });
    await handleMessage(ctx, { type: 'hello', platform: 'whatsapp' }, from.whatsapp);
    await sweepsSettled();
    expect(await record('whatsapp')).toMatchObject({ state: 'interrupted', reason: 'tab-lost', endedAt: clock });
    expect(port.discardable.get(TAB.whatsapp)).toBe(true);
    // The rest of "Read all" does not start behind the user's back.
    expect(port.sweeps()).toHaveLength(1);
    // It can be run again.
    expect(await startChats('whatsapp')).toMatchObject({ ok: true });
  });

  test('the tab closed: interrupted, nothing written to the gone tab', async () => {
    await startChats('whatsapp');
    const writes = port.discardableWrites.length;
    port.discardable.delete(TAB.whatsapp);
    await sweeps.tabRemoved(99, clock);
    expect(await record('whatsapp')).toMatchObject({ state: 'running' });
    await sweeps.tabRemoved(TAB.whatsapp, clock);
    expect(await record('whatsapp')).toMatchObject({ state: 'interrupted', reason: 'tab-lost' });
    expect(port.discardableWrites.length).toBe(writes);
    expect(port.cancels()).toEqual([]);
  });

  test('the worker restarted: a run it followed ends interrupted, the page is told to stop, the tab given back', async () => {
    await startChats('whatsapp');
    await progress('whatsapp', 'run-1', { steps: 5, found: 90 });
    // A new worker: fresh module state over the same store.
    const restarted = createSweeps(
      db,
      port,
      () => {},
      () => 'run-after',
    );
    await restarted.workerStarted(clock + 10);
    expect(await record('whatsapp')).toMatchObject({ state: 'interrupted', reason: 'tab-lost', found: 90, endedAt: clock + 10 });
    expect(port.cancels()).toEqual([{ tabId: TAB.whatsapp, command: { type: 'sweep-cancel', runId: 'run-1' } }]);
    expect(port.discardable.get(TAB.whatsapp)).toBe(true);
    expect(await db.meta.get(ACTIVE_KEY)).toBeUndefined();
    // The page's late report of the old run changes nothing.
    ctx.sweeps = restarted;
    await progress('whatsapp', 'run-1', { state: 'cancelled', reason: 'cancelled', found: 95 });
    expect(await record('whatsapp')).toMatchObject({ state: 'interrupted', found: 90 });
    expect(await startChats('whatsapp')).toEqual({ ok: true, runId: 'run-after' });
  });

  test('a silent run shows as interrupted, and does not block the next one', async () => {
    await startChats('whatsapp');
    const stored = (await record('whatsapp'))!;
    expect(asShown(stored, clock + SWEEP_SILENCE_MS - 1).state).toBe('running');
    expect(asShown(stored, clock + SWEEP_SILENCE_MS)).toMatchObject({ state: 'interrupted', reason: 'tab-lost' });
    clock += SWEEP_SILENCE_MS - 1;
    expect(await startChats('messenger')).toEqual({ ok: false, error: 'busy' });
    clock += 1;
    expect(await startChats('messenger')).toMatchObject({ ok: true });
    expect(await record('whatsapp')).toMatchObject({ state: 'interrupted', reason: 'tab-lost' });
    expect(port.cancels()).toEqual([{ tabId: TAB.whatsapp, command: { type: 'sweep-cancel', runId: 'run-1' } }]);
  });
});

describe('tabs', () => {
  test('autoDiscardable is put back as it was; a tab already kept, or a browser without it, is left alone', async () => {
    port.discardable.set(TAB.whatsapp, false);
    await startChats('whatsapp');
    expect(port.discardableWrites).toEqual([]);
    await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' });
    expect(port.discardableWrites).toEqual([]);
    port.discardable.delete(TAB.messenger); // Firefox: no such property
    await startChats('messenger');
    await progress('messenger', 'run-2', { state: 'done', reason: 'end' });
    expect(port.discardableWrites).toEqual([]);
    await startChats('instagram');
    await progress('instagram', 'run-3', { state: 'done', reason: 'end' });
    expect(port.discardableWrites).toEqual([
      [TAB.instagram, false],
      [TAB.instagram, true],
    ]);
  });

  test('open-platform-tab asks the browser for the app tab', async () => {
    expect(await handleMessage(ctx, { type: 'open-platform-tab', platform: 'instagram' }, page)).toEqual({ ok: true });
    expect(port.opened).toEqual(['instagram']);
  });
});

test('nothing already stored is deleted by starting, reading, cancelling or interrupting', async () => {
  const conv = (await db.conversations.get('whatsapp:dm/Budi'))!;
  const messages: Message[] = Array.from({ length: 30 }, (_, i) => ({
    id: messageId(conv.id, `m${i}`),
    conversationId: conv.id,
    platform: 'whatsapp',
    nativeId: `m${i}`,
    sender: { name: 'Budi', isSelf: false },
    text: `pesan ${i}`,
    sentAt: null,
    timePrecision: 'none',
    order: i,
    status: 'received',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
    firstSeenAt: 1,
    updatedAt: 1,
  }));
  await db.messages.bulkPut(messages);
  await db.meta.put({ key: 'unrelated', value: 1 });
  const snapshot = async () => ({ c: await db.conversations.toArray(), m: await db.messages.toArray(), o: await db.outbox.count() });
  const before = await snapshot();
  port.current = normaliseSettings({ openChats: 'allow' });
  await startChats('all');
  await progress('whatsapp', 'run-1', { state: 'done', reason: 'end' });
  await handleMessage(ctx, { type: 'sweep-cancel' }, page);
  await progress('instagram', 'run-2', { state: 'cancelled', reason: 'cancelled' });
  await startIn('older');
  await handleMessage(ctx, { type: 'hello', platform: 'whatsapp' }, from.whatsapp);
  await sweepsSettled();
  await startIn('chat');
  await sweeps.tabRemoved(TAB.whatsapp, clock);
  await createSweeps(db, port, () => {}).workerStarted(clock);
  expect(await snapshot()).toEqual(before);
  expect((await db.meta.get('unrelated'))?.value).toBe(1);
});

/** The router hands a hello to the sweeps without waiting: wait for the queued operation. */
async function sweepsSettled() {
  await sweeps.progress({ type: 'sweep-progress', platform: 'whatsapp', runId: 'none', state: 'running', steps: 0, found: 0 }, 0, clock);
}
