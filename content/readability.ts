// Health that cannot lie: the adapter's health() checks that its containers are there, but a page
// whose rows are all there and none of which reads is a layout change too (field guide 2026: every
// peer broke that way at least once), not an empty inbox. The runtime tells this watch what each
// read found; the watch answers with a layout-unknown reason once it is sure, naming what is missing.
import type { MessageSnapshot } from '../lib/shared/model';

/** Readings in a row that must find rows and read none (caprine trusts an empty list after three). */
export const UNREADABLE_READINGS = 3;
/** Chat rows all unreadable in one reading that are a layout change at once (a list row is always a chat). */
export const UNREADABLE_CHATS_AT_ONCE = 3;
/**
 * Message rows with content (text or media) needed before "none reads" counts: a thread of a date
 * break and one notice, or of empty virtualisation placeholders, is not a broken one.
 */
export const CONTENT_ROWS_NEEDED = 3;
/** A thread that reads only as system notices is believed only with this many rows (a new group has a few). */
export const SYSTEM_ONLY_ROWS_NEEDED = 10;
/** Rows looked at per reading for which anchors they hold (bounded cost on long lists). */
const SAMPLE = 20;

type Selectors = Readonly<Record<string, string>>;

function matchesIn(row: Element, selector: string): boolean {
  try {
    return row.matches(selector) || row.querySelector(selector) !== null;
  } catch {
    return false; // a selector this DOM cannot parse matches nothing
  }
}

function looksLikeContent(row: Element): boolean {
  return (row.textContent ?? '').trim() !== '' || row.querySelector('img, video, audio') !== null;
}

/** One kind of row (chat list or thread): the streak of unreadable readings and the anchors rows had when they read. */
class Track {
  streak = 0;
  verdict: string | null = null;
  /** Names of the selectors every readable row held (learnt once, from the first readable reading). */
  private baseline: string[] | null = null;

  constructor(
    private readonly label: string,
    private readonly selectors: Selectors,
  ) {}

  readable(rows: readonly Element[]): void {
    this.streak = 0;
    this.verdict = null;
    if (this.baseline || rows.length === 0) return;
    const sample = rows.slice(0, 5);
    this.baseline = Object.entries(this.selectors)
      .filter(([, sel]) => sample.every((r) => matchesIn(r, sel)))
      .map(([name]) => name);
  }

  /** Nothing to judge (no rows, or rows that may well be empty): no streak. */
  clear(): void {
    this.streak = 0;
    this.verdict = null;
  }

  unreadable(rows: readonly Element[], needed: number): void {
    this.streak++;
    if (this.streak < needed) return;
    const sample = rows.slice(0, SAMPLE);
    const missing = (this.baseline ?? []).filter((name) => !sample.some((r) => matchesIn(r, this.selectors[name]!)));
    this.verdict =
      `${this.label} found (${rows.length}) but none readable` +
      (missing.length ? `; no row has ${missing.slice(0, 6).join(', ')} any more` : '');
  }

  get pending(): boolean {
    return this.streak > 0 && this.verdict === null;
  }
}

export class ReadabilityWatch {
  private readonly chats: Track;
  private readonly messages: Track;

  constructor(selectors: Selectors) {
    this.chats = new Track('chat rows', selectors);
    this.messages = new Track('message rows', selectors);
  }

  /** A read of the chat list: its rows, and whether row i read as a conversation. */
  noteChats(rows: readonly Element[], readable: number, readableAt: (i: number) => boolean): void {
    if (rows.length === 0) return this.chats.clear();
    if (readable > 0) return this.chats.readable(rows.filter((_, i) => readableAt(i)));
    this.chats.unreadable(rows, rows.length >= UNREADABLE_CHATS_AT_ONCE ? 1 : UNREADABLE_READINGS);
  }

  /**
   * A read of the open thread: its rows, and the snapshots read from them with the row each came
   * from (aligned). Looks at the first few real messages only, so a long thread costs no more.
   */
  noteMessages(rows: readonly Element[], snaps: readonly MessageSnapshot[], snapRows: readonly Element[]): void {
    const real: Element[] = [];
    for (let i = 0; i < snaps.length && real.length < 5; i++) if (!snaps[i]!.system) real.push(snapRows[i]!);
    if (real.length > 0) return this.messages.readable(real);
    if (rows.length === 0) return this.messages.clear();
    let content = 0;
    for (const r of rows) if (looksLikeContent(r)) content++;
    const needed = snaps.length > 0 ? SYSTEM_ONLY_ROWS_NEEDED : CONTENT_ROWS_NEEDED;
    if (content < needed) return this.messages.clear();
    this.messages.unreadable(rows, UNREADABLE_READINGS);
  }

  /** No thread is open (or it could not be read for another reason). */
  noThread(): void {
    this.messages.clear();
  }

  /** The adapter itself reported a state other than ok: start over when it is ok again. */
  reset(): void {
    this.chats.clear();
    this.messages.clear();
  }

  chatsPending(): boolean {
    return this.chats.pending;
  }

  /** A suspicion of either kind awaiting its confirming readings. */
  pending(): boolean {
    return this.chats.pending || this.messages.pending;
  }

  messagesPending(): boolean {
    return this.messages.pending;
  }

  /** The layout-unknown reason, once rows were found and none read long enough to be sure. */
  verdict(): string | null {
    return this.chats.verdict ?? this.messages.verdict;
  }
}
