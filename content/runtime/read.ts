// Reading and diffing: one read checks the adapter's health, takes what changed in the chat list
// and the open thread since it was last sent (cost proportional to what changed: only rows parsed
// in this read are compared), and queues it as batches. A state other than ok, or rows that none
// reads, is reported with a layout report instead.
import { LIMITS, type ConversationSnapshot, type MessageSnapshot, type ThreadSnapshot } from '../../lib/shared/model';
import type { FromContent, Ingest } from '../../lib/shared/protocol';
import type { HealthReport, PlatformAdapter } from '../adapter';
import { buildLayoutReport } from '../layout-report';
import type { DirtyRows } from './observe';
import type { PageParse, ThreadRead } from './parse';
import type { Log, RuntimeStats } from './types';

export interface ReaderDeps {
  adapter: PlatformAdapter;
  doc: Document;
  parse: PageParse;
  dirty: DirtyRows;
  stats: RuntimeStats;
  log: Log;
  /** Ask for another read soon. */
  readSoon(): void;
  enqueue(message: FromContent): void;
  /** Each message compared in a read (outgoing bubbles are remembered for the send path). */
  noteMessage(m: MessageSnapshot, now: number): void;
}

const healthKeyOf = (h: HealthReport) => `${h.state}|${h.reason ?? ''}`;

export interface PageReader {
  /**
   * One read of the page at `url` (`urlChanged`: the open thread is sent whole), parsing at most
   * `budget` thread rows. Returns true when the thread walk stopped at the budget: the rows below
   * are read by the next read.
   */
  read(url: string, urlChanged: boolean, budget?: number): boolean;
  /** Forget every parse and every delivery: the next read parses and sends the whole page. */
  forgetAll(): void;
}

