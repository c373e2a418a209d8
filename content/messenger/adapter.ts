// Messenger adapter (www.facebook.com/messages): reads the chat list and the open thread from the
// DOM and sends through the page's Lexical composer. Anchors: `[role="navigation"] [role="grid"]`
// rows linking to `/messages/t/<id>/` or `/messages/e2ee/t/<id>/` (one id), an unread marker that
// is a visually hidden 1px leaf under an `html-span` parent (other hidden labels such as "Online
// now" are not it), emoji as `<img alt>`, date breaks, and the PIN input of encrypted history.
// Two thread shapes, side by side during Facebook's staged rollouts:
//   2026 (live-2026.md): one `[data-message-id][aria-roledescription="message"]` element per
//     message whose aria-label ("At 16:15, You: hello") carries the clock and the only direction
//     signal; real ids; the reply quote, reaction buttons and the hover toolbar inside it.
//   older builds: `[role="row"]` rows with a hidden "You sent"/"Anda mengirim" heading; ids derived
//     from day, sender, text and position (message-id.ts).
import type { ConversationTarget, HealthReport, PlatformAdapter, RowContext } from '../adapter';
import { LIMITS, type Attachment, type MessageSnapshot, type MessageStatus, type Quote, type Reaction, type ThreadSnapshot } from '../../lib/shared/model';
import { isVisuallyHidden, submitByEnterThenButton, visibleText } from '../meta-actions';
import { pageLang, parseDateBreak, parseRelativeTime } from '../meta-time';
import { cap, clean, sleep, waitUntil } from '../dom';
import { messageId, sectionKey } from './message-id';
import { rowFlow } from '../meta-rows';
import { GRAMMAR, HOSTS, LABELS, MESSAGES_PATH, OBSERVED_ATTRIBUTES, REAL_MESSAGE_ID, SEL, THREAD_PATH, type LabelGrammar } from './selectors';

type OpenConversation = ThreadSnapshot['conversation'];


/** The thread id in a link or path (both `/t/` and `/e2ee/t/`), or null. */
export function threadIdOfHref(href: string | null): string | null {
  if (!href) return null;
  let path = href;
  if (/^https?:/i.test(href)) {
    try {
      const u = new URL(href);
      if (!HOSTS.has(u.hostname)) return null;
      path = u.pathname;
    } catch {
      return null;
    }
  }
  const m = THREAD_PATH.exec(path);
  return m ? m[1]! : null;
}

function threadLinkOf(row: Element): Element | null {
  return Array.from(row.querySelectorAll(SEL.threadLink)).find((a) => threadIdOfHref(a.getAttribute('href'))) ?? null;
}

function chatRows(doc: Document): Element[] {
  const grid = Array.from(doc.querySelectorAll(SEL.chatGrid)).find((g) => threadLinkOf(g));
  if (!grid) return [];
  return Array.from(grid.querySelectorAll(SEL.chatRow)).filter((r) => threadLinkOf(r) !== null);
}

/** Elements carrying text (own text nodes or emoji images), skipping hidden and aria-hidden ones. */
function textLeaves(root: Element): Element[] {
  const out: Element[] = [];
  for (const el of Array.from(root.querySelectorAll('*'))) {
    if (el.closest('[aria-hidden="true"]')) continue;
    const own = Array.from(el.childNodes).some(
      (n) =>
        (n.nodeType === 3 && (n.nodeValue ?? '').trim() !== '') ||
        (n.nodeType === 1 && (n as Element).tagName === 'IMG' && ((n as Element).getAttribute('alt') ?? '') !== ''),
    );
    if (own && !isVisuallyHidden(el)) out.push(el);
  }
  return out;
}

/**
 * The unread marker (caprine, April 2026): a visually hidden 1px, position:absolute leaf whose
 * parent has class `html-span`. Its text is translated; its shape is not. Other hidden labels in
 * rows ("Online now", "Sent") have other parents: "any hidden text" would mark online contacts unread.
 */
function hasUnreadMarker(row: Element): boolean {
  return Array.from(row.querySelectorAll('.html-span > *')).some((el) => el.childElementCount === 0 && isOnePixelLeaf(el));
}

function isOnePixelLeaf(el: Element): boolean {
  const win = el.ownerDocument.defaultView;
  if (!win) return false;
  const cs = win.getComputedStyle(el);
  const tiny = (v: string) => v === '1px' || v === '0px' || v === '0';
  return cs.position === 'absolute' && tiny(cs.width) && tiny(cs.height);
}

