// The one interface every platform adapter implements. Everything platform-specific (selectors,
// labels, URL shapes, how to send) lives behind it in content/<platform>/; the shared content
// runtime (content/runtime/) does observing, batching, reporting and the send protocol.
import type { AdapterHealthState, ConversationSnapshot, MessageSnapshot, Platform, ThreadSnapshot } from '../lib/shared/model';

export interface HealthReport {
  state: AdapterHealthState;
  /** Which anchor is missing, in words: shown to the user and counted. */
  reason?: string;
}

/**
 * Where a row sits in the read that parses it, so an adapter that derives facts from the rows
 * above (Instagram's day and sender, Messenger's positional ids) looks back a step instead of
 * querying the whole thread per row.
 */
export interface RowContext {
  /** Every row of this read, as messageRows() returned them (the same array for the whole read). */
  rows: readonly Element[];
  /** This row's index in `rows`. */
  index: number;
  /**
   * Whether the row's own node may have changed since the adapter last parsed it: false only when
   * it did not mutate and just the rows above it changed, so what the adapter read from the node
   * itself may be reused.
   */
  nodeChanged: boolean;
}

export interface ConversationTarget {
  nativeId: string;
  title: string;
}

/**
 * What a sweep (lib/shared/sweep.ts: "Read all chats", "Load older messages") needs to know of the
 * page: which elements scroll, and whether the app shows it is loading more. Each adapter's facts
 * live in content/<platform>/sweep.ts, traced to the field guide.
 */
export interface SweepSurfaces {
  /** The element that scrolls the chat list, or null when the page shows none. */
  chatListScroller(doc: Document): HTMLElement | null;
  /** The element that scrolls the open thread, or null when none is open. */
  threadScroller(doc: Document): HTMLElement | null;
  /** Whether the app shows an indicator while it loads more rows there (else only new rows tell). */
  readonly showsLoading: Readonly<Record<'chats' | 'thread', boolean>>;
  /** Whether that indicator is shown now. */
  loadingMore(doc: Document, where: 'chats' | 'thread'): boolean;
}

export interface PlatformAdapter {
  readonly platform: Platform;
  /**
   * Every selector the adapter reads, by name (its selectors.ts): the layout report counts their
   * matches, and tests count them on the fixture pages so a drifted selector fails by name.
   */
  readonly selectors: Readonly<Record<string, string>>;
  /**
   * The attributes whose change can alter what the adapter reads (its selectors.ts): the runtime's
   * observer reports only these, so a change to any other attribute costs nothing.
   */
  readonly observedAttributes: readonly string[];

  /** Whether the adapter acts on this URL at all (Messenger: only under /messages). */
  isActiveUrl(url: URL): boolean;

  /**
   * Logged in and recognised, or why not. Cheap: called after each batch of mutations that is more
   * than row changes, and always before that read's rows (an adapter may note page-wide evidence
   * here that its row parsers use: WhatsApp's day/month order).
   */
  health(doc: Document): HealthReport;

  // ---- reading: row-level, so the runtime re-parses only what changed ----

  /** Rendered chat-list rows, top to bottom. */
  chatRows(doc: Document): Element[];
  /** One chat-list row → snapshot (without listRank, which the runtime sets), or null if not a conversation row. */
  parseChatRow(row: Element): Omit<ConversationSnapshot, 'listRank'> | null;

  /** The open thread's conversation, or null when none is open. */
  openConversation(doc: Document): ThreadSnapshot['conversation'] | null;
  /**
   * Rendered message rows of the open thread, top (oldest) to bottom (newest): a new array on every
   * call, which the caller owns (the runtime extends it in place as rows are appended).
   */
  messageRows(doc: Document): Element[];
  /**
   * One message row → snapshot, or null for rows that are not messages (date dividers…). Called in
   * document order within a read; without `at` the adapter finds the row's place itself.
   */
  parseMessageRow(row: Element, conversation: ThreadSnapshot['conversation'], at?: RowContext): MessageSnapshot | null;
  /**
   * Whether a row's snapshot depends on the rows above it (the day a date break above names, a
   * sender heading carried down, an id counted within its section): then a change to one row makes
   * the runtime re-parse the rows below it too (with `nodeChanged: false`), not just the changed one.
   */
  readonly readsRowsAbove?: boolean;

  /**
   * From a mutated node, the row it belongs to: lets the runtime map mutation records to the few
   * rows that changed instead of rescanning the page.
   */
  rowOf(node: Node): { kind: 'chat' | 'message'; row: Element } | null;

  // ---- sending (only ever on the user's explicit Send) ----

  /**
   * Make `target` the open thread (WhatsApp: click its row; IG/Messenger: navigate to its URL).
   * 'ambiguous' when two rows match the target and nothing tells them apart: the send is refused,
   * never posted to a guess.
   */
  navigateTo(doc: Document, target: ConversationTarget): Promise<boolean | 'ambiguous'>;
  /** The composer element of the open thread, or null. */
  composer(doc: Document): HTMLElement | null;
  /** Submit what the composer holds (WhatsApp: click Send; IG/Messenger: Enter, Send as fallback). */
  submit(doc: Document, composer: HTMLElement): Promise<boolean>;

  // ---- reading what is not rendered yet (only on the user's click; see SweepSurfaces) ----

  /** Absent: this adapter cannot sweep, and a sweep is refused as not ready. */
  readonly sweep?: SweepSurfaces;
}
