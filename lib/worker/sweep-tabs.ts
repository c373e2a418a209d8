// The sweep's browser side (lib/worker/sweep.ts's SweepPort): messages to the platform's tab, the
// tab's `autoDiscardable` (Chrome has it; Firefox does not, and is left alone), and opening the
// app as a pinned background tab.
import { browser, type Browser } from 'wxt/browser';
import type { Platform } from '../shared/model';
import { PLATFORM_SPECS } from '../shared/platforms';
import { PLATFORM_TAB_PATTERNS, type SendCommandReply } from '../shared/protocol';
import { getSettings } from '../shared/settings';
import { SWEEP_TEST_PACING_KEY, type SweepTestPacing } from '../shared/sweep';
import type { TabPort } from './outbox';
import type { SweepPort } from './sweep';

type Tab = Browser.tabs.Tab;

export function browserSweepPort(tabs: Pick<TabPort, 'findTabs'>): SweepPort {
  return {
    findTabs: (platform) => tabs.findTabs(platform),
    async sendToTab(tabId, command) {
      return (await browser.tabs.sendMessage(tabId, command)) as SendCommandReply;
    },
    async getAutoDiscardable(tabId) {
      const tab: Tab | undefined = await browser.tabs.get(tabId).catch(() => undefined);
      const value = (tab as { autoDiscardable?: unknown } | undefined)?.autoDiscardable;
      // Feature detection: a browser without the property (Firefox) has nothing to keep or restore.
      return typeof value === 'boolean' ? value : undefined;
    },
    async setAutoDiscardable(tabId, value) {
      await browser.tabs.update(tabId, { autoDiscardable: value } as Parameters<typeof browser.tabs.update>[1]);
    },
    async openAppTab(platform: Platform) {
      // Discarded tabs count: the user has one, the browser will wake it when it is used.
      const open = await browser.tabs.query({ url: [...PLATFORM_TAB_PATTERNS[platform]] });
      if (open.length) return;
      await browser.tabs.create({ url: PLATFORM_SPECS[platform].appUrl, pinned: true, active: false });
    },
    settings: getSettings,
    async testPacing() {
      const stored = await browser.storage.local.get(SWEEP_TEST_PACING_KEY);
      const p = stored[SWEEP_TEST_PACING_KEY];
      return typeof p === 'object' && p !== null ? (p as SweepTestPacing) : null;
    },
  };
}