function parseChatRow(row: Element) {
  const link = threadLinkOf(row);
  const nativeId = link ? threadIdOfHref(link.getAttribute('href')) : null;
  if (!link || !nativeId) return null;
  const leaves = textLeaves(link);
  const titleEl = leaves[0];
  if (!titleEl) return null;
  const text = (el: Element) => clean(visibleText(el, LIMITS.previewChars));
  const title = cap(text(titleEl), LIMITS.titleChars);
  // A title that reads as nothing (e.g. only an emoji whose alt is blank) names no conversation.
  if (!title.trim()) return null;
  let rest = leaves.slice(1);
  let lastMessageAt: number | null = null;
  const timeEl = rest[rest.length - 1];
  if (timeEl) {
    lastMessageAt = parseRelativeTime(text(timeEl), pageLang(row.ownerDocument), Date.now());
    if (lastMessageAt !== null) rest = rest.slice(0, -1);
  }
  return {
    nativeId,
    title,
    isGroup: link.querySelectorAll(SEL.image).length - link.querySelectorAll('img[alt]:not([alt=""])').length >= 2,
    // Only the html-span marker (live-2026.md names it as the signal); weight alone is not trusted.
    unread: hasUnreadMarker(row),
    // Messenger shows read/unread only, never a number.
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview: cap(clean(rest.map(text).filter((t) => t !== '·').join(' ')), LIMITS.previewChars),
    lastMessageAt,
  };
}

function currentThreadId(doc: Document): string | null {
  return threadIdOfHref(doc.location?.pathname ?? null);
}

function chatRowFor(doc: Document, nativeId: string): Element | null {
  return chatRows(doc).find((r) => threadIdOfHref(threadLinkOf(r)?.getAttribute('href') ?? null) === nativeId) ?? null;
}

function messageRows(doc: Document): Element[] {
  let rows = Array.from(doc.querySelectorAll(SEL.messageRowOrBreak));
  // A message element inside another (a quoted parent carrying its own id) is part of the outer one.
  const nested = rows.some((r) => r.hasAttribute('data-message-id')) ? doc.querySelectorAll(SEL.nestedMessage) : [];
  if (nested.length > 0) {
    const inner = new Set(Array.from(nested));
    rows = rows.filter((r) => !inner.has(r));
  }
  // Rows of a navigation list that shares the main area are not messages. Such lists are few, so
  // they are found once, not by asking every row for its ancestors.
  const lists = Array.from(doc.querySelectorAll('[role="navigation"]')).filter((n) => n.closest(SEL.main) || n.querySelector(SEL.main));
  return lists.length === 0 ? rows : rows.filter((r) => !lists.some((n) => n.contains(r)));
}

function headingTexts(row: Element): string[] {
  return Array.from(row.querySelectorAll(SEL.heading)).map((h) => clean(h.textContent ?? ''));
}

function isSelfMarker(text: string): boolean {
  return LABELS.youSent.some((l) => text === l || text.startsWith(l + ' ') || text.startsWith(l + ':'));
}

/** Who sent the row: "me" (the hidden "You sent" heading), the heading's name, or "" (1:1). */
function whoOf(row: Element): { self: boolean; name: string } {
  const headings = headingTexts(row).filter((t) => t !== '');
  if (headings.some(isSelfMarker)) return { self: true, name: '' };
  // Prefer the hidden heading (full name) over the visible burst label.
  const hidden = Array.from(row.querySelectorAll(SEL.heading)).find((h) => isVisuallyHidden(h));
  const name = hidden ? clean(hidden.textContent ?? '') : headings[0] ?? '';
  return { self: false, name };
}

function contentOf(row: Element, skip: (el: Element) => boolean): { text: string; attachments: Attachment[] } {
  const text = visibleText(row, LIMITS.textChars, skip).replace(/[ \t]+\n/g, '\n').trim();
  const attachments: Attachment[] = [];
  if (row.querySelector(SEL.video)) attachments.push({ kind: 'video', label: 'Video' });
  else if (text === '') {
    const img = Array.from(row.querySelectorAll(SEL.image)).find((i) => !skip(i) && !skippedInside(i, row, skip));
    if (img) attachments.push({ kind: 'image', label: 'Photo' });
  }
  return { text, attachments };
}

