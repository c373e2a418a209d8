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
  /**
   * The element holding the open thread's rows at the last read (parse.ts sets it), so a mutation
   * can be told to be the thread's: null when no thread was read.
   */
  threadScope: Element | null;
  /** Message rows added as whole nodes inside the thread since the last read (candidates for an append). */
  readonly addedMessageRows: Element[];
  /**
   * Whether the thread's row list may have changed other than by those added rows (a row or wrapper
   * removed, a wrapper that is not one row added, the scope itself replaced): the next read walks
   * every row again instead of extending the list it has.
   */
  threadReshaped: boolean;
  /**
   * Whether anything outside the rows changed (an element added or removed, an attribute or text
   * outside every row): the next read asks the adapter for its health again. Changes confined to
   * rows cannot turn a page into a login screen, a PIN prompt or a missing list.
   */
  pageReshaped: boolean;
}

export const dirtyRows = (): DirtyRows => ({
  chats: new Set(),
  messages: new Set(),
  chatsStale: true,
  sendTouched: null,
  threadScope: null,
  addedMessageRows: [],
  threadReshaped: true,
  pageReshaped: true,
});

export interface WatchOptions {
  debounceMs: number;
  maxWaitMs: number;
  /** Read after the browser's next frame when the tab is rendered (see `debounced`). */
  afterFrame: boolean;
}

/** The longest a read waits for a frame before it goes ahead without one. */
export const FRAME_WAIT_MS = 100;

/**
 * How long the chunks of one read may follow each other without a frame between them: a frame's
 * budget of reading (RAIL's 50 ms for a response), after which the page gets to paint.
 */
export const CHUNK_FRAME_MS = 50;

export interface PageWatch {
  start(): void;
  stop(): void;
  /** Ask for a read after the debounce (at most maxWaitMs after the first unread change). */
  schedule(): void;
  /**
   * Ask for the next chunk of a chunked read, unless a read is already scheduled. It runs in a task
   * of its own (the page's input and tasks go first). In a rendered tab it waits for the next frame
   * when the page changed since the chunk before (the chunk then finds layout done) or when
   * CHUNK_FRAME_MS have passed since the last frame a read waited for (the page paints between
   * chunks); otherwise the page's layout is as the last chunk left it, and no frame is waited for.
   */
  resume(): void;
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
  /** The frame a read waits for, and whether it has been rendered (the read is the next task). */
  let frame: number | undefined;
  let frameRendered = false;
  /** When the last frame a read waited for was rendered (performance.now()). */
  let lastFrameAt = -Infinity;
  /** A chunk is due in the next task without a frame; a change before it sends it to the frame after all. */
  let chunkDue = false;
  let changedBeforeChunk = false;
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

  /** Whether `node` is the thread's row container or around it (never inside one of its rows). */
  function holdsThread(node: Node): boolean {
    const scope = dirty.threadScope;
    return scope !== null && (node === scope || node.contains(scope));
  }

  /** Whether `node` is inside the thread's row container (between it and the rows, or in a row). */
  function inThread(node: Node): boolean {
    const scope = dirty.threadScope;
    return scope !== null && scope !== node && scope.contains(node);
  }

  /**
   * A node added outside every row: a whole row (or one wrapped alone) is dirty, and in the thread
   * an append candidate. Anything else reshapes the page (and, in the thread, its row list).
   */
  function noteAdded(n: Node, threadSide: boolean): void {
    const hit = adapter.rowOf(n);
    if (hit && (hit.row === n || n.contains(hit.row))) {
      (hit.kind === 'chat' ? dirty.chats : dirty.messages).add(hit.row);
      if (hit.kind === 'message') {
        dirty.sendTouched?.add(hit.row);
        if (threadSide) dirty.addedMessageRows.push(hit.row);
      }
      return;
    }
    dirty.pageReshaped = true;
    if (hit) {
      markRow(n);
      return;
    }
    if (n.nodeType !== 1) return;
    dirty.chatsStale = true;
    if (threadSide) dirty.threadReshaped = true;
  }

