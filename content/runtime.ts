// The shared content-script runtime: watches the page through the platform adapter, reports what
// changed to the background in acknowledged batches, and carries out send commands.
// Cost is proportional to what changed: mutation records are mapped to their rows, only those rows
// are re-parsed and compared with what was last delivered, and the chat list is read again only
// when something in it (or something unplaced) changed. Only the rendered thread's row list is
// walked per read, which the merge needs to place new messages next to their DOM neighbours.
import { LIMITS, type ConversationSnapshot, type MessageSnapshot, type ThreadSnapshot } from '../lib/model';
import type {
  FromContent,
  Ingest,
  SendCommand,
  SendCommandReply,
  SendResult,
} from '../lib/protocol';
import { readSendCommand } from './command';
import type { HealthReport, PlatformAdapter } from './adapter';
import { buildLayoutReport } from './layout-report';
import { ReadabilityWatch } from './readability';
import { performSend } from './send';

export interface Transport {
  /** Deliver to the background; resolves with its reply, rejects when it could not be reached. */
  send(message: FromContent): Promise<unknown>;
  /** Register the handler for commands from the background. */
  onCommand(handler: (command: unknown) => Promise<SendCommandReply>): void;
}

export interface RuntimeOptions {
  debounceMs?: number;
  maxWaitMs?: number;
  echoTimeoutMs?: number;
  log?: (...args: unknown[]) => void;
}

export interface RuntimeHandle {
  /** Resolves once everything observed so far has been acknowledged by the background. */
  idle(): Promise<void>;
  stop(): void;
  /**
   * Counters for tests and benchmarks: rows parsed, message snapshots compared with what was sent,
   * and chat-list reads.
   */
  stats: { batches: number; rowsParsed: number; flushes: number; comparisons: number; chatReads: number };
}

const OBSERVED_ATTRIBUTES = [
  'aria-label',
  'aria-selected',
  'data-icon',
  'data-id',
  'data-pre-plain-text',
  'title',
  'href',
  'alt',
  'src',
];

