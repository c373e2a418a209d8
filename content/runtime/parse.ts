// Parsing what the page shows, row by row: per-node parse caches, so a read parses only the rows
// that mutated (a node a virtual list reuses for another message mutates too). Only the rendered
// thread's row list is walked per read, which the merge needs to place new messages next to their
// DOM neighbours.
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
  /** The open thread, or null when none is open or its title cannot be read. */
  readThread(): ThreadRead | null;
}

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

  const self: PageParse = {
    lastChats: [],
    chatRank: null,
    lastRows: [],
    lastThread: null,
    readability,

    forgetParses() {
      chatCache = new WeakMap();
      msgCache = new WeakMap();
      dirty.chats.clear();
      dirty.messages.clear();
      dirty.chatsStale = true;
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

    readThread() {
      self.lastThread = null;
      const open = adapter.openConversation(doc);
      // A thread whose title cannot be read (header changed) would become an untitled conversation:
      // take the chat list's title, else hold the thread back until one is readable. Its changed
      // rows lose their cached parse, so they are parsed, compared and sent then.
      const title = open ? (open.title.trim() ? open.title : listTitles.get(open.nativeId)) : undefined;
      if (!open || !title) {
        readability.noThread();
        dirty.messages.forEach((row) => msgCache.delete(row));
        dirty.messages.clear();
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
        const nodeChanged = snap === undefined || dirty.messages.has(row);
        if (adapter.readsRowsAbove && self.lastRows[index] !== row) changedAbove = true;
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
      dirty.messages.clear();
      self.lastRows = rows;
      readability.noteMessages(
        rows,
        messages.map((snap, i) => ({ snap, row: messageRowsOf[i]! })),
      );
      if (readability.messagesPending()) readSoon();
      self.lastThread = { conversation, messages, rows: messageRowsOf };
      return { conversation, messages, parsed };
    },
  };
  return self;
}
