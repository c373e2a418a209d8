// Parsing what the page shows, row by row: per-node parse caches, so a read parses only the rows
// that mutated (a node a virtual list reuses for another message mutates too). Only the rendered
// thread's row list is walked per read, which the merge needs to place new messages next to their
// DOM neighbours.
import { LIMITS, type ConversationSnapshot, type MessageSnapshot, type ThreadSnapshot } from '../../lib/model';
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

export class PageParse {
  private chatCache = new WeakMap<Element, Omit<ConversationSnapshot, 'listRank'> | null>();
  private msgCache = new WeakMap<Element, MessageSnapshot | null>();
  /** The conversation the cached message snapshots were parsed for (sender names depend on it). */
  private parsedFor = '';
  /** Titles the chat list showed, by native id: the open thread's header may be unreadable. */
  private readonly listTitles = new Map<string, string>();
  /** The row list of the last thread read (rows that moved are parsed again, see readsRowsAbove). */
  lastRows: readonly Element[] = [];
  /** The open thread at the last read that read it; null when that read did not. */
  lastThread: LastThread | null = null;
  /** Whether rows are found but none reads (a layout change the adapter's health did not see). */
  readonly readability: ReadabilityWatch;

  /** `readSoon` asks for another read (rows found but none read yet: confirm or clear it soon). */
  constructor(
    private readonly adapter: PlatformAdapter,
    private readonly doc: Document,
    private readonly dirty: DirtyRows,
    private readonly stats: RuntimeStats,
    private readonly readSoon: () => void,
  ) {
    this.readability = new ReadabilityWatch(adapter.selectors);
  }

  /** Forget every parse: the next read parses every row (and the whole chat list) again. */
  forgetParses(): void {
    this.chatCache = new WeakMap();
    this.msgCache = new WeakMap();
    this.dirty.clear();
    this.dirty.chatsStale = true;
  }

  /** The chat list, top to bottom, each with its rank; dirty and new rows parsed, the rest cached. */
  readChats(): ConversationSnapshot[] {
    const out: ConversationSnapshot[] = [];
    this.stats.chatReads++;
    const rows = this.adapter.chatRows(this.doc);
    rows.forEach((row) => {
      let snap = this.chatCache.get(row);
      if (snap === undefined || this.dirty.chats.has(row)) {
        snap = this.adapter.parseChatRow(row);
        this.chatCache.set(row, snap);
        this.stats.rowsParsed++;
      }
      if (snap) {
        out.push({ ...snap, listRank: out.length });
        if (snap.title.trim()) this.listTitles.set(snap.nativeId, snap.title);
      }
    });
    this.readability.noteChats(rows, out.length, (i) => this.chatCache.get(rows[i]!) != null);
    return out.slice(0, LIMITS.conversationsPerBatch);
  }

  /** The open thread, or null when none is open or its title cannot be read. */
  readThread(): ThreadRead | null {
    this.lastThread = null;
    const { adapter, dirty } = this;
    const open = adapter.openConversation(this.doc);
    // A thread whose title cannot be read (header changed) would become an untitled conversation:
    // take the chat list's title, else hold the thread back until one is readable. Its changed rows
    // lose their cached parse, so they are parsed, compared and sent then.
    const title = open ? (open.title.trim() ? open.title : this.listTitles.get(open.nativeId)) : undefined;
    if (!open || !title) {
      this.readability.noThread();
      dirty.messages.forEach((row) => this.msgCache.delete(row));
      dirty.messages.clear();
      return null;
    }
    const conversation = { ...open, title };
    const key = JSON.stringify(conversation);
    if (key !== this.parsedFor) {
      // Another conversation, or the same one now known as a group: snapshots carry its title and
      // group-ness (sender names), so every row is parsed again.
      this.msgCache = new WeakMap();
      this.parsedFor = key;
    }
    const messages: MessageSnapshot[] = [];
    const messageRowsOf: Element[] = [];
    const parsed: number[] = [];
    const rows = adapter.messageRows(this.doc);
    // For an adapter whose snapshots depend on the rows above: once a row above changed, moved or
    // went away, every row below is parsed again (cheaply: its own node is known unchanged).
    let changedAbove = false;
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      let snap = this.msgCache.get(row);
      const nodeChanged = snap === undefined || dirty.messages.has(row);
      if (adapter.readsRowsAbove && this.lastRows[index] !== row) changedAbove = true;
      if (nodeChanged || (changedAbove && adapter.readsRowsAbove)) {
        snap = adapter.parseMessageRow(row, conversation, { rows, index, nodeChanged });
        this.msgCache.set(row, snap);
        this.stats.rowsParsed++;
        if (snap) parsed.push(messages.length);
        changedAbove = true;
      }
      if (snap) {
        messages.push(snap);
        messageRowsOf.push(row);
      }
    }
    dirty.messages.clear();
    this.lastRows = rows;
    this.readability.noteMessages(rows, messages.map((snap, i) => ({ snap, row: messageRowsOf[i]! })));
    if (this.readability.messagesPending()) this.readSoon();
    this.lastThread = { conversation, messages, rows: messageRowsOf };
    return { conversation, messages, parsed };
  }
}
