// The worker's ingest pipeline (lib/worker/router.ts ingestPipeline): merge → e2ee → listeners
// in one order, each step handing on a value instead of changing what an earlier step returned.
// The merge result is captured where the merge returns it, so an in-place edit would show here.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { e2eeOutbox } from '../../../lib/worker/e2ee/outbox-port';
import { handleMessage, type BackgroundContext } from '../../../lib/worker/router';
import type { TabPort } from '../../../lib/worker/outbox';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { E2eeManager, ENCRYPTED_PLACEHOLDER } from '../../../lib/worker/e2ee/manager';
import type { MergeResult } from '../../../lib/worker/merge';
import type { MessageSnapshot } from '../../../lib/shared/model';
import { snapshotChat, snapshotMessage } from '../helpers/factories';
import { backgroundContext, contentSender } from '../helpers/background';

// Every result the real merge returns, as it returned it (the pipeline may not touch it after).
const merges = vi.hoisted(() => [] as { result: MergeResult; frozen: string }[]);
vi.mock('../../../lib/worker/merge', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../lib/worker/merge')>();
  return {
    ...actual,
    mergeIngest: async (...args: Parameters<typeof actual.mergeIngest>) => {
      const result = await actual.mergeIngest(...args);
      merges.push({ result, frozen: JSON.stringify(result) });
      return result;
    },
  };
});

const waTab = contentSender('https://web.whatsapp.com/', 7);
// Text that may hold armor (the marker) but is no valid envelope: the reader marks it, never decrypts it.
const ARMORED = 'UIE1 aGVsbG8gd29ybGQ ini bukan envelope';
const tabs: TabPort = { findTabs: async () => [], sendToTab: async () => ({ accepted: true }) };

let db: InboxDb;
let ctx: BackgroundContext;
let heard: MergeResult[];
let k = 0;
beforeEach(() => {
  merges.length = 0;
  heard = [];
  db = openDb(`pipeline-${k++}`);
  const e2ee = new E2eeManager({ db, outbox: e2eeOutbox(db, tabs) });
  ctx = backgroundContext(db, { tabs, e2ee, onMerged: (r) => heard.push(r) });
});

function ingest(batchId: string, messages: MessageSnapshot[], preview: string, unreadCount: number) {
  return handleMessage(
    ctx,
    {
      type: 'ingest',
      platform: 'whatsapp',
      batchId,
      health: { state: 'ok' },
      conversations: [snapshotChat('Budi', { preview, unread: unreadCount > 0, unreadCount })],
      thread: { conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false }, messages },
    },
    waTab,
  );
}

/** A first scrape (history, no news), then an armored incoming message and list preview that are news. */
async function armoredNews() {
  const first = snapshotMessage('m1', { text: 'halo' });
  expect(await ingest('b1', [first], 'halo', 0)).toMatchObject({ ok: true });
  expect(await ingest('b2', [first, snapshotMessage('m2', { text: ARMORED })], ARMORED, 1)).toMatchObject({ ok: true });
  await ctx.e2ee!.settled();
  return { merged: merges[1]!, told: heard[1]! };
}

describe('ingest pipeline: merge → e2ee → listeners', () => {
  test('listeners hear encrypted news redacted, while the merge result stays as the merge returned it', async () => {
    const { merged, told } = await armoredNews();
    // The merge's own result is unchanged: ciphertext text and preview still in it, no `encrypted` mark.
    expect(JSON.stringify(merged.result)).toBe(merged.frozen);
    expect(merged.result.newIncoming.map((m) => m.text)).toEqual([ARMORED]);
    expect(merged.result.unreadIncreased.map((c) => c.preview)).toEqual([ARMORED]);
    // What the listeners heard is a redacted copy, everything else the same.
    expect(told).not.toBe(merged.result);
    expect(told.newIncoming.map((m) => [m.id, m.text, m.encrypted])).toEqual([['whatsapp:Budi:m2', ENCRYPTED_PLACEHOLDER, true]]);
    expect(told.unreadIncreased.map((c) => [c.id, c.preview])).toEqual([['whatsapp:Budi', ENCRYPTED_PLACEHOLDER]]);
    expect({ ...told, newIncoming: [], unreadIncreased: [] }).toEqual({ ...merged.result, newIncoming: [], unreadIncreased: [] });
    // The reader still ran: the stored message is marked encrypted.
    expect((await db.messages.get('whatsapp:Budi:m2'))?.encrypted).toBe(true);
  });

  test('afterIngest returns the redacted copy and leaves its argument alone', async () => {
    await armoredNews();
    const { result, frozen } = merges[1]!;
    const copy = await ctx.e2ee!.afterIngest(
      { type: 'ingest', platform: 'whatsapp', batchId: 'again', health: { state: 'ok' }, conversations: [], thread: null },
      result,
      1_000_001,
    );
    expect(JSON.stringify(result)).toBe(frozen);
    expect(copy.newIncoming[0]?.text).toBe(ENCRYPTED_PLACEHOLDER);
    expect(copy.unreadIncreased[0]?.preview).toBe(ENCRYPTED_PLACEHOLDER);
  });

  test('when reading the thread fails, listeners still hear the redacted copy (never the ciphertext)', async () => {
    const logs: unknown[][] = [];
    ctx.log = (...a) => logs.push(a);
    const first = snapshotMessage('m1', { text: 'halo' });
    expect(await ingest('b1', [first], 'halo', 0)).toMatchObject({ ok: true });
    vi.spyOn(ctx.e2ee!, 'afterIngest').mockRejectedValueOnce(new Error('reader broke'));
    expect(await ingest('b2', [first, snapshotMessage('m2', { text: ARMORED })], ARMORED, 1)).toMatchObject({ ok: true });
    expect(logs.map((l) => l[0])).toContain('e2ee ingest failed');
    expect(heard[1]!.newIncoming.map((m) => m.text)).toEqual([ENCRYPTED_PLACEHOLDER]);
    expect(heard[1]!.unreadIncreased.map((c) => c.preview)).toEqual([ENCRYPTED_PLACEHOLDER]);
    expect(merges[1]!.result.newIncoming.map((m) => m.text)).toEqual([ARMORED]);
  });

  test('without the encryption layer listeners hear the merge result itself', async () => {
    ctx.e2ee = undefined;
    const first = snapshotMessage('m1', { text: 'halo' });
    await ingest('b1', [first], 'halo', 0);
    await ingest('b2', [first, snapshotMessage('m2', { text: 'apa kabar' })], 'apa kabar', 1);
    expect(heard[1]).toBe(merges[1]!.result);
    expect(heard[1]!.newIncoming.map((m) => m.text)).toEqual(['apa kabar']);
  });
});
