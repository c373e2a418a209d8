// Notifications for new incoming messages while the inbox is closed.
//
// What is news comes from the merge: `newIncoming` (messages appended after known history; the
// history read on a first scrape never counts) and `unreadIncreased` (a known chat whose unread
// mark went up, for chats whose thread is not open in the page: its list preview is the text).
// Nothing is shown when notifications are off (master switch, platform off, or its notify switch
// off), for muted or archived chats, or while an inbox page is visible. At most one notification
// per conversation per 10 s, and a few per batch. A message already announced from the chat list
// (its preview) is not announced again when its thread is read later. The notification id is the
// conversation id, so a newer one replaces the older one; clicking it opens that thread in a tab.
import { browser } from 'wxt/browser';
import type { InboxDb } from '../store/db';
import type { MergeResult } from './merge';
import { conversationId as convIdOf, PLATFORM_LABEL, type Conversation, type Message } from '../shared/model';
import type { Ingest } from '../shared/protocol';
import { getSettings, mayNotify, type Settings } from '../shared/settings';
import { previewOf } from '../shared/text';
import { pickLanguage } from '../shared/i18n/language';
import { notifyStrings, type NotifyStrings } from '../shared/i18n/notify';

export const NOTIFY_INTERVAL_MS = 10_000;
/** How long an announced text stays "already shown" for its conversation. */
export const SAME_TEXT_WINDOW_MS = 30 * 60_000;
export const MAX_NOTIFICATIONS_PER_BATCH = 3;
export const NOTIFICATION_TEXT_CHARS = 180;
export const NOTIFICATION_TITLE_CHARS = 100;
/**
 * The first batches of a page run report the list as it first renders: a stored chat whose unread
 * mark rises then is old news read on load, not a new message. Tied to content/runtime/read.ts's
 * batch ids (`<run>-<sequence>`).
 */
export const WARMUP_BATCHES = 3;

/** The inbox pages: while one is visible the user sees new messages there. */
export const INBOX_PAGES = ['/popup.html', '/sidepanel.html'] as const;

export interface PlannedNotification {
  /** The conversation id (also the notification id). */
  id: string;
  title: string;
  message: string;
}

export interface NotifiedMemory {
  at: number;
  /** The announced text, before capping (compared with later messages of the same chat). */
  text: string;
}

export interface PlanInput {
  result: Pick<MergeResult, 'newIncoming' | 'unreadIncreased'>;
  /** The conversations of `newIncoming` messages, as stored after the merge. */
  conversations: ReadonlyMap<string, Conversation>;
  /** The conversation whose thread the batch carried (its messages speak for it), if any. */
  threadConversationId: string | null;
  /** True for the first batches of a page run (list-only unread rises are ignored then). */
  warmingUp: boolean;
  settings: Settings;
  inboxVisible: boolean;
  now: number;
  /** Conversation id → when it last notified and with what text. Updated for what is planned. */
  lastNotified: Map<string, NotifiedMemory>;
  s: NotifyStrings;
}

function cap(text: string, max: number): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** A list preview may carry the sender ("Budi: hi") where the message has only "hi". */
function sameNews(announced: string, text: string): boolean {
  return announced === text || announced.endsWith(`: ${text}`);
}