export function startContentRuntime(
  adapter: PlatformAdapter,
  doc: Document,
  transport: Transport,
  opts: RuntimeOptions = {},
): RuntimeHandle {
  const win = doc.defaultView!;
  const debounceMs = opts.debounceMs ?? 100;
  const maxWaitMs = opts.maxWaitMs ?? 500;
  const log = opts.log ?? ((...a: unknown[]) => console.debug('[unified-inbox]', ...a));
  const stats = { batches: 0, rowsParsed: 0, flushes: 0, comparisons: 0, chatReads: 0 };

  // Per-node parse caches; a node that mutates is marked dirty and re-parsed once. A node that is
  // reused for another message (virtual lists recycle them) mutates, so it is re-parsed too.
  let chatCache = new WeakMap<Element, Omit<ConversationSnapshot, 'listRank'> | null>();
  let msgCache = new WeakMap<Element, MessageSnapshot | null>();
  const dirtyChats = new Set<Element>();
  const dirtyMsgs = new Set<Element>();
  /** Whether the chat list may have changed beyond its dirty rows (rows added in a wrapper, removed). */
  let chatsStale = true;
  /** The conversation the cached message snapshots were parsed for (sender names depend on it). */
  let parsedFor = '';
  // What the background has been sent (by native id), so unchanged rows are not re-sent.
  let sentChats = new Map<string, string>();
  let sentMsgs = new Map<string, MessageSnapshot>();
  let sentHealth = '';
  let sentThreadId: string | null = null;
  let lastUrl = win.location.href;
  /** Outgoing bubbles this page has shown and when: lets a retried send find its earlier echo. */
  const outgoingSeen = new Map<string, { text: string; firstSeen: number }>();
  /** Titles the chat list showed, by native id: the open thread's header may be unreadable. */
  const listTitles = new Map<string, string>();
  /** The row list of the last thread read (rows that moved are parsed again, see readsRowsAbove). */
  let lastRows: readonly Element[] = [];
  /** The open thread at the last read that read it (messages in DOM order, each with its row); null when it did not. */
  let lastThread: { conversation: ThreadSnapshot['conversation']; messages: MessageSnapshot[]; rows: Element[] } | null = null;
  /**
   * Message rows that mutated while a send is under way: its echo check parses them afresh, so a
   * change the observer does not report (a class, a style) still counts for the new bubble.
   */
  let sendTouched: Set<Element> | null = null;
  /** Whether rows are found but none reads (a layout change the adapter's health did not see). */
  const readability = new ReadabilityWatch(adapter.selectors);

  let batchSeq = 0;
  const runId = Math.random().toString(36).slice(2, 10);
  const queue: FromContent[] = [];
  let pumping = false;
  let idleWaiters: (() => void)[] = [];
  let stopped = false;

  /** Forget every parse and every delivery: the next read parses and sends the whole page. */
  function resetAll(): void {
    chatCache = new WeakMap();
    msgCache = new WeakMap();
    dirtyChats.clear();
    dirtyMsgs.clear();
    chatsStale = true;
    sentChats = new Map();
    sentMsgs = new Map();
    sentThreadId = null;
  }

  // ---- observing ----
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstPendingAt = 0;
  function schedule(): void {
    if (stopped) return;
    const now = Date.now();
    if (!timer) firstPendingAt = now;
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(debounceMs, firstPendingAt + maxWaitMs - now));
    timer = setTimeout(flush, wait);
  }

  const observer = new MutationObserver((records) => {
    noteRecords(records);
    schedule();
  });

  function noteRecords(records: MutationRecord[]): void {
    for (const r of records) {
      // A change inside a row: the row is dirty (and so are nodes it gained, being inside it).
      if (markRow(r.target) || r.type !== 'childList') continue;
      // A container outside any row gained or lost children: rows it gained are dirty; a wrapper
      // that is not a row, or anything removed, may have changed the chat list's rows or order.
      r.addedNodes.forEach((n) => {
        if (!markRow(n) && n.nodeType === 1) chatsStale = true;
      });
      r.removedNodes.forEach((n) => {
        if (n.nodeType === 1) chatsStale = true;
      });
    }
  }

  function markRow(node: Node): boolean {
    const hit = adapter.rowOf(node);
    if (!hit) return false;
    (hit.kind === 'chat' ? dirtyChats : dirtyMsgs).add(hit.row);
    if (hit.kind === 'message') sendTouched?.add(hit.row);
    return true;
  }

  // ---- reading ----
  function readChats(): ConversationSnapshot[] {
    const out: ConversationSnapshot[] = [];
    stats.chatReads++;
    const rows = adapter.chatRows(doc);
    rows.forEach((row) => {
      let snap = chatCache.get(row);
      if (snap === undefined || dirtyChats.has(row)) {
        snap = adapter.parseChatRow(row);
        chatCache.set(row, snap);
        stats.rowsParsed++;
      }
      if (snap) {
        out.push({ ...snap, listRank: out.length });
        if (snap.title.trim()) listTitles.set(snap.nativeId, snap.title);
      }
    });
    readability.noteChats(rows, out.length, (i) => chatCache.get(rows[i]!) != null);
    return out.slice(0, LIMITS.conversationsPerBatch);
  }

  /** The chat-list rows that differ from what was sent (rank included), or none when nothing there changed. */
  function changedChats(): ConversationSnapshot[] {
    if (!chatsStale && dirtyChats.size === 0) return [];
    const chats = readChats().filter((c) => {
      const sig = JSON.stringify(c);
      if (sentChats.get(c.nativeId) === sig) return false;
      sentChats.set(c.nativeId, sig);
      return true;
    });
    // Rows found but none read: read the list again soon to confirm (or clear) the suspicion.
    chatsStale = readability.chatsPending();
    if (chatsStale) schedule();
    dirtyChats.clear();
    return chats;
  }

  interface ThreadRead {
    conversation: ThreadSnapshot['conversation'];
    messages: MessageSnapshot[];
    /** Indices into `messages` of the snapshots parsed in this read (new or changed rows), ascending. */
    parsed: number[];
  }

  function readThread(): ThreadRead | null {
    lastThread = null;
    const open = adapter.openConversation(doc);
    // A thread whose title cannot be read (header changed) would become an untitled conversation:
    // take the chat list's title, else hold the thread back until one is readable. Its changed rows
    // lose their cached parse, so they are parsed, compared and sent then.
    const title = open ? (open.title.trim() ? open.title : listTitles.get(open.nativeId)) : undefined;
    if (!open || !title) {
      readability.noThread();
      dirtyMsgs.forEach((row) => msgCache.delete(row));
      dirtyMsgs.clear();
      return null;
    }
    const conversation = { ...open, title };
    const key = JSON.stringify(conversation);
    if (key !== parsedFor) {
      // Another conversation, or the same one now known as a group: snapshots carry its title and
      // group-ness (sender names), so every row is parsed again.
      msgCache = new WeakMap();
      parsedFor = key;
    }
    const messages: MessageSnapshot[] = [];
    const messageRowsOf: Element[] = [];
    const parsed: number[] = [];
    const rows = adapter.messageRows(doc);
    // For an adapter whose snapshots depend on the rows above: once a row above changed, moved or
    // went away, every row below is parsed again (cheaply: its own node is known unchanged).
    let changedAbove = false;
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      let snap = msgCache.get(row);
      const nodeChanged = snap === undefined || dirtyMsgs.has(row);
      if (adapter.readsRowsAbove && lastRows[index] !== row) changedAbove = true;
      if (nodeChanged || (changedAbove && adapter.readsRowsAbove)) {
        snap = adapter.parseMessageRow(row, conversation, { rows, index, nodeChanged });
        msgCache.set(row, snap);
        stats.rowsParsed++;
        if (snap) parsed.push(messages.length);
        changedAbove = true;
      }
      if (snap) {
        messages.push(snap);
        messageRowsOf.push(row);
      }
    }
    dirtyMsgs.clear();
    lastRows = rows;
    readability.noteMessages(rows, messages.map((snap, i) => ({ snap, row: messageRowsOf[i]! })));
    if (readability.messagesPending()) schedule();
    lastThread = { conversation, messages, rows: messageRowsOf };
    return { conversation, messages, parsed };
  }

  /**
   * The open thread's outgoing messages as the page shows them now, from the parse cache: pending
   * mutations are taken and read first (a normal read, so what changed is reported too). Null when
   * the last read did not read the thread (not ready, none open, title unreadable).
   */
  function outgoingNow(): MessageSnapshot[] | null {
    if (stopped) return null;
    const records = observer.takeRecords();
    noteRecords(records);
    if (records.length || timer || dirtyMsgs.size || win.location.href !== lastUrl) {
      clearTimeout(timer);
      flush();
    }
    const t = lastThread;
    if (!t) return null;
    const touched = sendTouched;
    const out = t.messages.filter((m, i) => m.sender.isSelf && !m.system && !touched?.has(t.rows[i]!));
    touched?.forEach((row) => {
      const index = lastRows.indexOf(row);
      if (index < 0) return;
      const m = adapter.parseMessageRow(row, t.conversation, { rows: lastRows, index, nodeChanged: true });
      if (m && m.sender.isSelf && !m.system) out.push(m);
    });
    return out;
  }

  function flush(): void {
    timer = undefined;
    if (stopped) return;
    stats.flushes++;
    read();
    settle();
  }

  function read(): void {
    const url = win.location.href;
    const urlChanged = url !== lastUrl;
    lastUrl = url;
    if (urlChanged) chatsStale = true;

    lastThread = null;
    let health: HealthReport;
    try {
      health = adapter.isActiveUrl(new URL(url)) ? adapter.health(doc) : { state: 'inactive', reason: 'outside the messages area' };
    } catch (e) {
      health = { state: 'layout-unknown', reason: `adapter failed: ${String(e)}` };
    }
    const healthKey = `${health.state}|${health.reason ?? ''}`;

    if (health.state !== 'ok') {
      readability.reset();
      reportNotOk(health);
      return;
    }

    let chats: ConversationSnapshot[] = [];
    let thread: ThreadSnapshot | null = null;
    try {
      chats = changedChats();
      thread = changedThread(urlChanged);
      // The adapter says ok, but rows are there and none of them reads: a layout change, never an
      // empty "ok" inbox. Nothing of this read is sent; every row is read again next time.
      const unreadable = readability.verdict();
      if (!unreadable && readability.pending()) {
        // Rows found and none read, not yet sure it is a layout change: say nothing ("ok" with
        // nothing would be the lie); the runtime reads again soon. What this read took for sent
        // was not, so the next read sends it all.
        lastThread = null;
        resetAll();
        return;
      }
      if (unreadable) {
        lastThread = null;
        reportNotOk({ state: 'layout-unknown', reason: unreadable });
        resetAll();
        return;
      }
    } catch (e) {
      log('reading the page failed', e);
      lastThread = null;
      // Parsed rows may not have been compared with what was sent: parse them all again next time
      // (deliveries are kept, so only real differences are sent).
      chatCache = new WeakMap();
      msgCache = new WeakMap();
      dirtyChats.clear();
      dirtyMsgs.clear();
      chatsStale = true;
    }

    if (chats.length === 0 && !thread && healthKey === sentHealth) return;
    sentHealth = healthKey;
    if (thread && thread.messages.length > LIMITS.messagesPerBatch) {
      // Split long runs, each chunk overlapping the previous by one message (its anchor).
      const step = LIMITS.messagesPerBatch - 1;
      for (let i = 0; i < thread.messages.length - 1; i += step) {
        const part = { conversation: thread.conversation, messages: thread.messages.slice(i, i + LIMITS.messagesPerBatch) };
        enqueue(ingest(health, i === 0 ? chats : [], part));
      }
    } else {
      enqueue(ingest(health, chats, thread));
    }
  }

  /**
   * A state other than ok: what the page shows meanwhile is not read (back to ok, everything is
   * parsed and sent again). The first report of each state carries the layout report: the
   * structure of the page part the adapter reads, without its text, for a bug report.
   */
  function reportNotOk(health: HealthReport): void {
    const healthKey = `${health.state}|${health.reason ?? ''}`;
    if (healthKey !== sentHealth) {
      sentHealth = healthKey;
      resetAll();
      enqueue(ingest(health, [], null, layoutReportFor(health)));
    } else {
      chatCache = new WeakMap();
      msgCache = new WeakMap();
      dirtyChats.clear();
      dirtyMsgs.clear();
    }
  }

  function layoutReportFor(health: HealthReport): string | undefined {
    // Outside the messages area, or a page still loading (often, briefly): nothing worth reporting.
    if (health.state === 'inactive' || health.state === 'loading') return undefined;
    try {
      return buildLayoutReport(doc, adapter, { state: health.state, reason: health.reason });
    } catch (e) {
      log('building the layout report failed', e);
      return undefined;
    }
  }

  /** Remember an outgoing bubble the first time it is parsed (see outgoingSeen). */
  function noteOutgoing(m: MessageSnapshot, now: number): void {
    // A bubble the app marked "Not sent" was never posted: no later attempt may take it for one.
    if (!m.sender.isSelf || m.status === 'failed' || outgoingSeen.has(m.nativeId)) return;
    // A bubble already there when the page (re)loaded, or loaded from history, is not new: its
    // own time bounds when it appeared, so an older reply with the same text is never taken
    // for the echo of a post still to be made.
    const span = m.timePrecision === 'minute' ? 60_000 : m.timePrecision === 'day' ? 86_400_000 : null;
    const firstSeen = m.sentAt !== null && span !== null ? Math.min(now, m.sentAt + span) : now;
    outgoingSeen.set(m.nativeId, { text: m.text, firstSeen });
    if (outgoingSeen.size > 500) outgoingSeen.delete(outgoingSeen.keys().next().value!);
  }

  /**
   * The contiguous DOM run covering every changed message plus one unchanged neighbour on each
   * side (the anchors that tell the store where new messages go). Only rows parsed in this read
   * can have changed (the others are the snapshots compared when they were parsed), so only they
   * are compared with what was sent; a new thread, or a forced read, sends every row.
   */
  function changedThread(force: boolean): ThreadSnapshot | null {
    const t = readThread();
    if (!t) return null;
    const switched = t.conversation.nativeId !== sentThreadId;
    const all = switched || force;
    let first = -1;
    let last = -1;
    const now = Date.now();
    const consider = (i: number) => {
      const m = t.messages[i]!;
      noteOutgoing(m, now);
      if (!all) {
        stats.comparisons++;
        const sent = sentMsgs.get(m.nativeId);
        if (sent && JSON.stringify(sent) === JSON.stringify(m)) return;
      }
      sentMsgs.set(m.nativeId, m);
      if (first < 0) first = i;
      last = i;
    };
    if (all) t.messages.forEach((_, i) => consider(i));
    else t.parsed.forEach(consider);
    if (switched) sentThreadId = t.conversation.nativeId;
    if (first < 0) return switched ? { conversation: t.conversation, messages: [] } : null;
    const from = Math.max(0, first - 1);
    const to = Math.min(t.messages.length, last + 2);
    return { conversation: t.conversation, messages: t.messages.slice(from, to) };
  }

  function ingest(health: HealthReport, conversations: ConversationSnapshot[], thread: ThreadSnapshot | null, report?: string): Ingest {
    return {
      type: 'ingest',
      platform: adapter.platform,
      batchId: `${runId}-${++batchSeq}`,
      health: {
        state: health.state,
        ...(health.reason ? { reason: health.reason.slice(0, LIMITS.previewChars) } : {}),
        ...(report ? { report: report.slice(0, LIMITS.layoutReportChars) } : {}),
      },
      conversations,
      thread,
    };
  }

  // ---- delivering (at least once; the merge makes it exactly-once in effect) ----
  function enqueue(message: FromContent): void {
    queue.push(message);
    stats.batches++;
    if (queue.length > 50) {
      // The background has been unreachable for a long while: drop the backlog and resend a full
      // picture once it answers (bounded memory, nothing lost: the page still shows it all).
      queue.splice(0, queue.length - 1);
      resetAll();
      schedule();
    }
    void pump();
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    let backoff = 200;
    while (queue.length && !stopped) {
      const message = queue[0]!;
      let delivered = false;
      try {
        const reply = (await transport.send(message)) as { ok?: boolean; error?: string } | undefined;
        if (reply?.ok) delivered = true;
        else if (reply && reply.ok === false) {
          // Rejected by the schema: retrying would not help. Logged for the developer.
          log('background rejected a message', reply.error);
          delivered = true;
        }
      } catch (e) {
        log('background unreachable, will retry', String(e));
      }
      if (delivered) {
        queue.shift();
        backoff = 200;
      } else {
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
    pumping = false;
    settle();
  }

  function settle(): void {
    if (queue.length || timer || pumping) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((w) => w());
  }

  // ---- sending ----
  const sends = new Map<string, Promise<SendResult>>();
  const failedSends = new Set<string>();
  let sendChain: Promise<unknown> = Promise.resolve();
  transport.onCommand(async (raw) => {
    const cmd: SendCommand | null = readSendCommand(raw);
    if (!cmd) {
      log('rejected a malformed command');
      return { accepted: false, reason: 'invalid' };
    }
    const known = sends.get(cmd.outboxId);
    if (known && !failedSends.has(cmd.outboxId)) {
      // The same reply asked again while posting or after it was posted (worker restarted): report
      // the verdict again, never post twice.
      void known.then((result) => enqueue(result));
      return { accepted: true };
    }
    // Asked again after this page reported a failure: the user pressed Retry (the background asks
    // nothing else of a failed reply), so this is a new attempt; it checks for an echo first.
    failedSends.delete(cmd.outboxId);
    // Not into a page whose rows cannot be read either: the echo check could not see the post.
    if (adapter.health(doc).state !== 'ok' || readability.verdict()) return { accepted: false, reason: 'not-ready' };
    const run = sendChain.then(() => {
      // A re-dispatch right after a (re)load can arrive before the page was first read: read it now,
      // so the echo check sees every outgoing bubble the page shows and never posts a second time.
      if (cmd.checkEchoFirst && timer) {
        clearTimeout(timer);
        flush();
      }
      sendTouched = new Set();
      return performSend(adapter, doc, cmd, { echoTimeoutMs: opts.echoTimeoutMs, outgoingSeen, outgoing: outgoingNow }).finally(() => {
        sendTouched = null;
      });
    });
    const result = run.catch(
      (e): SendResult => ({ type: 'send-result', platform: adapter.platform, outboxId: cmd.outboxId, ok: false, reason: 'composer-rejected', detail: String(e).slice(0, 500) }),
    );
    sends.set(cmd.outboxId, result);
    sendChain = result;
    void result.then((r) => {
      if (!r.ok) failedSends.add(cmd.outboxId);
      enqueue(r);
      schedule(); // report the echo bubble promptly too
    });
    return { accepted: true };
  });

  // ---- start ----
  observer.observe(doc.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: OBSERVED_ATTRIBUTES,
  });
  const onNav = () => schedule();
  win.addEventListener('popstate', onNav);
  win.addEventListener('hashchange', onNav);
  // Client-side navigation with history.pushState fires no event: a cheap URL check catches it.
  const urlPoll = setInterval(() => {
    if (win.location.href !== lastUrl) schedule();
  }, 1_000);
  enqueue({ type: 'hello', platform: adapter.platform });
  schedule();

  return {
    stats,
    idle() {
      if (queue.length === 0 && !timer && !pumping) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
    stop() {
      stopped = true;
      observer.disconnect();
      clearTimeout(timer);
      clearInterval(urlPoll);
      win.removeEventListener('popstate', onNav);
      win.removeEventListener('hashchange', onNav);
    },
  };
}
