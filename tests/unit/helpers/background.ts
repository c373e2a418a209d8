// How the worker tests talk to the background: our extension's id and base URL, the senders our
// pages and content scripts are, and a handler context over a test store (no messenger tab open,
// a fixed clock, unless a test says otherwise).
import type { Runtime } from 'webextension-polyfill';
import type { InboxDb } from '../../../lib/store/db';
import type { BackgroundContext } from '../../../lib/worker/router';
import type { TabPort } from '../../../lib/worker/outbox';

export const EXT = 'abcdefghijklmnopabcdefghijklmnop';
export const BASE = `chrome-extension://${EXT}/`;

/** One of our extension pages: popup.html, sidepanel.html, options.html. */
export const pageSender = (file: string): Runtime.MessageSender => ({ id: EXT, url: `${BASE}${file}` });

/** Our content script in the top frame of tab `tabId`, on `url`. */
export const contentSender = (url: string, tabId: number): Runtime.MessageSender => ({
  id: EXT,
  url,
  tab: { id: tabId } as Runtime.MessageSender['tab'],
  frameId: 0,
});

/** No messenger tab open: a command has nowhere to go. */
export const noTabs: TabPort = { findTabs: async () => [], sendToTab: async () => ({ accepted: false, reason: 'none' }) };

export function backgroundContext(db: InboxDb, over: Partial<BackgroundContext> = {}): BackgroundContext {
  return { db, tabs: noTabs, extensionId: EXT, extensionBaseUrl: BASE, log: () => {}, now: () => 1_000_000, ...over };
}