/** Decide what to show for one merged batch (pure apart from updating `lastNotified`). */
export function planNotifications(input: PlanInput): PlannedNotification[] {
  const { settings, s, now } = input;
  if (!settings.notifications || input.inboxVisible) return [];

  // Newest news per conversation, in arrival order.
  const candidates = new Map<string, { conv: Conversation; message: Message | null }>();
  for (const m of input.result.newIncoming) {
    const conv = input.conversations.get(m.conversationId);
    if (!conv) continue;
    candidates.delete(conv.id);
    candidates.set(conv.id, { conv, message: m });
  }
  if (!input.warmingUp) {
    for (const conv of input.result.unreadIncreased) {
      if (conv.id === input.threadConversationId || candidates.has(conv.id)) continue;
      candidates.set(conv.id, { conv, message: null });
    }
  }

  const out: PlannedNotification[] = [];
  for (const { conv, message } of [...candidates.values()].reverse()) {
    if (out.length >= MAX_NOTIFICATIONS_PER_BATCH) break;
    if (conv.muted || conv.archived || !mayNotify(settings, conv.platform)) continue;
    const last = input.lastNotified.get(conv.id);
    if (last && now - last.at < NOTIFY_INTERVAL_MS) continue;
    const text = message ? previewOf(message) : conv.preview;
    // Announced from the list a while ago, now read in its thread: the same news, not new news.
    if (last && text && sameNews(last.text, text) && now - last.at < SAME_TEXT_WINDOW_MS) continue;
    const platform = PLATFORM_LABEL[conv.platform];
    const title = cap(conv.title, NOTIFICATION_TITLE_CHARS) || platform;
    const sender = message ? cap(message.sender.name, NOTIFICATION_TITLE_CHARS) : '';
    out.push({
      id: conv.id,
      title:
        conv.isGroup && sender && sender !== conv.title
          ? s.notificationGroupTitle(sender, title, platform)
          : s.notificationTitle(title, platform),
      message: cap(text, NOTIFICATION_TEXT_CHARS) || s.notificationNewMessage,
    });
    input.lastNotified.set(conv.id, { at: now, text });
  }
  return out;
}

/** `<run>-<sequence>` batch ids: whether this is one of a page run's first batches. */
export function isWarmupBatch(batchId: string): boolean {
  const m = /-(\d+)$/.exec(batchId);
  return m ? Number(m[1]) <= WARMUP_BATCHES : false;
}