  function note(records: MutationRecord[]): void {
    for (const r of records) {
      // The thread's container (or an ancestor) gained or lost nodes: not inside any row, and
      // asking the adapter which row it is in would search all of the thread's rows.
      const around = holdsThread(r.target);
      // A change inside a row: the row is dirty (and so are nodes it gained, being inside it).
      if (!around && markRow(r.target)) continue;
      if (r.type !== 'childList') {
        dirty.pageReshaped = true;
        continue;
      }
      // A container outside any row gained or lost children: rows it gained are dirty; a wrapper
      // that is not a row, or anything removed, may have changed the chat list's rows or order
      // (and, in or around the thread, its row list).
      const threadSide = around || inThread(r.target);
      r.addedNodes.forEach((n) => noteAdded(n, threadSide));
      r.removedNodes.forEach((n) => {
        dirty.pageReshaped = true;
        if (n.nodeType !== 1) return;
        dirty.chatsStale = true;
        if (threadSide) dirty.threadReshaped = true;
      });
    }
  }

  function schedule(): void {
    if (stopped) return;
    // The next chunk is due anyway and will see this change: it only has to wait for the frame now.
    if (chunkDue) {
      changedBeforeChunk = true;
      return;
    }
    // Waiting for the frame: the read is at most a frame away and will see this change too
    // (restarting here could starve it on a page that changes every frame).
    if (frame !== undefined || frameRendered) return;
    const now = Date.now();
    if (!timer) firstPendingAt = now;
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(opts.debounceMs, firstPendingAt + opts.maxWaitMs - now));
    timer = setTimeout(debounced, wait);
  }

  /**
   * The debounce is over. In a tab being rendered, read in the task after the browser's next frame:
   * the page's style and layout are then up to date, so the parsers' style and geometry reads
   * (which side a bubble sits on, hidden labels) cost microseconds instead of forcing the page's
   * whole layout inside our read. A hidden tab renders no frames: read now. A frame that does not
   * come in FRAME_WAIT_MS (a throttled tab) does not hold the read either.
   */
  function debounced(): void {
    if (!opts.afterFrame || doc.visibilityState !== 'visible' || typeof win.requestAnimationFrame !== 'function') return read();
    timer = setTimeout(read, FRAME_WAIT_MS);
    frame = win.requestAnimationFrame(() => {
      frame = undefined;
      frameRendered = true;
      lastFrameAt = win.performance.now();
      clearTimeout(timer);
      timer = setTimeout(read, 0);
    });
  }

  /** The chunk's task: read, unless the page changed meanwhile (then after the frame, as any read). */
  function chunk(): void {
    chunkDue = false;
    if (!changedBeforeChunk) return read();
    changedBeforeChunk = false;
    debounced();
  }

  function clearPending(): void {
    clearTimeout(timer);
    timer = undefined;
    chunkDue = false;
    changedBeforeChunk = false;
    if (frame !== undefined) win.cancelAnimationFrame(frame);
    frame = undefined;
    frameRendered = false;
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
      clearPending();
      clearInterval(urlPoll);
      win.removeEventListener('popstate', schedule);
      win.removeEventListener('hashchange', schedule);
    },
    schedule,
    resume() {
      if (stopped || timer !== undefined || frame !== undefined) return;
      // A read changes nothing on the page, and a change since would have asked for a read
      // (timer set): the layout is still the one the last chunk read.
      if (opts.afterFrame && win.performance.now() - lastFrameAt < CHUNK_FRAME_MS) {
        chunkDue = true;
        timer = setTimeout(chunk, 0);
        return;
      }
      timer = setTimeout(debounced, 0);
    },
    pending: () => timer !== undefined || frame !== undefined,
    cancel: clearPending,
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
