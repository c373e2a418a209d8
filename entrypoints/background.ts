// The service worker: the store's only writer. It may be stopped at any moment; everything it must
// remember is in IndexedDB, and it resumes the outbox whenever it starts.
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { getDb, provideMigrations } from '../lib/store/db';
import { MIGRATIONS } from '../lib/store/migrations';
import { startBadge } from '../lib/worker/badge';
import { e2eeOutbox } from '../lib/worker/e2ee/outbox-port';
import { handleMessage, type BackgroundContext } from '../lib/worker/router';
import { startNotifications } from '../lib/worker/notifications';
import { resumePending, type TabPort } from '../lib/worker/outbox';
import { createSweeps } from '../lib/worker/sweep';
import { compactionState } from '../lib/worker/search-compaction';
import { browserSweepPort } from '../lib/worker/sweep-tabs';
import { KeyRing, sessionStorageKeyStore } from '../lib/worker/e2ee/keyring';
import { E2eeManager } from '../lib/worker/e2ee/manager';
import type { Platform } from '../lib/shared/model';
import { PLATFORM_TAB_PATTERNS, type SendCommandReply } from '../lib/shared/protocol';

const SWEEP_ALARM = 'outbox-sweep';

// A classic worker (no `type: 'module'`): WXT then bundles it into one file. As a module it loaded
// six chunks shared with the pages before its first line ran; a cold start (a batch sent to a
// stopped worker → stored) measured 5–10 ms slower at the median that way (bench/README.md).
export default defineBackground({
  main() {
    const tabs: TabPort = {
      async findTabs(platform: Platform) {
        const found = await browser.tabs.query({ url: [...PLATFORM_TAB_PATTERNS[platform]] });
        // The tab the user looked at last is the one most likely logged in and awake.
        return found
          .filter((t) => t.id !== undefined && !t.discarded)
          .sort((a, b) => Number(b.active) - Number(a.active) || (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))
          .map((t) => t.id!);
      },
      async sendToTab(tabId, command) {
        return (await browser.tabs.sendMessage(tabId, command)) as SendCommandReply;
      },
    };
    // The background is what upgrades the store after an update: it opens it with every upgrade.
    provideMigrations(MIGRATIONS);
    const ctx: BackgroundContext = {
      db: getDb(),
      tabs,
      extensionId: browser.runtime.id,
      extensionBaseUrl: browser.runtime.getURL('/'),
      log: (...args) => console.warn('[unified-inbox]', ...args),
      // The search index's frequent words are sealed into posting blocks in the background.
      compaction: compactionState(),
    };
    // The one owner of encryption state; keys are sealed under a non-extractable key in IndexedDB.
    // With a passphrase lock, the unlocked key lives in storage.session (memory, extension contexts only).
    const keyRing = new KeyRing(ctx.db, sessionStorageKeyStore(browser.storage.session));
    ctx.e2ee = new E2eeManager({ db: ctx.db, outbox: e2eeOutbox(ctx.db, tabs, ctx.log), log: ctx.log, keyRing });
    // "Read all chats" and friends: a run the previous worker followed cannot be followed any more
    // (it ends 'interrupted'); queued before any message that woke this worker is handled.
    ctx.sweeps = createSweeps(ctx.db, browserSweepPort(tabs), ctx.log);
    void ctx.sweeps.workerStarted(Date.now());

    // Registered synchronously at start so a message (or a notification click) that woke the
    // worker is not missed.
    browser.runtime.onMessage.addListener((message: unknown, sender) => handleMessage(ctx, message, sender));
    const notifier = startNotifications(ctx.db, { log: ctx.log });
    ctx.onMerged = (result, batch) => void notifier.onMerged(result, batch);
    // The toolbar badge follows the store and the settings for as long as the worker lives.
    startBadge(ctx.db, { log: ctx.log });

    browser.tabs.onRemoved.addListener((tabId) => {
      void resumePending(ctx.db, tabs, { tabGone: tabId }).catch((e) => ctx.log('resume failed', e));
      void ctx.sweeps?.tabRemoved(tabId, Date.now()).catch((e) => ctx.log('sweep interruption failed', e));
    });
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === SWEEP_ALARM) void resumePending(ctx.db, tabs).catch((e) => ctx.log('sweep failed', e));
    });
    void browser.alarms.create(SWEEP_ALARM, { periodInMinutes: 0.5 });
    void resumePending(ctx.db, tabs).catch((e) => ctx.log('resume failed', e));
  },
});
