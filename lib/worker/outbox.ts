// The durable outbox: a reply lives here from the user's Send until the page shows it (sent) or
// we know why it cannot be posted (failed). Every transition is written before anything is asked
// of a tab, so a worker stopped at any moment resumes from the store; a re-dispatch asks the page
// to look for the echo first, so a reply is never posted twice.
import type { InboxDb } from '../store/db';
import { messageId, PLATFORM_TEXT_LIMIT, type OutboxEntry, type Platform, type SendFailureReason } from '../shared/model';
import type { SendCommand, SendCommandReply, SendRequest, SendResult } from '../shared/protocol';
import { sameMessageText } from '../shared/text';

export interface TabPort {
  /** Tabs where the platform's content script may run, best candidate first. */
  findTabs(platform: Platform): Promise<number[]>;
  sendToTab(tabId: number, command: SendCommand): Promise<SendCommandReply>;
}

/** A posting attempt with no verdict after this long is re-dispatched (echo checked first). */
export const STALE_POSTING_MS = 45_000;
/** After this many attempts without an echo, the reply is marked failed for the user to retry. */
export const MAX_ATTEMPTS = 3;

export async function enqueueSend(
  db: InboxDb,
  req: SendRequest,
  now: number,
): Promise<{ entry: OutboxEntry; created: boolean } | { error: string }> {
  const existing = await db.outbox.get(req.outboxId);
  if (existing) return { entry: existing, created: false }; // the same request delivered twice
  const conv = await db.conversations.get(req.conversationId);
  if (!conv) return { error: 'unknown conversation' };
  const entry: OutboxEntry = {
    id: req.outboxId,
    conversationId: conv.id,
    platform: conv.platform,
    text: req.text,
    state: 'queued',
    createdAt: now,
    updatedAt: now,
    attempts: 0,
  };
  if (req.text.length > PLATFORM_TEXT_LIMIT[conv.platform]) {
    entry.state = 'failed';
    entry.reason = 'too-long';
  }
  await db.outbox.put(entry);
  return { entry, created: true };
}

/**
 * Only the reason code is stored: the pages say it in the user's language (lib/shared/i18n/). `detail`
 * keeps a page's free-text exception message, if it sent one, for diagnosis; it is never ours.
 */
async function fail(db: InboxDb, entry: OutboxEntry, reason: SendFailureReason, now: number, detail?: string) {
  const next: OutboxEntry = { ...entry, state: 'failed', reason, detail, updatedAt: now };
  await db.outbox.put(next);
  return next;
}

/** Whether the store already holds an outgoing message that is this reply's echo. */
async function findEcho(db: InboxDb, entry: OutboxEntry): Promise<string | null> {
  if (entry.attemptStartedAt === undefined) return null;
  const since = entry.attemptStartedAt - 1_000;
  const claimed = new Set(
    (await db.outbox.where('conversationId').equals(entry.conversationId).toArray()).map((e) => e.messageId).filter(Boolean),
  );
  const candidates = await db.messages
    .where('conversationId')
    .equals(entry.conversationId)
    .filter((m) => m.sender.isSelf && m.firstSeenAt >= since && !claimed.has(m.id) && sameMessageText(m.text, entry.text))
    .first();
  return candidates?.id ?? null;
}

