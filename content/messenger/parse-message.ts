// A Messenger thread row → a message snapshot: the facts of the row's own node (row-facts.ts) plus
// what the rows above carry down (the day of its section, the clock's day past midnight, how many
// rows above it share its content), which give the time and, without a real id, the derived id.
import type { RowContext } from '../adapter';
import { LIMITS, type MessageSnapshot, type ThreadSnapshot } from '../../lib/shared/model';
import { parseDateBreak } from '../meta/time';
import { rowFlow } from '../meta/rows';
import { cap } from '../dom';
import { messageId, sectionKey } from './message-id';
import { statusAfter } from './message-label';
import { readRowFacts, type RowFacts } from './row-facts';
import { SEL } from './selectors';
import { messageRows } from './thread-rows';

type OpenConversation = ThreadSnapshot['conversation'];

/** What a row hands down: the day of its section, and its own place in it (for the ids below). */
interface Carried {
  day: number | null;
  /** The row's identity key (who + content) and how many rows above it in its section share it. */
  key: string | null;
  n: number;
  /** The day the row's clock belongs to (the section's day, one later after the clock wrapped past midnight). */
  clockDay: number | null;
  /** The last clock seen in the section, to notice midnight. */
  lastClock: number | null;
}

/**
 * Whether the open thread is a group, as its list row or title said last: a 2026 row names its
 * sender even in a 1:1 chat, where the derived id (message-id.ts) used "" for the contact.
 */
let threadIsGroup = false;

/** The sender part of the derived id, as the older layout would have given it. */
function derivedWho(f: RowFacts & { identity: NonNullable<RowFacts['identity']> }): string {
  return f.modern && !f.who.self && !threadIsGroup ? '' : f.identity.who;
}

function keyOf(f: RowFacts): string | null {
  if (!f.identity) return null;
  return `${derivedWho({ ...f, identity: f.identity })}\u0000${f.identity.content}`;
}

function carryDown(above: Carried | null, f: RowFacts, rows: readonly Element[], index: number): Carried {
  if (f.breakLabel !== null) {
    const day = parseDateBreak(f.breakLabel, Date.now());
    return { day, key: null, n: 0, clockDay: day, lastClock: f.breakClock };
  }
  const day = above?.day ?? null;
  let clockDay = above?.clockDay ?? day;
  let lastClock = above?.lastClock ?? null;
  if (f.clock !== null) {
    // A clock earlier than the one above it in the same section: the thread went past midnight.
    if (clockDay !== null && lastClock !== null && f.clock < lastClock) clockDay = nextDay(clockDay);
    lastClock = f.clock;
  }
  const key = keyOf(f);
  if (key === null) return { day, key: null, n: 0, clockDay, lastClock };
  return { day, key, n: sameAbove(rows, index, day, key), clockDay, lastClock };
}

function nextDay(day: number): number {
  const d = new Date(day);
  d.setDate(d.getDate() + 1);
  return d.getTime();
}

/**
 * How many rows above `index` in its section have the same who + content: one more than the
 * nearest such row counted. The walk stops at the section's date break (a dated section is the run
 * below its break); the undated top section is looked through to the top.
 */
function sameAbove(rows: readonly Element[], index: number, day: number | null, key: string): number {
  const section = sectionKey(day);
  for (let i = index - 1; i >= 0; i--) {
    const c = flow.below(rows[i]!);
    if (!c) continue;
    if (c.key === key && sectionKey(c.day) === section) return c.n + 1;
    if (day !== null && (c.day !== day || (c.key === null && rows[i]!.matches(SEL.dateBreak)))) break;
  }
  return 0;
}

const flow = rowFlow(readRowFacts, carryDown);

function atClock(day: number, minutes: number): number {
  const d = new Date(day);
  d.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  return d.getTime();
}

export function parseMessageRow(row: Element, conv: OpenConversation, at?: RowContext): MessageSnapshot | null {
  threadIsGroup = conv.isGroup;
  const { facts, below } = flow.step(row, at, () => messageRows(row.ownerDocument));
  if (!facts.identity) return null;
  const { who, text, attachments } = facts;
  const derived = cap(
    messageId(below.day, derivedWho({ ...facts, identity: facts.identity }), facts.identity.content, below.n),
    LIMITS.nativeIdChars,
  );
  const timed = facts.clock !== null && below.clockDay !== null;
  const snap: MessageSnapshot = {
    nativeId: facts.realId ? cap(facts.realId, LIMITS.nativeIdChars) : derived,
    sender: {
      name: cap(who.self ? '' : who.name || (conv.isGroup ? '' : conv.title), LIMITS.titleChars),
      isSelf: who.self,
    },
    text,
    sentAt: timed ? atClock(below.clockDay!, facts.clock!) : below.day,
    timePrecision: timed ? 'minute' : below.day === null ? 'none' : 'day',
    status: who.self ? (facts.modern ? (statusAfter(row) ?? 'sent') : 'sent') : 'received',
    attachments,
    quote: facts.quote,
    system: false,
    truncated: false,
  };
  // The id this message had while the page showed no real id: the store keeps one message.
  if (facts.realId) snap.formerIds = [derived];
  if (facts.reactions !== undefined) snap.reactions = facts.reactions;
  return snap;
}
