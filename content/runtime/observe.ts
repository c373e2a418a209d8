// Observing: mutation records are mapped to the rows they touched (so only those are parsed
// again), reads are debounced (never later than maxWaitMs after the first change), and URL changes
// (popstate, hashchange, pushState caught by a cheap poll) ask for a read too.
import type { PlatformAdapter } from '../adapter';

/** Rows that mutated since they were last parsed: noted by the observer, taken by the reader. */
export class DirtyRows {
  readonly chats = new Set<Element>();
  readonly messages = new Set<Element>();
  /** Whether the chat list may have changed beyond its dirty rows (rows added in a wrapper, removed). */
  chatsStale = true;
  /**
   * Message rows that mutated while a send is under way (null otherwise): its echo check parses
   * them afresh, so a change the observer does not report (a class, a style) still counts.
   */
  sendTouched: Set<Element> | null = null;

  clear(): void {
    this.chats.clear();
    this.messages.clear();
  }
}

export interface WatchOptions {
  debounceMs: number;
  maxWaitMs: number;
}

export class PageWatch {
  private readonly win: Window;
  private readonly observer: MutationObserver;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private firstPendingAt = 0;
  private lastUrl: string;
  private urlPoll: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private readonly onNav = () => this.schedule();

  /** `read` runs when the debounce ends; it calls `cancel()` itself (it also runs on demand). */
  constructor(
    private readonly adapter: PlatformAdapter,
    private readonly doc: Document,
    private readonly dirty: DirtyRows,
    private readonly opts: WatchOptions,
    private readonly read: () => void,
  ) {
    this.win = doc.defaultView!;
    this.lastUrl = this.win.location.href;
    this.observer = new MutationObserver((records) => {
      this.note(records);
      this.schedule();
    });
  }

  start(): void {
    this.observer.observe(this.doc.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: [...this.adapter.observedAttributes],
    });
    this.win.addEventListener('popstate', this.onNav);
    this.win.addEventListener('hashchange', this.onNav);
    // Client-side navigation with history.pushState fires no event: a cheap URL check catches it.
    this.urlPoll = setInterval(() => {
      if (this.urlMoved()) this.schedule();
    }, 1_000);
  }

  stop(): void {
    this.stopped = true;
    this.observer.disconnect();
    clearTimeout(this.timer);
    clearInterval(this.urlPoll);
    this.win.removeEventListener('popstate', this.onNav);
    this.win.removeEventListener('hashchange', this.onNav);
  }

  /** Ask for a read after the debounce (at most maxWaitMs after the first unread change). */
  schedule(): void {
    if (this.stopped) return;
    const now = Date.now();
    if (!this.timer) this.firstPendingAt = now;
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.opts.debounceMs, this.firstPendingAt + this.opts.maxWaitMs - now));
    this.timer = setTimeout(this.read, wait);
  }

  /** Whether a read is scheduled. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Drop the scheduled read (the caller reads now). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Note the mutations not yet delivered to the callback; how many there were. */
  takeRecords(): number {
    const records = this.observer.takeRecords();
    this.note(records);
    return records.length;
  }

  /** The page's URL, and whether it changed since the last call. */
  takeUrl(): { url: string; changed: boolean } {
    const url = this.win.location.href;
    const changed = url !== this.lastUrl;
    this.lastUrl = url;
    return { url, changed };
  }

  /** Whether the URL changed since the last read took it. */
  urlMoved(): boolean {
    return this.win.location.href !== this.lastUrl;
  }

  private note(records: MutationRecord[]): void {
    for (const r of records) {
      // A change inside a row: the row is dirty (and so are nodes it gained, being inside it).
      if (this.markRow(r.target) || r.type !== 'childList') continue;
      // A container outside any row gained or lost children: rows it gained are dirty; a wrapper
      // that is not a row, or anything removed, may have changed the chat list's rows or order.
      r.addedNodes.forEach((n) => {
        if (!this.markRow(n) && n.nodeType === 1) this.dirty.chatsStale = true;
      });
      r.removedNodes.forEach((n) => {
        if (n.nodeType === 1) this.dirty.chatsStale = true;
      });
    }
  }

  private markRow(node: Node): boolean {
    const hit = this.adapter.rowOf(node);
    if (!hit) return false;
    (hit.kind === 'chat' ? this.dirty.chats : this.dirty.messages).add(hit.row);
    if (hit.kind === 'message') this.dirty.sendTouched?.add(hit.row);
    return true;
  }
}
