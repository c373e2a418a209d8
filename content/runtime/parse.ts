// Parsing what the page shows, row by row: per-node parse caches, so a read parses only the rows
// that mutated (a node a virtual list reuses for another message mutates too). The thread's row
// list (which the merge needs to place new messages next to their DOM neighbours) is kept from
// read to read: rows that arrived as whole nodes below the last one extend it, and a read walks
// only from the first changed row down, so one new message costs the same at 200 rows as at
// 20,000. Anything else that reshaped the thread (a removal, a wrapper, a switch) walks it all.
// A walk may stop after a number of parsed rows (a long thread's first read, in chunks: the page
// gets its main thread back between them and the first batch goes out before the rest is parsed);
// the next read resumes where it stopped.
import { LIMITS, type ConversationSnapshot, type MessageSnapshot, type ThreadSnapshot } from '../../lib/shared/model';
import type { PlatformAdapter } from '../adapter';
import { ReadabilityWatch } from '../readability';
import type { DirtyRows } from './observe';
import type { RuntimeStats } from './types';

export interface ThreadRead {
  conversation: ThreadSnapshot['conversation'];
  messages: MessageSnapshot[];
  /** Indices into `messages` of the snapshots parsed in this read (new or changed rows), ascending. */
  parsed: number[];
  /** The walk stopped at its budget: rows below the last message are not read yet (the next read resumes). */
  partial: boolean;
}

/** The open thread as last read: messages in DOM order, each with its row. */
export interface LastThread {
  conversation: ThreadSnapshot['conversation'];
  messages: MessageSnapshot[];
  rows: Element[];
}

export interface PageParse {
  /** The chat rows the last chat-list read found, each with the native id it shows. */
  lastChats: readonly { id: string; row: Element }[];
  /**
   * The rank a chat-list row gets (null: its index among the rendered rows, right when the list is
   * at its top). A sweep sets it while it reads windows far below the top: see content/runtime/sweep.ts.
   */
  chatRank: ((nativeId: string) => number) | null;
  /** The row list of the last thread read (rows that moved are parsed again, see readsRowsAbove). */
  lastRows: readonly Element[];
  /** The open thread at the last read that read it; null when that read did not. */
  lastThread: LastThread | null;
  /** Whether rows are found but none reads (a layout change the adapter's health did not see). */
  readonly readability: ReadabilityWatch;
  /** Forget every parse: the next read parses every row (and the whole chat list) again. */
  forgetParses(): void;
  /** The chat list, top to bottom, each with its rank; dirty and new rows parsed, the rest cached. */
  readChats(): ConversationSnapshot[];
  /**
   * The open thread, or null when none is open or its title cannot be read. `sameConversation`:
   * nothing outside the rows changed since the last read (the caller knows), so the open
   * conversation that read found is still the one open. `budget`: the most rows this read
   * parses; past it the walk stops (`partial`) and the next read goes on from there.
   */
  readThread(sameConversation?: boolean, budget?: number): ThreadRead | null;
  /** Rows the last thread read parsed afresh (their nodes changed) that read as no message. */
  unreadRowsParsed: number;
  /**
   * Of those, the rows a walk that stopped at its budget had left for this one, unchanged since
   * (they were on the page when that read ran: its health held for them).
   */
  unreadCarriedRows: number;
}

/** The first index whose value is ≥ `value` in an ascending array. */
function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The element holding every row: the nearest common ancestor of the first and the last. */
function scopeOf(rows: readonly Element[]): Element | null {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) return null;
  let scope = first.parentElement;
  while (scope && !scope.contains(last)) scope = scope.parentElement;
  return scope;
}

function depthIn(el: Element, scope: Element): number {
  let depth = 0;
  for (let up: Element | null = el; up && up !== scope; up = up.parentElement) depth++;
  return depth;
}

const documentOrder = (a: Element, b: Element) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);