export function createReader(deps: ReaderDeps): PageReader {
  const { adapter, doc, parse, dirty, stats, log } = deps;
  // What the background has been sent (by native id), so unchanged rows are not re-sent.
  let sentChats = new Map<string, string>();
  let sentMsgs = new Map<string, MessageSnapshot>();
  let sentHealth = '';
  let sentThreadId: string | null = null;
  /** Whether the last read found the page ok (its health may then be kept while only rows change). */
  let wasOk = false;
  /**
   * Whether the rows a stopped read left for the next were on the page when the adapter's health
   * was last asked (a long thread's first read asks once, not once per chunk).
   */
  let remainderChecked = false;
  let batchSeq = 0;
  const runId = Math.random().toString(36).slice(2, 10);

  function forgetAll(): void {
    parse.forgetParses();
    sentChats = new Map();
    sentMsgs = new Map();
    sentThreadId = null;
  }

  /** The adapter's health (which may search the whole page), or the state it cannot leave. */
  function healthAt(url: string): HealthReport {
    try {
      return adapter.isActiveUrl(new URL(url)) ? adapter.health(doc) : { state: 'inactive', reason: 'outside the messages area' };
    } catch (e) {
      return { state: 'layout-unknown', reason: `adapter failed: ${String(e)}` };
    }
  }

  function read(url: string, urlChanged: boolean, budget = Infinity): boolean {
    if (urlChanged) dirty.chatsStale = true;
    let partial = false;

    parse.lastThread = null;
    // Only rows changed since an ok read (in place, or whole rows added): nothing that makes a
    // page a login screen, a PIN prompt or an unknown layout changed, so that read's health holds
    // (rows that did not read are checked below). Anything else asks the adapter again.
    const rowsOnly = wasOk && !urlChanged && !dirty.pageReshaped;
    const health: HealthReport = rowsOnly ? { state: 'ok' } : healthAt(url);
    let asked = !rowsOnly;
    const carriedChecked = remainderChecked;
    remainderChecked = false;
    dirty.pageReshaped = false;
    wasOk = health.state === 'ok';
    if (health.state !== 'ok') {
      parse.readability.reset();
      reportNotOk(health);
      return false;
    }

    let chats: ConversationSnapshot[] = [];
    let thread: ThreadSnapshot | null = null;
    try {
      // The open conversation too, unless its list row changed (its title may come from there).
      const sameConversation = rowsOnly && !dirty.chatsStale && dirty.chats.size === 0;
      chats = changedChats();
      ({ thread, partial } = changedThread(urlChanged, sameConversation, budget));
      // Rows a stopped read left count only when its health did not cover them (every chunk of a
      // long thread has date dividers: asking per chunk searched the whole page each time).
      const unreadNew = parse.unreadRowsParsed - (carriedChecked ? parse.unreadCarriedRows : 0);
      if (rowsOnly && unreadNew > 0) {
        // Changed rows that read as no message (a divider, or a new shape): ask the adapter after all.
        asked = true;
        const now = healthAt(url);
        if (now.state !== 'ok') {
          wasOk = false;
          parse.lastThread = null;
          parse.readability.reset();
          reportNotOk(now);
          return false;
        }
      }
      // The adapter says ok, but rows are there and none of them reads: a layout change, never an
      // empty "ok" inbox. Nothing of this read is sent; every row is read again next time.
      const unreadable = parse.readability.verdict();
      if (!unreadable && parse.readability.pending()) {
        // Rows found and none read, not yet sure it is a layout change: say nothing ("ok" with
        // nothing would be the lie); the runtime reads again soon. What this read took for sent
        // was not, so the next read sends it all.
        parse.lastThread = null;
        forgetAll();
        return false;
      }
      if (unreadable) {
        parse.lastThread = null;
        reportNotOk({ state: 'layout-unknown', reason: unreadable });
        forgetAll();
        return false;
      }
    } catch (e) {
      log('reading the page failed', e);
      parse.lastThread = null;
      // Parsed rows may not have been compared with what was sent: parse them all again next time
      // (deliveries are kept, so only real differences are sent).
      parse.forgetParses();
      partial = false;
    }

    remainderChecked = partial && (asked || carriedChecked);
    const healthKey = healthKeyOf(health);
    if (chats.length === 0 && !thread && healthKey === sentHealth) return partial;
    sentHealth = healthKey;
    queueRead(health, chats, thread);
    return partial;
  }

  /** Queue one read's changes; long runs split, each chunk overlapping the previous by one message (its anchor). */
  function queueRead(health: HealthReport, chats: ConversationSnapshot[], thread: ThreadSnapshot | null): void {
    if (!thread || thread.messages.length <= LIMITS.messagesPerBatch) {
      deps.enqueue(ingest(health, chats, thread));
      return;
    }
    const step = LIMITS.messagesPerBatch - 1;
    for (let i = 0; i < thread.messages.length - 1; i += step) {
      const part = { conversation: thread.conversation, messages: thread.messages.slice(i, i + LIMITS.messagesPerBatch) };
      deps.enqueue(ingest(health, i === 0 ? chats : [], part));
    }
  }

  /**
   * A state other than ok: what the page shows meanwhile is not read (back to ok, everything is
   * parsed and sent again). The first report of each state carries the layout report: the
   * structure of the page part the adapter reads, without its text, for a bug report.
   */
  function reportNotOk(health: HealthReport): void {
    const healthKey = healthKeyOf(health);
    if (healthKey !== sentHealth) {
      sentHealth = healthKey;
      forgetAll();
      deps.enqueue(ingest(health, [], null, layoutReportFor(health)));
    } else {
      parse.forgetParses();
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

  /** The chat-list rows that differ from what was sent (rank included), or none when nothing there changed. */
  function changedChats(): ConversationSnapshot[] {
    if (!dirty.chatsStale && dirty.chats.size === 0) return [];
    const chats = parse.readChats().filter((c) => {
      const sig = JSON.stringify(c);
      if (sentChats.get(c.nativeId) === sig) return false;
      sentChats.set(c.nativeId, sig);
      return true;
    });
    // Rows found but none read: read the list again soon to confirm (or clear) the suspicion.
    dirty.chatsStale = parse.readability.chatsPending();
    if (dirty.chatsStale) deps.readSoon();
    dirty.chats.clear();
    return chats;
  }

  /** The open thread's changed run (see changedRun), and whether its walk stopped at the budget. */
  function changedThread(force: boolean, sameConversation: boolean, budget: number): { thread: ThreadSnapshot | null; partial: boolean } {
    const t = parse.readThread(sameConversation, budget);
    if (!t) return { thread: null, partial: false };
    return { thread: changedRun(t, force), partial: t.partial };
  }

  /**
   * The contiguous DOM run covering every changed message plus one unchanged neighbour on each
   * side (the anchors that tell the store where new messages go). Only rows parsed in this read
   * can have changed (the others are the snapshots compared when they were parsed), so only they
   * are compared with what was sent; a new thread, or a forced read, sends every row.
   */
  function changedRun(t: ThreadRead, force: boolean): ThreadSnapshot | null {
    const switched = t.conversation.nativeId !== sentThreadId;
    const all = switched || force;
    let first = -1;
    let last = -1;
    const now = Date.now();
    const consider = (i: number) => {
      const m = t.messages[i]!;
      deps.noteMessage(m, now);
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

  return { read, forgetAll };
}
