// The background's message handling, independent of the browser APIs it is wired to (tests drive
// it with fakes). Every message is schema-checked; content scripts may speak only for their platform.
import type { Runtime } from 'webextension-polyfill';
import type { InboxDb } from '../store/db';
import { ImportError } from '../store/export';
import { deleteAllData, importData } from './import';
import { mergeIngest, type MergeResult } from './merge';
import { linkConversations, renamePerson, unlinkConversation } from './people';
import { FromContentSchema, FromExtensionPageSchema, parse, type E2eePageMessage, type Ingest, type IngestAck } from '../shared/protocol';
import type { Done, PageReplies, PageReply, PageRequests, PageRequestType } from '../shared/requests';
import { type E2eeManager, redactEncrypted } from './e2ee/manager';
import { applySendResult, dispatch, enqueueSend, resumePending, retry, type TabPort } from './outbox';
import { classifySender } from './senders';
import { clearStorageError, recordStorageError } from './storage-errors';
import type { Sweeps } from './sweep';
import { afterStored, type CompactionState } from './search-compaction';

export interface BackgroundContext {
  db: InboxDb;
  tabs: TabPort;
  extensionId: string;
  extensionBaseUrl: string;
  log: (...args: unknown[]) => void;
  now?: () => number;
  /** Told of every committed ingest, encrypted news redacted (notifications listen here). */
  onMerged?: (result: MergeResult, batch: Ingest) => void;
  /** The encryption layer (issue 4): reads armored messages after each merge, handles e2ee-* messages. */
  e2ee?: E2eeManager;
  /** Reading what the pages have not rendered (issue 13, lib/worker/sweep.ts). */
  sweeps?: Sweeps;
  /** When the search index is next sealed into posting blocks (lib/worker/search-compaction.ts). */
  compaction?: CompactionState;
}

/** What the background answers: a content script's batch ack, or a page request's own reply. */
export type Reply = IngestAck | Done | PageReply<PageRequestType>;

export async function handleMessage(ctx: BackgroundContext, message: unknown, sender: Runtime.MessageSender): Promise<Reply> {
  const now = ctx.now?.() ?? Date.now();
  const who = classifySender(sender, ctx.extensionId, ctx.extensionBaseUrl);
  if (who.kind === 'rejected') {
    ctx.log('rejected message:', who.reason);
    return { ok: false, error: 'rejected sender' };
  }

  if (who.kind === 'content') {
    const parsed = parse(FromContentSchema, message);
    if (!parsed.ok) {
      ctx.log(`rejected ${who.platform} message:`, parsed.error);
      return { ok: false, error: parsed.error };
    }
    const msg = parsed.value;
    if (msg.platform !== who.platform) {
      ctx.log(`rejected: a ${who.platform} page spoke for ${msg.platform}`);
      return { ok: false, error: 'platform mismatch' };
    }
    switch (msg.type) {
      case 'ingest':
        await ingestPipeline(ctx, msg, now);
        return { ok: true, batchId: msg.batchId };
      case 'send-result':
        await applySendResult(ctx.db, msg, who.platform, now);
        return { ok: true };
      case 'hello':
        // A (re)loaded page: anything it was posting died with the old page.
        void resumePending(ctx.db, ctx.tabs, { platform: who.platform, tabGone: who.tabId }, now).catch((e) => ctx.log('resume failed', e));
        // So did a sweep it was running.
        void ctx.sweeps?.tabReloaded(who.platform, who.tabId, now).catch((e) => ctx.log('sweep interruption failed', e));
        return { ok: true };
      case 'sweep-progress':
        return ctx.sweeps ? ctx.sweeps.progress(msg, who.tabId, now) : { ok: false, error: 'sweeps unavailable' };
    }
  }

  const parsed = parse(FromExtensionPageSchema, message);
  if (!parsed.ok) {
    ctx.log('rejected page message:', parsed.error);
    return { ok: false, error: parsed.error };
  }
  return answerPage(ctx, parsed.value.type, parsed.value, now);
}

/** A checked page request, handed to its entry in the map (typed per request, no cast). */
function answerPage<K extends PageRequestType>(ctx: BackgroundContext, type: K, msg: PageRequests[K], now: number): Promise<PageReply<K>> {
  return PAGE_HANDLERS[type](msg, ctx, now);
}

/** Every page request's handler, typed by its reply: a missing or wrongly typed one is a type error. */
export type PageHandlers = {
  [K in PageRequestType]: (msg: PageRequests[K], ctx: BackgroundContext, now: number) => Promise<PageReplies[K]>;
};

/** Encryption requests go to the e2ee layer, the one owner of crypto state. */
async function e2ee(msg: E2eePageMessage, ctx: BackgroundContext, now: number): Promise<Done> {
  if (!ctx.e2ee) return { ok: false, error: 'encryption unavailable' };
  return ctx.e2ee.handlePage(msg, now);
}