/** Hand a queued (or stale posting) reply to a tab of its platform. */
export async function dispatch(db: InboxDb, id: string, tabs: TabPort, now = Date.now()): Promise<OutboxEntry | undefined> {
  let entry = await db.outbox.get(id);
  if (!entry || entry.state === 'sent' || (entry.state === 'failed' && entry.reason === 'too-long')) return entry;
  const conv = await db.conversations.get(entry.conversationId);
  if (!conv) return fail(db, entry, 'chat-not-found', now);

  const echo = await findEcho(db, entry);
  if (echo) {
    entry = { ...entry, state: 'sent', reason: undefined, detail: undefined, messageId: echo, updatedAt: now };
    await db.outbox.put(entry);
    return entry;
  }
  if (entry.attempts >= MAX_ATTEMPTS) return fail(db, entry, 'no-echo', now);

  const tabIds = await tabs.findTabs(entry.platform);
  if (tabIds.length === 0) return fail(db, entry, 'no-tab', now);

  const previouslyAttempted = entry.attemptStartedAt !== undefined;
  entry = {
    ...entry,
    state: 'posting',
    reason: undefined,
    detail: undefined,
    attempts: entry.attempts + 1,
    attemptStartedAt: entry.attemptStartedAt ?? now,
    updatedAt: now,
  };
  // Written before the tab is asked: a worker stopped right after still knows a post may be under way.
  await db.outbox.put(entry);

  const command: SendCommand = {
    type: 'send',
    outboxId: entry.id,
    conversationNativeId: conv.nativeId,
    conversationTitle: conv.title,
    text: entry.text,
    attemptStartedAt: entry.attemptStartedAt!,
    checkEchoFirst: previouslyAttempted,
  };
  const refusals: string[] = [];
  for (const tabId of tabIds) {
    try {
      const reply = await tabs.sendToTab(tabId, command);
      if (reply.accepted) {
        entry = { ...entry, tabId };
        await db.outbox.put(entry);
        return entry;
      }
      refusals.push(reply.reason);
    } catch (e) {
      refusals.push(e instanceof Error ? e.message : String(e));
    }
  }
  const notReady = refusals.some((r) => r === 'not-ready');
  return fail(db, { ...entry, attempts: entry.attempts - 1 }, notReady ? 'not-ready' : 'no-tab', now);
}

/** A content script's verdict. Only the platform the entry belongs to may settle it. */
export async function applySendResult(db: InboxDb, result: SendResult, platform: Platform, now = Date.now()) {
  const entry = await db.outbox.get(result.outboxId);
  if (!entry || entry.platform !== platform || entry.state === 'sent') return entry;
  if (result.ok) {
    const next: OutboxEntry = {
      ...entry,
      state: 'sent',
      reason: undefined,
      detail: undefined,
      messageId: entry.messageId ?? (result.messageNativeId ? messageId(entry.conversationId, result.messageNativeId) : undefined),
      updatedAt: now,
    };
    await db.outbox.put(next);
    return next;
  }
  return fail(db, entry, result.reason ?? 'composer-rejected', now, result.detail);
}

/** The user pressed Retry on a failed reply. */
export async function retry(db: InboxDb, id: string, tabs: TabPort, now = Date.now()) {
  const entry = await db.outbox.get(id);
  if (!entry || entry.state !== 'failed' || entry.reason === 'too-long') return entry;
  await db.outbox.put({ ...entry, state: 'queued', attempts: 0, updatedAt: now });
  return dispatch(db, id, tabs, now);
}

/**
 * After a worker start, a content script's hello, a closed tab or a periodic sweep: dispatch what
 * never reached a tab, and re-dispatch posts whose tab went away or went quiet. A post still in
 * flight in a live tab is left alone (re-asking would only cost an attempt).
 */
export async function resumePending(
  db: InboxDb,
  tabs: TabPort,
  opts: { platform?: Platform; tabGone?: number } = {},
  now = Date.now(),
): Promise<void> {
  const open = await db.outbox.where('state').anyOf('queued', 'posting').sortBy('createdAt');
  for (const e of open) {
    if (opts.platform && e.platform !== opts.platform) continue;
    if (e.state === 'posting') {
      const stale = now - (e.attemptStartedAt ?? 0) >= STALE_POSTING_MS * e.attempts;
      // No tab has taken this attempt (a worker stopped between writing "posting" and a tab's
      // answer): re-dispatch now rather than after the stale delay; a tab that did take it answers
      // a repeat with its own verdict, and the echo is checked first.
      const handedOver = e.tabId !== undefined;
      if (!stale && handedOver && e.tabId !== opts.tabGone) continue;
    } else if (opts.tabGone !== undefined) continue;
    await dispatch(db, e.id, tabs, now);
  }
}
