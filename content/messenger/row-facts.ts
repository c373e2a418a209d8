// What one Messenger thread row's own node says (RowFacts), read once per node: a date break's
// label, an older row's heading and content, or a 2026 message element's id, label, quote and
// reactions. Message elements that cannot be read are counted by reason, not hidden.
import { LIMITS, type Attachment, type Quote, type Reaction } from '../../lib/shared/model';
import { visibleText } from '../meta/text';
import { clean, queryAll } from '../dom';
import { grammarsFor, looseClock, parseMessageLabel, reactionsOf, selfByLayout } from './message-label';
import { REAL_MESSAGE_ID, SEL } from './selectors';
import { contentOf, whoOf } from './thread-rows';

/** Why a row was not reported as a message: counted, so tests and the layout report can see it. */
export type SkipReason = 'label-unparsed-no-layout' | 'empty-message';
const skips: Record<SkipReason, number> = { 'label-unparsed-no-layout': 0, 'empty-message': 0 };
/** The element and label each skip was counted for: a row read again unchanged is not counted twice. */
const skipped = new WeakMap<Element, string>();

function countSkip(el: Element, reason: SkipReason, label: string): void {
  const key = `${reason}\u0000${el.getAttribute('data-message-id') ?? ''}\u0000${label}`;
  if (skipped.get(el) === key) return;
  skipped.set(el, key);
  skips[reason]++;
}

/** How many message elements were skipped, by reason, since the last reset (each element and label once). */
export function messengerSkipCounts(): Readonly<Record<SkipReason, number>> {
  return { ...skips };
}
export function resetMessengerSkipCounts(): void {
  for (const k of Object.keys(skips) as SkipReason[]) skips[k] = 0;
}

/** What a row's own node says: read once per node and kept until the node changes. */
export interface RowFacts {
  /** A date break's label, else null. */
  breakLabel: string | null;
  /** The clock a date break shows ("Tue 20:06"), minutes after midnight, else null. */
  breakClock: number | null;
  who: { self: boolean; name: string };
  text: string;
  attachments: Attachment[];
  /** Who + content, what the derived id hashes (see message-id.ts); null for rows that are not messages. */
  identity: { who: string; content: string } | null;
  /** 2026 rows: the page's own message id (validated), else null. */
  realId: string | null;
  /** 2026 rows: the label's clock, minutes after midnight. */
  clock: number | null;
  quote: Quote | null;
  reactions: Reaction[] | undefined;
  /** Whether the row is a 2026 message element. */
  modern: boolean;
  /** Why the row is not reported, when it is a message element that could not be read. */
  skip: SkipReason | null;
}

/** What a 2026 message element's own node says (see RowFacts). */
function readMessageElement(el: Element): RowFacts {
  const grammars = grammarsFor(el.ownerDocument);
  const rawId = el.getAttribute('data-message-id') ?? '';
  const realId = REAL_MESSAGE_ID.test(rawId) ? rawId : null;
  const label = el.getAttribute('aria-label') ?? '';
  const parsed = parseMessageLabel(label, grammars);
  // The quote, the reaction buttons and the hover toolbar are inside the element but not its text.
  const skip = (x: Element) =>
    x.matches(SEL.quote) || x.matches(SEL.toolbar) || x.matches(SEL.reactionButton) || x.getAttribute('aria-hidden') === 'true';
  const { text, attachments } = contentOf(el, skip);
  const quoteEl = queryAll(el, SEL.quote).find((q) => !q.closest(SEL.toolbar) && !q.closest(SEL.reactionButton));
  const quoteText = quoteEl ? clean(visibleText(quoteEl, LIMITS.previewChars)) : '';
  const quote: Quote | null = quoteText ? { sender: '', text: quoteText } : null;
  const base = { breakLabel: null, breakClock: null, realId, quote, reactions: reactionsOf(el, grammars), modern: true } as const;
  let who: { self: boolean; name: string };
  let clock: number | null;
  if (parsed) {
    who = { self: parsed.self, name: parsed.name };
    clock = parsed.clock;
  } else {
    const self = selfByLayout(el);
    if (self === null) {
      countSkip(el, 'label-unparsed-no-layout', label);
      return { ...base, who: { self: false, name: '' }, text, attachments, identity: null, clock: null, skip: 'label-unparsed-no-layout' };
    }
    // The layout tells the side, never the sender's name.
    who = { self, name: '' };
    clock = looseClock(label);
  }
  if (text === '' && attachments.length === 0) {
    countSkip(el, 'empty-message', label);
    return { ...base, who, text, attachments, identity: null, clock, skip: 'empty-message' };
  }
  const identity = { who: who.self ? 'me' : who.name, content: `${text}\u0001${attachments.map((a) => a.kind).join(',')}` };
  return { ...base, who, text, attachments, identity, clock, skip: null };
}

export function readRowFacts(row: Element): RowFacts {
  const none = { realId: null, clock: null, quote: null, reactions: undefined, modern: false, skip: null, breakClock: null } as const;
  if (row.matches(SEL.dateBreak)) {
    const label = clean(row.textContent ?? '');
    return {
      ...none,
      breakLabel: label,
      breakClock: looseClock(label),
      who: { self: false, name: '' },
      text: '',
      attachments: [],
      identity: null,
    };
  }
  if (row.matches(SEL.messageElement)) return readMessageElement(row);
  const { text, attachments } = contentOf(row, (el) => el.matches(SEL.heading));
  const who = whoOf(row);
  const identity =
    text === '' && attachments.length === 0
      ? null
      : { who: who.self ? 'me' : who.name, content: `${text}\u0001${attachments.map((a) => a.kind).join(',')}` };
  return { ...none, breakLabel: null, who, text, attachments, identity };
}