function skippedInside(el: Element, root: Element, skip: (el: Element) => boolean): boolean {
  for (let a = el.parentElement; a && a !== root; a = a.parentElement) if (skip(a)) return true;
  return false;
}

// ---- the 2026 message element ----

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

/** The grammars to try, the page's language first. */
function grammarsFor(doc: Document): LabelGrammar[] {
  return pageLang(doc) === 'id' ? [GRAMMAR.id, GRAMMAR.en] : [GRAMMAR.en, GRAMMAR.id];
}

interface ParsedLabel {
  /** Minutes after midnight. */
  clock: number;
  self: boolean;
  /** The sender as the label names them ('' for the user). */
  name: string;
}

/** "At 16:15, You: hello" → clock, direction and sender, by the first grammar that parses it. */
export function parseMessageLabel(label: string, grammars: readonly LabelGrammar[]): ParsedLabel | null {
  const s = label.replace(/[\u00a0\u202f]/g, ' ').trim();
  for (const g of grammars) {
    const m = g.message.exec(s);
    if (!m?.groups) continue;
    let h = Number(m.groups.h);
    const min = Number(m.groups.m);
    const ap = m.groups.ap?.toLowerCase();
    if (ap) {
      if (h < 1 || h > 12) continue;
      h = (h % 12) + (ap === 'p' ? 12 : 0);
    }
    if (h > 23 || min > 59) continue;
    const who = clean(m.groups.who ?? '');
    if (who === '') continue;
    const self = g.self.includes(who);
    return { clock: h * 60 + min, self, name: self ? '' : cap(who, LIMITS.titleChars) };
  }
  return null;
}

/** A bare clock anywhere in a label the grammar did not parse ("16.15", "4:15 PM"), in minutes. */
function looseClock(label: string): number | null {
  const m = /(?:^|\D)(\d{1,2})[:.](\d{2})(?:\s?([AaPp])\.?[Mm]\.?)?(?!\d)/u.exec(label);
  if (!m) return null;
  let h = Number(m[1]);
  const min = Number(m[2]);
  if (m[3]) h = (h % 12) + (m[3].toLowerCase() === 'p' ? 12 : 0);
  return h > 23 || min > 59 ? null : h * 60 + min;
}

/**
 * Direction from layout when the label does not say: the bubble's side of its thread where the page
 * is laid out, else the flex alignment of the line holding it (outgoing lines end right). Null when
 * neither tells.
 */
function selfByLayout(el: Element): boolean | null {
  const win = el.ownerDocument.defaultView;
  if (!win) return null;
  const box = el.closest('[role="log"]') ?? el.closest(SEL.main);
  const r = el.getBoundingClientRect();
  const b = box?.getBoundingClientRect();
  if (b && r.width > 0 && b.width > 0) {
    const offset = r.left + r.width / 2 - (b.left + b.width / 2);
    if (Math.abs(offset) > b.width * 0.05) return offset > 0;
  }
  const stop = el.closest('[role="article"]');
  for (let a = el.parentElement; a; a = a.parentElement) {
    const cs = win.getComputedStyle(a);
    if (cs.display.includes('flex')) {
      const along = cs.flexDirection.startsWith('column') ? cs.alignItems : cs.justifyContent;
      if (/(^|-)end$|right/.test(along)) return true;
      if (/(^|-)start$|left/.test(along)) return false;
    }
    if (a === stop || a === box) break;
  }
  return null;
}

/** What the reaction buttons inside a message say ("1 reaction with 👍; …"); unparseable ones count as none. */
function reactionsOf(el: Element, grammars: readonly LabelGrammar[]): Reaction[] | undefined {
  // Capped: a message shows a handful of reaction buttons at most.
  const buttons = Array.from(el.querySelectorAll(SEL.reactionButton))
    .filter((b) => !b.closest(SEL.toolbar))
    .slice(0, 32);
  const out: Reaction[] = [];
  let seen = false;
  for (const b of buttons) {
    const label = clean(b.getAttribute('aria-label') ?? '');
    for (const g of grammars) {
      const m = g.reaction.exec(label);
      if (!m?.groups) continue;
      seen = true;
      const emoji = cap(clean(m.groups.emoji ?? ''), 32);
      const count = Math.min(Number(m.groups.n), 1_000_000);
      if (emoji !== '' && count > 0) out.push({ emoji, count });
      break;
    }
  }
  // No reaction button at all: the message has none (an explicit empty list). Buttons that do not
  // parse: we cannot tell, so say nothing rather than "none".
  if (buttons.length === 0) return [];
  return seen ? out : undefined;
}

