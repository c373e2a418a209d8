// Observing: mutation records are mapped to the rows they touched (so only those are parsed
// again), reads are debounced (never later than maxWaitMs after the first change), and URL changes
// (popstate, hashchange, pushState caught by a cheap poll) ask for a read too.
import type { PlatformAdapter } from '../adapter';

/** Rows that mutated since they were last parsed: noted by the observer, taken by the reader. */
export interface DirtyRows {
  readonly chats: Set<Element>;
  readonly messages: Set<Element>;
  /** Whether the chat list may have changed beyond its dirty rows (rows added in a wrapper, removed). */
  chatsStale: boolean;
  /**
   * Message rows that mutated while a send is under way (null otherwise): its echo check parses
   * them afresh, so a change the observer does not report (a class, a style) still counts.
   */
  sendTouched: Set<Element> | null;
}

export const dirtyRows = (): DirtyRows => ({ chats: new Set(), messages: new Set(), chatsStale: true, sendTouched: null });

export interface WatchOptions {
  debounceMs: number;
  maxWaitMs: number;
}

export interface PageWatch {
  start(): void;
  stop(): void;
  /** Ask for a read after the debounce (at most maxWaitMs after the first unread change). */
  schedule(): void;
  /** Whether a read is scheduled. */
  pending(): boolean;
  /** Drop the scheduled read (the caller reads now). */
  cancel(): void;
  /** Note the mutations not yet delivered to the callback; how many there were. */
  takeRecords(): number;
  /** The page's URL, and whether it changed since the last call. */
  takeUrl(): { url: string; changed: boolean };
  /** Whether the URL changed since the last read took it. */
  urlMoved(): boolean;
}

/** `read` runs when the debounce ends; it calls `cancel()` itself (it also runs on demand). */
export function createWatch(adapter: PlatformAdapter, doc: Document, dirty: DirtyRows, opts: WatchOptions, read: () => void): PageWatch {
  const win = doc.defaultView!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstPendingAt = 0;
  let lastUrl = win.location.href;
  let urlPoll: ReturnType<typeof setInterval> | undefined;
  let stopped = false;

  function markRow(node: Node): boolean {
    const hit = adapter.rowOf(node);
    if (!hit) return false;
    (hit.kind === 'chat' ? dirty.chats : dirty.messages).add(hit.row);
    if (hit.kind === 'message') dirty.sendTouched?.add(hit.row);
    return true;
  }

  function note(records: MutationRecord[]): void {
    for (const r of records) {
      // A change inside a row: the row is dirty (and so are nodes it gained, being inside it).
      if (markRow(r.target) || r.type !== 'childList') continue;
      // A container outside any row gained or lost children: rows it gained are dirty; a wrapper
      // that is not a row, or anything removed, may have changed the chat list's rows or order.
      r.addedNodes.forEach((n) => {
        if (!markRow(n) && n.nodeType === 1) dirty.chatsStale = true;
      });
      r.removedNodes.forEach((n) => {
        if (n.nodeType === 1) dirty.chatsStale = true;
      });
    }
  }

  function schedule(): void {
    if (stopped) return;
    const now = Date.now();
    if (!timer) firstPendingAt = now;
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(opts.debounceMs, firstPendingAt + opts.maxWaitMs - now));
    timer = setTimeout(read, wait);
  }

  const urlMoved = () => win.location.href !== lastUrl;
  const observer = new MutationObserver((records) => {
    note(records);
    schedule();
  });

  return {
    start() {
      observer.observe(doc.documentElement, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
        attributeFilter: [...adapter.observedAttributes],
      });
      win.addEventListener('popstate', schedule);
      win.addEventListener('hashchange', schedule);
      // Client-side navigation with history.pushState fires no event: a cheap URL check catches it.
      urlPoll = setInterval(() => {
        if (urlMoved()) schedule();
      }, 1_000);
    },
    stop() {
      stopped = true;
      observer.disconnect();
      clearTimeout(timer);
      clearInterval(urlPoll);
      win.removeEventListener('popstate', schedule);
      win.removeEventListener('hashchange', schedule);
    },
    schedule,
    pending: () => timer !== undefined,
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
    takeRecords() {
      const records = observer.takeRecords();
      note(records);
      return records.length;
    },
    takeUrl() {
      const url = win.location.href;
      const changed = url !== lastUrl;
      lastUrl = url;
      return { url, changed };
    },
    urlMoved,
  };
}