/** One entry per page request (lib/shared/requests.ts): a request without one does not compile. */
const PAGE_HANDLERS: PageHandlers = {
  'send-request': async (msg, ctx, now) => {
    const queued = await enqueueSend(ctx.db, msg, now);
    if ('error' in queued) return { ok: false, error: queued.error };
    // Do not hold the page's reply on the tab round trip: the outbox in the store is the truth.
    if (queued.created) void dispatch(ctx.db, queued.entry.id, ctx.tabs, now).catch((e) => ctx.log('dispatch failed', e));
    return { ok: true };
  },
  'retry-send': async (msg, ctx, now) => {
    void retry(ctx.db, msg.outboxId, ctx.tabs, now).catch((e) => ctx.log('retry failed', e));
    return { ok: true };
  },
  'link-people': async (msg, ctx, now) => {
    const linked = await linkConversations(ctx.db, msg.conversationIds, { name: msg.name, now });
    return linked.ok ? { ok: true } : { ok: false, error: linked.error };
  },
  unlink: async (msg, ctx, now) =>
    (await unlinkConversation(ctx.db, msg.conversationId, now)) ? { ok: true } : { ok: false, error: 'not linked' },
  'rename-person': async (msg, ctx, now) =>
    (await renamePerson(ctx.db, msg.personId, msg.name, now)) ? { ok: true } : { ok: false, error: 'no such person' },
  'import-data': async (msg, ctx, now) => {
    try {
      return { ok: true, imported: await importData(ctx.db, msg.data, now) };
    } catch (e) {
      if (e instanceof ImportError) return { ok: false, error: e.message };
      ctx.log('import failed', e);
      return { ok: false, error: 'import failed' };
    }
  },
  'delete-all-data': async (_msg, ctx) => {
    await deleteAllData(ctx.db);
    await ctx.e2ee?.reset();
    return { ok: true };
  },
  'sweep-start': async (msg, ctx, now) => (ctx.sweeps ? ctx.sweeps.start(msg, now) : { ok: false, error: 'not-ready' }),
  'sweep-cancel': async (_msg, ctx, now) => (ctx.sweeps ? ctx.sweeps.cancel(now) : { ok: true }),
  'open-platform-tab': async (msg, ctx) => (ctx.sweeps ? ctx.sweeps.openTab(msg.platform) : { ok: false, error: 'tabs unavailable' }),
  'e2ee-start': e2ee,
  'e2ee-accept': e2ee,
  'e2ee-send': e2ee,
  'e2ee-verify': e2ee,
  'e2ee-accept-key-change': e2ee,
  'e2ee-set-encrypt': e2ee,
  'e2ee-decline': e2ee,
  'e2ee-answer-init': e2ee,
  'e2ee-set-passphrase': e2ee,
  'e2ee-unlock': e2ee,
  'e2ee-lock': e2ee,
};

/**
 * One batch from a page, in its fixed order: merge (the store's write), then the encryption layer
 * reads what was merged and returns the result with encrypted news redacted, then the listeners
 * (notifications) hear that redacted copy. No step changes what an earlier one returned.
 */
export async function ingestPipeline(ctx: BackgroundContext, batch: Ingest, now: number): Promise<void> {
  // Merge first, always: an optional call `hook?.(await merge())` would skip the merge itself
  // whenever no hook is set.
  const merged = await mergeRecordingFailures(ctx, batch, now);
  if (ctx.compaction) afterStored(ctx.db, ctx.compaction, merged.messagesAdded + merged.messagesUpdated, ctx.log);
  // The layout report rides on the health it explains (the merge just wrote that record).
  if (batch.health.report && batch.health.state !== 'ok') {
    await ctx.db.health
      .update(batch.platform, { layoutReport: batch.health.report })
      .catch((e) => ctx.log('storing the layout report failed', e));
  }
  // Before listeners hear of the batch: encrypted news must not carry its ciphertext on, even when
  // reading the thread failed.
  const heard = ctx.e2ee
    ? await ctx.e2ee.afterIngest(batch, merged, now).catch((e: unknown) => {
        ctx.log('e2ee ingest failed', e);
        return redactEncrypted(merged);
      })
    : merged;
  ctx.onMerged?.(heard, batch);
}

/**
 * A merge the store refused (quota exceeded, IndexedDB failure) is recorded for the popup to show
 * and re-thrown: the batch stays unacknowledged, so the content script keeps it and re-sends it.
 */
async function mergeRecordingFailures(ctx: BackgroundContext, batch: Ingest, now: number): Promise<MergeResult> {
  let merged: MergeResult;
  try {
    merged = await mergeIngest(ctx.db, batch, now);
  } catch (e) {
    ctx.log('the store refused a batch', e);
    await recordStorageError(ctx.db, e, now);
    throw e;
  }
  await clearStorageError(ctx.db).catch((e) => ctx.log('clearing the storage error failed', e));
  return merged;
}