/** `readSoon` asks for another read (rows found but none read yet: confirm or clear it soon). */
export function createParse(
  adapter: PlatformAdapter,
  doc: Document,
  dirty: DirtyRows,
  stats: RuntimeStats,
  readSoon: () => void,
): PageParse {
  let chatCache = new WeakMap<Element, Omit<ConversationSnapshot, 'listRank'> | null>();
  let msgCache = new WeakMap<Element, MessageSnapshot | null>();
  /** The conversation the cached message snapshots were parsed for (sender names depend on it). */
  let parsedFor = '';
  /** Titles the chat list showed, by native id: the open thread's header may be unreadable. */
  const listTitles = new Map<string, string>();
  const readability = new ReadabilityWatch(adapter.selectors);
  /** The open conversation the last thread read found. */
  let lastOpen: ThreadSnapshot['conversation'] | null = null;
  /** Each row of `lastRows` → its index. */
  let rowIndex = new Map<Element, number>();
  /** The last thread read's messages, their rows, and each one's index in `lastRows` (ascending). */
  const msgs: MessageSnapshot[] = [];
  const msgRows: Element[] = [];
  const msgRowIndex: number[] = [];
  /** Where a walk that stopped at its budget goes on (an index into `lastRows`); null: it went to the end. */
  let resumeAt: number | null = null;
  /** Whether the rows from `resumeAt` on are to be derived again (a row above them changed: readsRowsAbove). */
  let resumeChangedAbove = false;

  function walkAll(): { rows: readonly Element[]; from: number } {
    const rows = adapter.messageRows(doc);
    rowIndex = new Map();
    rows.forEach((row, i) => rowIndex.set(row, i));
    return { rows, from: 0 };
  }

  /**
   * The thread's rows now, and the first index a read must walk from. The last read's list is
   * reused when only its own rows changed in place and whole rows were added below its last row,
   * at that row's depth in the thread's container (as an app appends a message); otherwise (a new
   * conversation, a removal, a wrapper, a changed row the list does not hold) every row is walked.
   */
  function rowsNow(reset: boolean): { rows: readonly Element[]; from: number } {
    const last = self.lastRows;
    const scope = dirty.threadScope;
    if (reset || dirty.threadReshaped || last.length === 0 || !scope?.isConnected) return walkAll();
    const added = new Set(dirty.addedMessageRows);
    let from = last.length;
    for (const row of dirty.messages) {
      const i = rowIndex.get(row);
      if (i !== undefined) from = Math.min(from, i);
      else if (!added.has(row)) return walkAll();
    }
    if (added.size === 0) return { rows: last, from };
    const tail = last[last.length - 1]!;
    const depth = depthIn(tail, scope);
    const fresh = [...added].sort(documentOrder);
    for (const row of fresh) {
      const where = tail.compareDocumentPosition(row);
      const below = (where & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 && (where & Node.DOCUMENT_POSITION_CONTAINED_BY) === 0;
      if (rowIndex.has(row) || !row.isConnected || !below || !scope.contains(row) || depthIn(row, scope) !== depth) return walkAll();
    }
    // Extended in place: a copy of a 20,000-row list on every append cost more than the rest of the read.
    const rows = last as Element[];
    for (const row of fresh) {
      rowIndex.set(row, rows.length);
      rows.push(row);
    }
    return { rows, from };
  }

  const self: PageParse = {
    lastChats: [],
    chatRank: null,
    lastRows: [],
    lastThread: null,
    unreadRowsParsed: 0,
    unreadCarriedRows: 0,
    readability,

    forgetParses() {
      chatCache = new WeakMap();
      msgCache = new WeakMap();
      dirty.chats.clear();
      dirty.messages.clear();
      dirty.chatsStale = true;
      dirty.threadReshaped = true;
      dirty.pageReshaped = true;
    },

    readChats() {
      const out: ConversationSnapshot[] = [];
      const seen: { id: string; row: Element }[] = [];
      stats.chatReads++;
      const rows = adapter.chatRows(doc);
      rows.forEach((row) => {
        let snap = chatCache.get(row);
        if (snap === undefined || dirty.chats.has(row)) {
          snap = adapter.parseChatRow(row);
          chatCache.set(row, snap);
          stats.rowsParsed++;
        }
        if (snap) {
          out.push({ ...snap, listRank: self.chatRank ? self.chatRank(snap.nativeId) : out.length });
          seen.push({ id: snap.nativeId, row });
          if (snap.title.trim()) listTitles.set(snap.nativeId, snap.title);
        }
      });
      self.lastChats = seen;
      readability.noteChats(rows, out.length, (i) => chatCache.get(rows[i]!) != null);
      return out.slice(0, LIMITS.conversationsPerBatch);
    },

    readThread(sameConversation = false, budget = Infinity) {
      self.lastThread = null;
      self.unreadRowsParsed = 0;
      self.unreadCarriedRows = 0;
      const open = sameConversation && lastOpen ? lastOpen : adapter.openConversation(doc);
      lastOpen = open;
      // A thread whose title cannot be read (header changed) would become an untitled conversation:
      // take the chat list's title, else hold the thread back until one is readable. Its changed
      // rows lose their cached parse, so they are parsed, compared and sent then.
      const title = open ? (open.title.trim() ? open.title : listTitles.get(open.nativeId)) : undefined;
      if (!open || !title) {
        resumeAt = null;
        readability.noThread();
        dirty.messages.forEach((row) => msgCache.delete(row));
        dirty.messages.clear();
        dirty.threadReshaped = true;
        return null;
      }
      const conversation = { ...open, title };
      const key = JSON.stringify(conversation);
      const switched = key !== parsedFor;
      if (switched) {
        // Another conversation, or the same one now known as a group: snapshots carry its title and
        // group-ness (sender names), so every row is parsed again.
        msgCache = new WeakMap();
        parsedFor = key;
      }
      // The list as the last read left it (rowsNow may extend it in place: rows from its old length on are new).
      const previous = self.lastRows;
      const previousLength = previous.length;
      const now = rowsNow(switched);
      const { rows } = now;
      // A walk that stopped short goes on where it stopped (or from higher up, if a row there changed).
      const from = resumeAt === null || switched ? now.from : Math.min(now.from, resumeAt, rows.length);
      // Rows from here on that no change touched are the ones a stopped walk left (the list kept, not walked again).
      const carriedFrom = resumeAt !== null && !switched && rows === previous ? resumeAt : Infinity;
      // Rows above `from` are the last read's, unchanged and unmoved: their messages are kept as
      // they were; only the rest is walked (on an append, the new rows alone).
      // Cut back in place, not copied (each holds a message per row: see rowsNow). Nothing keeps the
      // last read's arrays past that read (lastThread is read at once, and copied where kept).
      const kept = from === 0 ? 0 : firstAtOrAfter(msgRowIndex, from);
      msgs.length = kept;
      msgRows.length = kept;
      msgRowIndex.length = kept;
      const messages = msgs;
      const messageRowsOf = msgRows;
      const rowIndexOf = msgRowIndex;
      const parsed: number[] = [];
      // For an adapter whose snapshots depend on the rows above: once a row above changed, moved or
      // went away, every row below is parsed again (cheaply: its own node is known unchanged).
      // Going on where a walk stopped: whether rows had to be derived again there goes on too.
      let changedAbove = from === carriedFrom && resumeChangedAbove;
      let unread = 0;
      let unreadCarried = 0;
      let spent = 0;
      let stop = rows.length;
      for (let index = from; index < rows.length; index++) {
        if (spent >= budget) {
          stop = index;
          break;
        }
        const row = rows[index]!;
        let snap = msgCache.get(row);
        const touched = dirty.messages.has(row);
        const nodeChanged = snap === undefined || touched;
        if (adapter.readsRowsAbove && (index >= previousLength || previous[index] !== row)) changedAbove = true;
        if (nodeChanged || (changedAbove && adapter.readsRowsAbove)) {
          snap = adapter.parseMessageRow(row, conversation, { rows, index, nodeChanged });
          msgCache.set(row, snap);
          stats.rowsParsed++;
          spent++;
          if (snap) parsed.push(messages.length);
          else if (nodeChanged) {
            unread++;
            if (!touched && index >= carriedFrom) unreadCarried++;
          }
          changedAbove = true;
        }
        if (snap) {
          messages.push(snap);
          messageRowsOf.push(row);
          rowIndexOf.push(index);
        }
      }
      const partial = stop < rows.length;
      // Rows past the stop that changed stay marked: the walk that goes on parses them afresh.
      if (partial) dirty.messages.forEach((row) => (rowIndex.get(row) ?? -1) < stop && dirty.messages.delete(row));
      else dirty.messages.clear();
      dirty.addedMessageRows.length = 0;
      dirty.threadReshaped = false;
      dirty.threadScope = scopeOf(rows);
      self.lastRows = rows;
      self.unreadRowsParsed = unread;
      self.unreadCarriedRows = unreadCarried;
      resumeAt = partial ? stop : null;
      resumeChangedAbove = partial && changedAbove;
      // Only the rows walked so far count for whether rows read (the rest are not read yet).
      readability.noteMessages(partial ? rows.slice(0, stop) : rows, messages, messageRowsOf);
      if (readability.messagesPending()) readSoon();
      self.lastThread = { conversation, messages, rows: messageRowsOf };
      return { conversation, messages, parsed, partial };
    },
  };
  return self;
}