/** What a 2026 message element's own node says (see RowFacts). */
function readMessageElement(el: Element): RowFacts {
  const grammars = grammarsFor(el.ownerDocument);
  const rawId = el.getAttribute('data-message-id') ?? '';
  const realId = REAL_MESSAGE_ID.test(rawId) ? rawId : null;
  const label = el.getAttribute('aria-label') ?? '';
  const parsed = parseMessageLabel(label, grammars);
  // The quote, the reaction buttons and the hover toolbar are inside the element but not its text.
  const skip = (x: Element) => x.matches(SEL.quote) || x.matches(SEL.toolbar) || x.matches(SEL.reactionButton) || x.getAttribute('aria-hidden') === 'true';
  const { text, attachments } = contentOf(el, skip);
  const quoteEl = Array.from(el.querySelectorAll(SEL.quote)).find((q) => !q.closest(SEL.toolbar) && !q.closest(SEL.reactionButton));
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

/** The status row right after a 2026 message's row ("Seen", "Dilihat"…), as a status; null if none. */
function statusAfter(el: Element): MessageStatus | null {
  const next = el.closest(SEL.virtualRow)?.nextElementSibling;
  return next ? statusOfRow(next) : null;
}

/** A log row that is only a status word (never a message): its status, else null. */
function statusOfRow(row: Element): MessageStatus | null {
  const text = clean(row.textContent ?? '');
  if (text === '' || text.length > 40 || row.querySelector(SEL.rowLike)) return null;
  for (const g of Object.values(GRAMMAR)) {
    const s = g.status[text];
    if (s) return s;
  }
  return null;
}

/** What a row's own node says: read once per node and kept until the node changes. */
interface RowFacts {
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

function readRowFacts(row: Element): RowFacts {
  const none = { realId: null, clock: null, quote: null, reactions: undefined, modern: false, skip: null, breakClock: null } as const;
  if (row.matches(SEL.dateBreak)) {
    const label = clean(row.textContent ?? '');
    return { ...none, breakLabel: label, breakClock: looseClock(label), who: { self: false, name: '' }, text: '', attachments: [], identity: null };
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

function parseMessageRow(row: Element, conv: OpenConversation, at?: RowContext): MessageSnapshot | null {
  threadIsGroup = conv.isGroup;
  const { facts, below } = flow.step(row, at, () => messageRows(row.ownerDocument));
  if (!facts.identity) return null;
  const { who, text, attachments } = facts;
  const derived = cap(messageId(below.day, derivedWho({ ...facts, identity: facts.identity }), facts.identity.content, below.n), LIMITS.nativeIdChars);
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
    status: who.self ? (facts.modern ? statusAfter(row) ?? 'sent' : 'sent') : 'received',
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

function openConversation(doc: Document): OpenConversation | null {
  const nativeId = currentThreadId(doc);
  if (!nativeId) return null;
  const row = chatRowFor(doc, nativeId);
  const fromList = row ? parseChatRow(row) : null;
  const heading = Array.from(doc.querySelectorAll(SEL.pageHeading)).find((h) => clean(h.textContent ?? '') !== '');
  const title = fromList?.title || (heading ? clean(visibleText(heading, LIMITS.titleChars)) : '');
  // Without the list row: older rows that carry a sender heading mean a group, and so do 2026
  // labels naming two or more other people (a 1:1 label names the contact too). Asked only then:
  // it reads every row.
  const groupByRows = () => {
    const grammars = grammarsFor(doc);
    const names = new Set<string>();
    return messageRows(doc).some((r) => {
      if (r.matches(SEL.dateBreak)) return false;
      if (r.matches(SEL.messageElement)) {
        const p = parseMessageLabel(r.getAttribute('aria-label') ?? '', grammars);
        if (p && !p.self) names.add(p.name);
        return names.size >= 2;
      }
      const w = whoOf(r);
      return !w.self && w.name !== '';
    });
  };
  return { nativeId, title: cap(title, LIMITS.titleChars), isGroup: fromList ? fromList.isGroup : groupByRows() };
}

function rowOf(node: Node): { kind: 'chat' | 'message'; row: Element } | null {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!el) return null;
  const classify = (r: Element): { kind: 'chat' | 'message'; row: Element } | null => {
    if (r.closest('[role="navigation"]')) return threadLinkOf(r) ? { kind: 'chat', row: r } : null;
    if (r.closest(SEL.main)) return { kind: 'message', row: r };
    return null;
  };
  const row = el.closest(SEL.rowLike);
  if (row) return classify(row);
  const inner = el.querySelectorAll(SEL.rowLike);
  if (inner.length === 1) return classify(inner[0]!);
  // A 2026 status row ("Seen") changed: it is the status of the message just above it.
  const virtual = inner.length === 0 ? el.closest(SEL.virtualRow) : null;
  if (virtual && statusOfRow(virtual)) {
    const above = virtual.previousElementSibling?.querySelector(SEL.messageElement);
    if (above) return classify(above);
  }
  return null;
}

function composerOf(doc: Document): HTMLElement | null {
  const all = Array.from(doc.querySelectorAll<HTMLElement>(SEL.composer));
  const labels = LABELS.composer as readonly string[];
  return all.find((el) => labels.includes(el.getAttribute('aria-label') ?? '')) ?? all[0] ?? null;
}

function health(doc: Document): HealthReport {
  if (doc.querySelector(SEL.login)) return { state: 'not-logged-in', reason: 'Facebook shows its login form' };
  if (doc.querySelector(SEL.pin)) {
    return { state: 'pin-required', reason: 'Messenger asks for your PIN to restore encrypted chat history' };
  }
  const grid = doc.querySelector(SEL.chatGrid);
  if (!grid) {
    if (doc.querySelector(SEL.progress)) return { state: 'loading', reason: 'Messenger is still loading' };
    return { state: 'layout-unknown', reason: 'chat list ([role=navigation] [role=grid]) not found' };
  }
  const rows = chatRows(doc);
  if (rows.length === 0) {
    // Rows that show something but link to no thread: the row shape changed, not an empty inbox.
    const shown = Array.from(doc.querySelectorAll(`${SEL.chatGrid} ${SEL.chatRow}`)).some((r) => clean(r.textContent ?? '') !== '');
    if (shown) return { state: 'layout-unknown', reason: 'chat list rows found but none links to a thread ([role=link] with a /t/ href)' };
    // Content in the list but no rows at all: the row anchor itself went (not a list still empty).
    if (clean(grid.textContent ?? '') !== '') return { state: 'layout-unknown', reason: 'the chat list shows content but no [role=row] rows' };
    // Facebook empties the list for a moment when the window regains focus: not "no chats".
    return { state: 'loading', reason: 'the chat list is empty for the moment' };
  }
  if (!rows.some((r) => parseChatRow(r) !== null)) {
    return { state: 'layout-unknown', reason: 'chat list rows found but none has a readable title' };
  }
  if (currentThreadId(doc)) return threadHealth(doc);
  return { state: 'ok' };
}

/** The open thread's part of health: its rows must yield messages, and its composer must be there. */
function threadHealth(doc: Document): HealthReport {
  const composer = composerOf(doc);
  // The first row is enough to know the thread rendered (a navigation row in main is not one).
  const first = doc.querySelector(SEL.messageAny);
  const messages = first !== null && (!first.closest('[role="navigation"]') || messageRows(doc).some((r) => !r.matches(SEL.dateBreak)));
  if (!messages) {
    // Rendered rows with text but no message element: the message shape changed, not an empty chat.
    const rendered =
      Array.from(doc.querySelectorAll(SEL.threadArticle)).some((a) => clean(a.textContent ?? '') !== '') ||
      clean(doc.querySelector(SEL.threadLog)?.textContent ?? '') !== '';
    if (rendered) return { state: 'layout-unknown', reason: 'thread rows found but no message element with data-message-id or role=row' };
    if (!composer && !doc.querySelector(SEL.messageRowOrBreak)) return { state: 'loading', reason: 'the open thread has not rendered yet' };
  } else {
    // 2026 message elements that neither their label nor the layout can attribute: nothing would be read.
    const elements = doc.querySelector(`${SEL.main} ${SEL.messageElement}`)
      ? Array.from(doc.querySelectorAll(`${SEL.main} ${SEL.messageElement}`)).slice(-5)
      : [];
    const grammars = grammarsFor(doc);
    if (elements.length > 0 && !elements.some((e) => parseMessageLabel(e.getAttribute('aria-label') ?? '', grammars) || selfByLayout(e) !== null)) {
      return { state: 'layout-unknown', reason: 'message elements found but neither their aria-label nor the layout tells who sent them' };
    }
  }
  if (!composer) return { state: 'layout-unknown', reason: 'composer ([role=main] textbox) not found' };
  return { state: 'ok' };
}

/** The element that scrolls the chat list: the grid itself or its nearest scrolling ancestor. */
function listScroller(grid: Element): HTMLElement | null {
  const win = grid.ownerDocument.defaultView;
  if (!win) return null;
  for (let el: Element | null = grid; el && !el.matches('[role="navigation"]'); el = el.parentElement) {
    if (/(auto|scroll)/.test(win.getComputedStyle(el).overflowY)) return el as HTMLElement;
  }
  return grid as HTMLElement;
}

/**
 * The rendered link of a thread's row, scrolling the virtualised list until it is rendered (the
 * way a person finds an older chat). Null when the list ends without it.
 */
async function findRenderedLink(doc: Document, nativeId: string): Promise<HTMLElement | null> {
  const linkNow = () => {
    const row = chatRowFor(doc, nativeId);
    const link = row ? threadLinkOf(row) : null;
    const win = doc.defaultView;
    return link && win && link instanceof win.HTMLElement ? link : null;
  };
  let link = linkNow();
  if (link) return link;
  const grid = Array.from(doc.querySelectorAll(SEL.chatGrid)).find((g) => threadLinkOf(g)) ?? doc.querySelector(SEL.chatGrid);
  const scroller = grid ? listScroller(grid) : null;
  const win = doc.defaultView;
  if (!scroller || !win) return null;
  const start = scroller.scrollTop;
  const step = Math.max(200, Math.floor(scroller.clientHeight * 0.8));
  const tops = [0];
  for (let t = step; tops.length < 60; t += step) tops.push(t);
  for (const top of tops) {
    scroller.scrollTop = top;
    scroller.dispatchEvent(new win.Event('scroll'));
    await sleep(80);
    link = linkNow();
    if (link) return link;
    // The list ended (the scroller would not go further than the last position).
    if (top > 0 && scroller.scrollTop < top) break;
  }
  scroller.scrollTop = start;
  scroller.dispatchEvent(new win.Event('scroll'));
  return null;
}

/** The Send button, searching outward from the composer (never "Send a like"). */
function findSendButton(composer: HTMLElement): HTMLElement | null {
  const labels = LABELS.send as readonly string[];
  for (let el = composer.parentElement; el; el = el.parentElement) {
    for (const b of Array.from(el.querySelectorAll<HTMLElement>(SEL.buttons))) {
      if (b.contains(composer)) continue;
      const label = clean(b.getAttribute('aria-label') ?? b.textContent ?? '');
      if (labels.includes(label)) return b;
    }
    if (el.matches(SEL.main)) break;
  }
  return null;
}

export const messengerAdapter: PlatformAdapter = {
  platform: 'messenger',
  selectors: SEL,
  observedAttributes: OBSERVED_ATTRIBUTES,
  isActiveUrl: (url) => HOSTS.has(url.hostname) && MESSAGES_PATH.test(url.pathname),
  health,
  chatRows,
  parseChatRow,
  openConversation,
  messageRows,
  parseMessageRow,
  readsRowsAbove: true,
  rowOf,
  async navigateTo(doc: Document, target: ConversationTarget) {
    const isOpen = () =>
      openConversation(doc)?.nativeId === target.nativeId &&
      (composerOf(doc) !== null || messageRows(doc).length > 0 || doc.querySelector(SEL.pin) !== null);
    if (isOpen()) return true;
    // Click the rendered row link: the app's router handles it (a thread change is a pushState).
    // No synthetic popstate: no source shows the router reacting to one (live-2026.md).
    const link = await findRenderedLink(doc, target.nativeId);
    if (!link) return false;
    link.click();
    return waitUntil(isOpen, 4000);
  },
  composer: composerOf,
  submit: (_doc, composer) => submitByEnterThenButton(composer, () => findSendButton(composer)),
};
