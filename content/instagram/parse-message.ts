// Instagram thread rows → message snapshots: `data-scope="messages_table"` cells with `mid.$…`
// bubble ids and `date_break` rows (a 2026 break sits inside a cell), `h6 > span` sender headings
// carried down a burst, the day carried down from the nearest break, and the "Not sent" mark of a
// failed send (its bubble has no id: one is made from its text).
import type { RowContext } from '../adapter';
import { LIMITS, type Attachment, type MessageSnapshot, type ThreadSnapshot } from '../../lib/shared/model';
import { visibleText } from '../meta/text';
import { parseDateBreak } from '../meta/time';
import { rowFlow } from '../meta/rows';
import { cap, clean, queryAll } from '../dom';
import { isOutgoing } from './direction';
import { LABELS, SEL, senderHeadingIn } from './selectors';

type OpenConversation = ThreadSnapshot['conversation'];

/** Message rows and date breaks; a break inside a messages_table cell (2026) is read through its cell. */
export function messageRows(doc: Document): Element[] {
  return messageRowsIn(doc);
}

export function messageRowsIn(root: ParentNode): Element[] {
  // One query whatever the thread's length: in document order a cell comes right before the break
  // inside it, so `contains` on the last cell tells a nested break without another query.
  const out: Element[] = [];
  let cell: Element | null = null;
  for (const el of queryAll(root, SEL.rowOrBreak)) {
    if (cell && cell.contains(el)) continue;
    if (el.getAttribute('data-scope') === 'messages_table') cell = el;
    out.push(el);
  }
  return out;
}

const NOT_SENT_WORDS: readonly string[] = LABELS.notSent;

/** Whether a label names the failed-send mark ("Not sent", "Not sent. Tap to retry", "Retry"…). */
function isNotSentLabel(label: string): boolean {
  const s = clean(label).toLowerCase();
  return NOT_SENT_WORDS.some((w) => {
    const l = w.toLowerCase();
    return s === l || s.startsWith(`${l}.`) || s.startsWith(`${l},`) || s.startsWith(`${l} ·`);
  });
}

/** The "Not sent" / "Retry" button beside a bubble in this row, if any. */
export function notSentMark(row: Element): Element | null {
  for (const b of queryAll(row, SEL.roleButton)) {
    if (isNotSentLabel(b.getAttribute('aria-label') ?? '') || isNotSentLabel(b.textContent ?? '')) return b;
  }
  return null;
}

