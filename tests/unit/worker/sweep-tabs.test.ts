// The sweep's browser side (lib/worker/sweep-tabs.ts): "Open WhatsApp" opens the app pinned in the
// background only when no tab of it is open; autoDiscardable is feature-detected (Firefox has none).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browserSweepPort } from '../../../lib/worker/sweep-tabs';
import { PLATFORM_SPECS } from '../../../lib/shared/platforms';

/** The browser's overloads (callback and promise) defeat mock typing: stand-ins are cast. */
const resolves = (value: unknown) => (async () => value) as never;
const rejects = (e: Error) =>
  (async () => {
    throw e;
  }) as never;
const port = browserSweepPort({ findTabs: async () => [7] });

beforeEach(() => fakeBrowser.reset());
afterEach(() => vi.restoreAllMocks());

describe('browserSweepPort', () => {
  test('opens the app as a pinned, inactive tab when none is open, and not otherwise', async () => {
    const query = vi.spyOn(browser.tabs, 'query').mockImplementation(resolves([]));
    const create = vi.spyOn(browser.tabs, 'create').mockImplementation(resolves({ id: 3 }));
    await port.openAppTab('messenger');
    expect(query).toHaveBeenCalledWith({ url: [...PLATFORM_SPECS.messenger.tabPatterns] });
    expect(create).toHaveBeenCalledWith({ url: 'https://www.facebook.com/messages/', pinned: true, active: false });
    query.mockImplementation(resolves([{ id: 4, discarded: true }]));
    await port.openAppTab('messenger');
    expect(create).toHaveBeenCalledTimes(1);
  });

  test('autoDiscardable: read where the browser has it, undefined where it does not or the tab is gone', async () => {
    const get = vi.spyOn(browser.tabs, 'get');
    get.mockImplementationOnce(resolves({ id: 7, autoDiscardable: true }));
    expect(await port.getAutoDiscardable(7)).toBe(true);
    get.mockImplementationOnce(resolves({ id: 7 }));
    expect(await port.getAutoDiscardable(7)).toBeUndefined();
    get.mockImplementationOnce(rejects(new Error('No tab with id: 7')));
    expect(await port.getAutoDiscardable(7)).toBeUndefined();
    const update = vi.spyOn(browser.tabs, 'update').mockImplementation(resolves({ id: 7 }));
    await port.setAutoDiscardable(7, false);
    expect(update).toHaveBeenCalledWith(7, { autoDiscardable: false });
  });

  test('commands go to the tab as runtime messages; tabs are found as the outbox finds them', async () => {
    const send = vi.spyOn(browser.tabs, 'sendMessage').mockImplementation(resolves({ accepted: true }));
    expect(await port.sendToTab(7, { type: 'sweep-cancel', runId: 'r' })).toEqual({ accepted: true });
    expect(send).toHaveBeenCalledWith(7, { type: 'sweep-cancel', runId: 'r' });
    expect(await port.findTabs('whatsapp')).toEqual([7]);
    expect((await port.settings()).openChats).toBe('ask');
  });
});