export function isInboxUrl(url: string | undefined, baseUrl: string): boolean {
  if (!url?.startsWith(baseUrl)) return false;
  const path = '/' + url.slice(baseUrl.length).split(/[?#]/)[0];
  return (INBOX_PAGES as readonly string[]).includes(path);
}

interface ContextInfo {
  contextType: string;
  documentUrl?: string;
  tabId?: number;
}

/**
 * Whether an inbox page is in front of the user. `runtime.getContexts` (Chrome MV3, recent
 * Firefox): an open popup or side panel/sidebar counts, an inbox tab counts when it is the active
 * tab of its window. Otherwise `extension.getViews` from a background page, counting views whose
 * document is visible. Where neither works we cannot tell, and notify.
 */
export async function isInboxVisible(): Promise<boolean> {
  const base = browser.runtime.getURL('/');
  const runtime = browser.runtime as unknown as { getContexts?: (filter: object) => Promise<ContextInfo[]> };
  let contexts: ContextInfo[] | null = null;
  try {
    // No type filter: browsers differ in which context type names they accept.
    if (typeof runtime.getContexts === 'function') contexts = await runtime.getContexts({});
  } catch {
    contexts = null;
  }
  if (contexts) {
    for (const c of contexts) {
      if (!isInboxUrl(c.documentUrl, base)) continue;
      if (c.contextType !== 'TAB') return true;
      if (c.tabId !== undefined && c.tabId >= 0) {
        const tab = await browser.tabs.get(c.tabId).catch(() => null);
        if (tab?.active) return true;
      }
    }
    return false;
  }
  const extension = (browser as unknown as { extension?: { getViews?: () => Window[] } }).extension;
  if (typeof extension?.getViews === 'function') {
    return extension.getViews().some((w) => {
      try {
        return isInboxUrl(w.location.href, base) && w.document.visibilityState === 'visible';
      } catch {
        return false;
      }
    });
  }
  return false;
}

/** The inbox page that opens a conversation (App reads `?open=`). */
export function conversationUrl(conversationId: string): string {
  return `${browser.runtime.getURL('/popup.html')}?open=${encodeURIComponent(conversationId)}`;
}

/** Open (or reuse) an inbox tab on that conversation and bring its window to the front. */
export async function openConversationTab(conversationId: string): Promise<void> {
  const url = conversationUrl(conversationId);
  const popupUrl = browser.runtime.getURL('/popup.html');
  let tabs: { id?: number; url?: string; windowId?: number }[] = [];
  try {
    tabs = await browser.tabs.query({ url: `${popupUrl}*` });
  } catch {
    // Some browsers refuse extension-scheme patterns: a new tab is fine then.
  }
  const existing = tabs.find((t) => t.id !== undefined && t.url?.startsWith(popupUrl));
  const tab = existing ? await browser.tabs.update(existing.id!, { url, active: true }) : await browser.tabs.create({ url, active: true });
  if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
}

export interface Notifier {
  /**
   * Hand every merged batch here (BackgroundContext.onMerged). Never throws or rejects; the
   * promise (which callers may ignore) settles when this batch's notifications are shown.
   */
  onMerged(result: MergeResult, batch: Ingest): Promise<void>;
  stop(): void;
}

/**
 * Wire notifications to the browser. Call synchronously when the worker starts, so a click that
 * woke the worker is not missed. `deps` are injectable for tests.
 */
export function startNotifications(
  db: InboxDb,
  deps: {
    loadSettings?: () => Promise<Settings>;
    inboxVisible?: () => Promise<boolean>;
    now?: () => number;
    languages?: () => readonly string[];
    log?: (...args: unknown[]) => void;
  } = {},
): Notifier {
  const log = deps.log ?? ((...a: unknown[]) => console.warn('[unified-inbox] notifications', ...a));
  const lastNotified = new Map<string, NotifiedMemory>();
  const api = (browser as unknown as { notifications?: typeof browser.notifications }).notifications;

  const onClicked = (id: string) => {
    void openConversationTab(id)
      .then(() => api?.clear(id))
      .catch((e) => log('could not open the conversation', e));
  };
  api?.onClicked.addListener(onClicked);

  const show = async (result: MergeResult, batch: Ingest) => {
    const settings = await (deps.loadSettings ?? getSettings)();
    if (!settings.notifications) return;
    const ids = [...new Set(result.newIncoming.map((m) => m.conversationId))];
    const stored = await db.conversations.bulkGet(ids);
    const conversations = new Map(stored.filter((c): c is Conversation => !!c).map((c) => [c.id, c]));
    const inboxVisible = await (deps.inboxVisible ?? isInboxVisible)().catch(() => false);
    const languages = deps.languages?.() ?? globalThis.navigator?.languages ?? [];
    const s = notifyStrings(pickLanguage(settings.uiLanguage === 'auto' ? null : settings.uiLanguage, languages));
    const plans = planNotifications({
      result,
      conversations,
      threadConversationId: batch.thread ? convIdOf(batch.platform, batch.thread.conversation.nativeId) : null,
      warmingUp: isWarmupBatch(batch.batchId),
      settings,
      inboxVisible,
      now: deps.now?.() ?? Date.now(),
      lastNotified,
      s,
    });
    for (const p of plans) {
      await api?.create(p.id, {
        type: 'basic',
        title: p.title,
        message: p.message,
        // Typed public paths are regenerated at build; the icon is in public/icon/.
        iconUrl: (browser.runtime.getURL as (path: string) => string)('/icon/128.png'),
      });
    }
  };

  // Batches are handled one after another, so the rate limit sees every earlier decision.
  let queue: Promise<void> = Promise.resolve();
  return {
    onMerged(result, batch) {
      if (!api || (result.newIncoming.length === 0 && result.unreadIncreased.length === 0)) return queue;
      queue = queue.then(() => show(result, batch)).catch((e) => log(e));
      return queue;
    },
    stop() {
      api?.onClicked.removeListener(onClicked);
    },
  };
}