/** A short stable token for a failed bubble's text (it has no message id). */
function textToken(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/** What a row's own node says: read once per node and kept until the node changes. */
interface RowFacts {
  /** A date break's label, else null. */
  breakLabel: string | null;
  /** The row's own sender heading (incoming bursts in groups), else null. */
  heading: string | null;
  /** Whether the row holds a bubble that sits on the outgoing side. */
  outgoing: boolean;
  /** The message the row shows, or null when it shows none. */
  message: { nativeId: string; text: string; attachments: Attachment[] } | null;
  /** The app marked the bubble "Not sent": it is on screen but was never delivered. */
  failed: boolean;
}

/** What the rows above hand down: the day the nearest date break names, the burst's sender. */
interface Carried {
  day: number | null;
  /** In a group, the sender a heading named for the incoming bubbles below it ('' after a break or an outgoing bubble). */
  sender: string;
  /** Failed bubbles from the top to here: numbers a failed bubble's id among same-text ones. */
  failedAbove: number;
}

function readRowFacts(row: Element): RowFacts {
  const none = { outgoing: false, message: null, failed: false };
  if (row.matches(SEL.dateBreak)) return { breakLabel: clean(row.textContent ?? ''), heading: null, ...none };
  // 2026: a messages_table cell holding only a date break (`h5 div[data-scope="date_break"]`).
  const innerBreak = row.querySelector(SEL.dateBreak);
  if (innerBreak && !row.querySelector(SEL.bubble)) return { breakLabel: clean(innerBreak.textContent ?? ''), heading: null, ...none };
  const headingEl = senderHeadingIn(row);
  const heading = headingEl ? clean(headingEl.textContent ?? '') : null;
  const mark = row.matches(SEL.messageRow) ? notSentMark(row) : null;
  // A failed send has no mid.$ id (the server never took it): its bubble is the presentation box.
  const bubble = row.querySelector(SEL.bubble) ?? (mark ? row.querySelector(SEL.presentation) : null);
  const outgoing = bubble !== null && isOutgoing(bubble, row);
  if (!bubble || !row.matches(SEL.messageRow)) return { breakLabel: null, heading, ...none, outgoing };
  // The "Not sent" mark only counts beside an outgoing bubble; the mark itself is never message text.
  const failed = mark !== null && outgoing && !bubble.contains(mark);
  const textEl = bubble.querySelector(SEL.bubbleText) ?? bubble;
  const text = visibleText(textEl, LIMITS.textChars, (el) => el === mark).trim();
  const attachments = attachmentsOf(bubble, text);
  if (text === '' && attachments.length === 0) return { breakLabel: null, heading, outgoing, message: null, failed: false };
  if (!bubble.id.startsWith('mid.$') && !failed) return { breakLabel: null, heading, outgoing, message: null, failed: false };
  // A failed bubble's id: its text's token (numbered below), so a re-render reads the same id.
  const nativeId = failed && !bubble.id.startsWith('mid.$') ? `failed.${textToken(text)}` : cap(bubble.id, LIMITS.nativeIdChars);
  return { breakLabel: null, heading, outgoing, message: { nativeId, text, attachments }, failed };
}

function carryDown(above: Carried | null, f: RowFacts): Carried {
  const failedAbove = (above?.failedAbove ?? 0) + (f.failed ? 1 : 0);
  // A date break starts a day and ends any burst; a heading starts a burst, an outgoing bubble ends it.
  if (f.breakLabel !== null) return { day: parseDateBreak(f.breakLabel, Date.now()), sender: '', failedAbove };
  const day = above?.day ?? null;
  if (f.heading !== null) return { day, sender: f.heading, failedAbove };
  if (f.outgoing) return { day, sender: '', failedAbove };
  return { day, sender: above?.sender ?? '', failedAbove };
}

const rows = rowFlow(readRowFacts, carryDown);

function attachmentsOf(bubble: Element, text: string): Attachment[] {
  const out: Attachment[] = [];
  if (bubble.querySelector(SEL.video)) out.push({ kind: 'video', label: 'Video' });
  else if (text === '' && bubble.querySelector(SEL.image)) {
    const alt = bubble.querySelector(SEL.image)?.getAttribute('alt') ?? '';
    out.push({ kind: 'image', label: cap(clean(alt) || 'Photo', LIMITS.titleChars) });
  }
  return out;
}

export function parseMessageRow(row: Element, conv: OpenConversation, at?: RowContext): MessageSnapshot | null {
  const { facts, above } = rows.step(row, at, () => messageRows(row.ownerDocument));
  const m = facts.message;
  if (!m) return null;
  const isSelf = facts.outgoing;
  // Incoming: the row's own heading, else (in a group) the burst's, else (1:1) the peer.
  const name = isSelf ? '' : (facts.heading ?? (conv.isGroup ? (above?.sender ?? '') : conv.title));
  const day = above?.day ?? null;
  // Two failed bubbles with one text stay two messages: numbered by the failed ones above.
  const nativeId = facts.failed && m.nativeId.startsWith('failed.') ? `${m.nativeId}.${above?.failedAbove ?? 0}` : m.nativeId;
  return {
    nativeId,
    sender: { name: cap(name, LIMITS.titleChars), isSelf },
    text: m.text,
    sentAt: day,
    timePrecision: day === null ? 'none' : 'day',
    // "Not sent" on screen: failed, never an echo of a successful send.
    status: facts.failed ? 'failed' : isSelf ? 'sent' : 'received',
    attachments: m.attachments,
    quote: null,
    system: false,
    truncated: false,
  };
}
