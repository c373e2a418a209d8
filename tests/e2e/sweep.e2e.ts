// Sweeps in a real browser (issue 13): the content script reads the whole chat list of each fixture
// app, loads older messages in a thread and puts it back, stops on Cancel within a step and on the
// user's own (trusted) wheel. The commands go to the tab from the service worker, as the worker's
// sweep-start will send them; their progress is heard there too.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import type { SweepProgress } from '../../lib/shared/protocol';
import { launch, type Harness } from './harness';

/** The extension API in the service worker (evaluated there; typed loosely here). */
declare const chrome: {
  runtime: { onMessage: { addListener(fn: (m: { type?: string }) => void): void } };
  tabs: { query(q: { url: string }): Promise<{ id?: number }[]>; sendMessage(id: number, m: unknown): Promise<unknown> };
};

let h: Harness;
let sw: Worker;

beforeAll(async () => {
  h = await launch();
  sw = await h.serviceWorker();
  await sw.evaluate(() => {
    const g = globalThis as unknown as { __progress: unknown[] };
    g.__progress = [];
    chrome.runtime.onMessage.addListener((m: { type?: string }) => {
      if (m?.type === 'sweep-progress') g.__progress.push(m);
    });
  });
});
afterAll(async () => {
  await h?.close();
});

/** Send a command to the tab at `url` as the worker does; the content script's reply. */
async function command(url: string, cmd: Record<string, unknown>): Promise<unknown> {
  return sw.evaluate(
    async ([u, c]) => {
      const [tab] = await chrome.tabs.query({ url: u });
      return chrome.tabs.sendMessage(tab!.id!, c);
    },
    [url, cmd] as const,
  );
}

async function progress(runId: string): Promise<SweepProgress[]> {
  const all = (await sw.evaluate(() => (globalThis as unknown as { __progress: SweepProgress[] }).__progress)) as SweepProgress[];
  return all.filter((p) => p.runId === runId);
}

async function finalOf(runId: string, timeout = 120_000): Promise<SweepProgress> {
  await expect.poll(async () => (await progress(runId)).some((p) => p.state !== 'running'), { timeout, interval: 500 }).toBe(true);
  return (await progress(runId)).find((p) => p.state !== 'running')!;
}

/** Conversations the store holds for a platform (raw IndexedDB from an extension page). */
async function storedChats(reader: Page, platform: string): Promise<number> {
  return reader.evaluate(
    (p) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('unified-inbox');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('conversations').objectStore('conversations').getAll();
          req.onsuccess = () => {
            db.close();
            resolve((req.result as { platform: string }[]).filter((c) => c.platform === p).length);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    platform,
  );
}

describe('sweep: WhatsApp', () => {
  test('a chats sweep reads the whole list and puts it back', async () => {
    const wa = await h.openSite('https://web.whatsapp.com/');
    await wa.setViewportSize({ width: 1200, height: 2000 });
    await wa.waitForSelector('#pane-side [role="grid"]');
    const total = await wa.evaluate(() => (window as any).__fixture.chatsInfo().length);
    await wa.waitForTimeout(1_000);
    expect(await command('https://web.whatsapp.com/*', { type: 'sweep', runId: 'wa-1', kind: 'chats', maxSteps: 600 })).toEqual({ accepted: true });
    const final = await finalOf('wa-1');
    console.log(final, total, await progress('wa-1'));
    const reader = await h.openPopup();
    await expect.poll(() => storedChats(reader, 'whatsapp'), { timeout: 15_000 }).toBe(total);
  });
});
