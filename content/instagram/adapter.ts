// Instagram Direct adapter: reads the thread list and the open thread from the DOM and sends
// through the page's own Lexical composer. Anchors: thread links `/direct/t/<id>/` or, in 2026
// builds (live-2026.md, a staged rollout: both shapes occur), anchorless `div[role="button"]` rows
// under the labelled thread list, read as provisional conversations keyed by title until the open
// thread's URL gives the id (the thread then names that key, so the store folds the two together);
// `data-scope="messages_table"` rows with `mid.$…` bubble ids, `date_break` rows, `h6 > span`
// sender headings, the single-segment profile link of the peer. Outgoing vs incoming comes from
// layout (outgoing bubbles sit at the right edge): geometry when the page is laid out, else the
// computed flex alignment, else the presence of a sender heading/avatar (incoming only).
import type { ConversationTarget, HealthReport, PlatformAdapter, RowContext } from '../adapter';
import {
  LIMITS,
  isProvisionalKey,
  provisionalKey,
  type Attachment,
  type ConversationSnapshot,
  type MessageSnapshot,
  type ThreadSnapshot,
} from '../../lib/shared/model';
import { isBold, isVisuallyHidden, openThreadByUrl, submitByEnterThenButton, visibleText } from '../meta-actions';
import { waitUntil } from '../dom';
import { LABELS, NOT_PROFILES, OBSERVED_ATTRIBUTES, PROFILE_PATH, SEL, THREAD_PATH, DIRECT_PATH } from './selectors';
import { pageLang, parseDateBreak, parseRelativeTime } from '../meta-time';
import { cap, clean } from '../dom';
import { rowFlow } from '../meta-rows';

type OpenConversation = ThreadSnapshot['conversation'];

/** The thread id a link points to, or null. Accepts relative and absolute hrefs. */
export function threadIdOfHref(href: string | null): string | null {
  if (!href) return null;
  let path = href;
  if (/^https?:/i.test(href)) {
    try {
      const u = new URL(href);
      if (u.hostname !== 'www.instagram.com') return null;
      path = u.pathname;
    } catch {
      return null;
    }
  }
  const m = THREAD_PATH.exec(path);
  return m ? m[1]! : null;
}


function isInMessages(el: Element): boolean {
  return el.closest(SEL.rowOrBreak) !== null;
}

/** Text-bearing leaves of a row in order (skipping aria-hidden decoration). */
function textLeaves(root: Element): Element[] {
  const out: Element[] = [];
  for (const el of Array.from(root.querySelectorAll('*'))) {
    if (el.closest('[aria-hidden="true"]')) continue;
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && (n.nodeValue ?? '').trim() !== '');
    if (own) out.push(el);
  }
  return out;
}

function isLinkRow(el: Element): boolean {
  return el.matches(SEL.threadLink) && threadIdOfHref(el.getAttribute('href')) !== null;
}

/** A leaf hidden the screen-reader way (itself or its parent inside the row). */
function hiddenLeaf(leaf: Element, row: Element): boolean {
  if (isVisuallyHidden(leaf)) return true;
  const parent = leaf.parentElement;
  return parent !== null && parent !== row && row.contains(parent) && isVisuallyHidden(parent);
}

const UNREAD_WORDS = new Set<string>(LABELS.unread);

/** What a list row shows: title, preview, age, and whether a hidden leaf says "Unread". */
interface RowText {
  titleEl: Element;
  title: string;
  preview: string;
  lastMessageAt: number | null;
  hiddenUnread: boolean;
}

function readRowText(row: Element): RowText | null {
  // A visually hidden leaf ("Unread", "Online now"…) is an accessibility label, never the title,
  // preview or age: it is kept apart and only the unread words count.
  const visible: Element[] = [];
  let hiddenUnread = false;
  for (const leaf of textLeaves(row)) {
    if (hiddenLeaf(leaf, row)) {
      if (UNREAD_WORDS.has(clean(leaf.textContent ?? ''))) hiddenUnread = true;
    } else visible.push(leaf);
  }
  const titleEl = visible[0];
  if (!titleEl) return null;
  const title = cap(clean(titleEl.textContent ?? ''), LIMITS.titleChars);
  if (!title) return null;
  const lang = pageLang(row.ownerDocument);
  let lastMessageAt: number | null = null;
  let rest = visible.slice(1);
  const timeEl = rest[rest.length - 1];
  if (timeEl) {
    lastMessageAt = parseRelativeTime(clean(timeEl.textContent ?? ''), lang, Date.now());
    if (lastMessageAt !== null) rest = rest.slice(0, -1);
  }
  const preview = cap(
    clean(rest.map((e) => e.textContent ?? '').filter((t) => clean(t) !== '·').join(' ')),
    LIMITS.previewChars,
  );
  return { titleEl, title, preview, lastMessageAt, hiddenUnread };
}

/**
 * Whether a `div[role="button"]` has the shape of an inbox row: an avatar, a name and an age. Used
 * to find the thread list when its label is in a language the table does not know.
 */
function looksLikeInboxRow(el: Element): boolean {
  if (isInMessages(el) || !el.querySelector(SEL.image)) return false;
  const t = readRowText(el);
  return t !== null && t.lastMessageAt !== null;
}

/** The element that holds the thread list: labelled (LABELS), else the labelled ancestor of inbox-shaped rows. */
function threadList(doc: Document): Element | null {
  const labelled = doc.querySelector(SEL.threadList);
  if (labelled) return labelled;
  for (const b of Array.from(doc.querySelectorAll(SEL.anchorlessRow))) {
    if (b.closest(SEL.threadLink) || !looksLikeInboxRow(b)) continue;
    const list = b.parentElement?.closest('[aria-label]') ?? null;
    if (list && !list.closest(SEL.rowOrBreak) && list !== doc.body) return list;
  }
  return null;
}

/**
 * Rendered list rows, top to bottom: thread links (anywhere outside the messages, as before) and,
 * inside the thread list only, anchorless `div[role="button"][tabindex="0"]` rows (the outermost
 * one, never one inside or around a link row).
 */
function chatRows(doc: Document): Element[] {
  const list = threadList(doc);
  const scope: ParentNode = list ?? doc;
  const out: Element[] = [];
  for (const el of Array.from(scope.querySelectorAll(`${SEL.threadLink}, ${SEL.anchorlessRow}`))) {
    if (isInMessages(el)) continue;
    if (el.matches(SEL.threadLink)) {
      if (isLinkRow(el)) out.push(el);
      continue;
    }
    if (!list || el.closest(SEL.threadLink) || el.querySelector(SEL.threadLink)) continue;
    const outer = el.parentElement?.closest(SEL.anchorlessRow);
    if (outer && list.contains(outer)) continue;
    out.push(el);
  }
  return out;
}

/** Only the link rows (rows that carry a thread id). */
function chatLinks(doc: Document): Element[] {
  return chatRows(doc).filter(isLinkRow);
}

/** A small round element without text: Instagram's unread dot. */
function hasUnreadDot(row: Element): boolean {
  const win = row.ownerDocument.defaultView;
  if (!win) return false;
  for (const el of Array.from(row.querySelectorAll('div, span'))) {
    if (el.childElementCount > 0 || (el.textContent ?? '').trim() !== '') continue;
    const cs = win.getComputedStyle(el);
    const w = parseFloat(cs.width);
    const h = parseFloat(cs.height);
    if (w > 0 && w <= 12 && h > 0 && h <= 12 && /50%|999|\d{2,}px/.test(cs.borderRadius)) return true;
  }
  return false;
}

function parseChatRow(row: Element): Omit<ConversationSnapshot, 'listRank'> | null {
  const linked = row.matches(SEL.threadLink);
  const idFromLink = linked ? threadIdOfHref(row.getAttribute('href')) : null;
  if (linked && !idFromLink) return null;
  if (!linked && (!row.matches(SEL.anchorlessRow) || isInMessages(row))) return null;
  // A button around (or inside) a link row is that row's wrapper: the link row is the conversation.
  if (!linked && (row.querySelector(SEL.threadLink) || row.closest(SEL.threadLink))) return null;
  const text = readRowText(row);
  if (!text) return null;
  const avatars = row.querySelectorAll(SEL.image).length;
  // Without a link, only a row with an age or an avatar is a conversation (not a tab or a button).
  if (!linked && text.lastMessageAt === null && avatars === 0) return null;
  return {
    nativeId: idFromLink ?? provisionalKey(text.title),
    ...(idFromLink ? {} : { provisional: true }),
    title: text.title,
    isGroup: avatars >= 2,
    // Bold name (weight ≥ 600), the hidden "Unread" leaf, or the dot.
    unread: isBold(text.titleEl) || text.hiddenUnread || hasUnreadDot(row),
    // Instagram shows no per-thread number: unread is only marked.
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview: text.preview,
    lastMessageAt: text.lastMessageAt,
  };
}

function currentThreadId(doc: Document): string | null {
  return threadIdOfHref(doc.location?.pathname ?? null);
}

function chatRowFor(doc: Document, nativeId: string): Element | null {
  return chatLinks(doc).find((a) => threadIdOfHref(a.getAttribute('href')) === nativeId) ?? null;
}

/** A row's title as shown (its first visible leaf), without parsing the rest. */
function rowTitle(row: Element): string {
  return readRowText(row)?.title ?? '';
}

/**
 * Anchorless rows whose title is `title`. (A link row never stands for a thread whose own link is
 * not rendered: it names another id.)
 */
function anchorlessTitled(doc: Document, title: string): Element[] {
  const want = clean(title);
  return want === '' ? [] : chatRows(doc).filter((r) => !isLinkRow(r) && rowTitle(r) === want);
}

function composerOf(doc: Document): HTMLElement | null {
  const all = Array.from(doc.querySelectorAll<HTMLElement>(SEL.composer));
  const labelled = all.find((el) => (LABELS.composer as readonly string[]).includes(el.getAttribute('aria-label') ?? ''));
  return labelled ?? all[0] ?? null;
}

/** The open thread's pane: the largest ancestor of the composer (or first message row) without the thread list. */
function threadPane(doc: Document): Element | null {
  const start = composerOf(doc) ?? doc.querySelector(SEL.messageRow);
  const list = threadList(doc) ?? chatRows(doc)[0] ?? null;
  let pane: Element | null = null;
  for (let el = start?.parentElement ?? null; el && el !== doc.body && el !== doc.documentElement; el = el.parentElement) {
    if (list && el.contains(list)) break;
    pane = el;
  }
  return pane;
}

/**
 * The open thread's peer link: the topmost single-segment profile link in the thread pane, found by
 * climbing from the composer (or the first message row) until the pane would include the thread list.
 */
function peerLink(doc: Document): Element | null {
  const start = composerOf(doc) ?? doc.querySelector(SEL.messageRow);
  const list = threadList(doc) ?? chatLinks(doc)[0] ?? null;
  for (let el = start?.parentElement ?? null; el && el !== doc.documentElement; el = el.parentElement) {
    if (list && el.contains(list)) break;
    for (const a of Array.from(el.querySelectorAll(SEL.profileLink))) {
      if (isInMessages(a)) continue;
      const m = PROFILE_PATH.exec(a.getAttribute('href') ?? '');
      if (m && !NOT_PROFILES.has(m[1]!)) return a;
    }
  }
  return null;
}

/** The title the thread pane shows: the peer's name, else the first `dir="auto"` text above the messages (a group's name). */
function paneTitle(doc: Document): { title: string; peer: Element | null } {
  const peer = peerLink(doc);
  const peerName = peer ? clean(textLeaves(peer)[0]?.textContent ?? '') : '';
  if (peerName) return { title: cap(peerName, LIMITS.titleChars), peer };
  const pane = threadPane(doc);
  for (const el of pane ? Array.from(pane.querySelectorAll(SEL.bubbleText)) : []) {
    if (isInMessages(el) || el.closest(SEL.composer)) continue;
    const t = clean(el.textContent ?? '');
    if (t) return { title: cap(t, LIMITS.titleChars), peer };
  }
  const handle = peer ? (PROFILE_PATH.exec(peer.getAttribute('href') ?? '')?.[1] ?? '') : '';
  return { title: cap(handle, LIMITS.titleChars), peer };
}

/**
 * A route this adapter pushed that the app has not confirmed yet: while the URL names it and the
 * pane does not show `title`, the URL may name a thread the page does not show, so no thread is read.
 */
let unconfirmedRoute: { path: string; title: string } | null = null;

function openConversation(doc: Document): OpenConversation | null {
  const nativeId = currentThreadId(doc);
  if (!nativeId) return null;
  const row = chatRowFor(doc, nativeId);
  const fromList = row ? parseChatRow(row) : null;
  if (fromList?.title) return { nativeId, title: fromList.title, isGroup: fromList.isGroup };
  // The thread's list row is not rendered with its link (virtualised away, or a 2026 anchorless
  // row): the pane tells. Looked for only then, as it may look through every avatar link.
  const { title, peer } = paneTitle(doc);
  if (unconfirmedRoute && doc.location?.pathname === unconfirmedRoute.path && clean(title) !== clean(unconfirmedRoute.title)) return null;
  const hasHeadings = doc.querySelector(`${SEL.messageRow} ${SEL.senderHeading}`) !== null;
  const conv: OpenConversation = { nativeId, title, isGroup: !peer || hasHeadings };
  // An anchorless row of this thread was (or will be) read under its title's provisional key: name
  // it, so the store makes them one conversation. Not when two rows carry that title: that would
  // fold a namesake's conversation into this one.
  if (title && anchorlessTitled(doc, title).length <= 1) conv.provisionalKey = provisionalKey(title);
  return conv;
}

/** Message rows and date breaks; a break inside a messages_table cell (2026) is read through its cell. */
function messageRows(doc: Document): Element[] {
  return messageRowsIn(doc);
}

function messageRowsIn(root: ParentNode): Element[] {
  // One query whatever the thread's length: in document order a cell comes right before the break
  // inside it, so `contains` on the last cell tells a nested break without another query.
  const out: Element[] = [];
  let cell: Element | null = null;
  for (const el of Array.from(root.querySelectorAll(SEL.rowOrBreak))) {
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
function notSentMark(row: Element): Element | null {
  for (const b of Array.from(row.querySelectorAll(SEL.roleButton))) {
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

type Side = 'right' | 'left' | null;

/** Horizontal placement from the computed flex alignment between the bubble and its row. */
function sideFromStyle(bubble: Element, row: Element): Side {
  const win = row.ownerDocument.defaultView;
  if (!win) return null;
  let child: Element = bubble;
  for (let el = bubble.parentElement; el; el = el.parentElement) {
    const cs = win.getComputedStyle(el);
    if (cs.display.includes('flex')) {
      const dir = cs.flexDirection || 'row';
      const reversed = dir.endsWith('reverse');
      let value = cs.justifyContent;
      if (dir.startsWith('column')) {
        const self = win.getComputedStyle(child).alignSelf;
        value = self && self !== 'auto' && self !== 'normal' ? self : cs.alignItems;
      }
      if (/^(flex-end|end|right)$/.test(value)) return reversed && !dir.startsWith('column') ? 'left' : 'right';
      if (/^(flex-start|start|left)$/.test(value)) return reversed && !dir.startsWith('column') ? 'right' : 'left';
    }
    if (win.getComputedStyle(child).marginLeft === 'auto') return 'right';
    if (el === row) break;
    child = el;
  }
  return null;
}

/** Placement from geometry, when the page is laid out (a real browser). */
function sideFromGeometry(bubble: Element, row: Element): Side {
  const r = row.getBoundingClientRect();
  const b = bubble.getBoundingClientRect();
  if (r.width <= 0 || b.width <= 0) return null;
  const gapLeft = b.left - r.left;
  const gapRight = r.right - b.right;
  if (Math.abs(gapLeft - gapRight) < 8) return null;
  return gapRight < gapLeft ? 'right' : 'left';
}

function isOutgoing(bubble: Element, row: Element): boolean {
  // A sender heading or an avatar link only ever accompanies incoming messages.
  if (row.querySelector(SEL.senderHeading)) return false;
  const avatarLink = Array.from(row.querySelectorAll(SEL.profileLink)).some((a) => PROFILE_PATH.test(a.getAttribute('href') ?? ''));
  if (avatarLink) return false;
  const side = sideFromGeometry(bubble, row) ?? sideFromStyle(bubble, row);
  // No signal at all: call it incoming (a wrong "received" is safer than claiming the user said it).
  return side === 'right';
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
  const headingEl = row.querySelector(SEL.senderHeading);
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

function parseMessageRow(row: Element, conv: OpenConversation, at?: RowContext): MessageSnapshot | null {
  const { facts, above } = rows.step(row, at, () => messageRows(row.ownerDocument));
  const m = facts.message;
  if (!m) return null;
  const isSelf = facts.outgoing;
  // Incoming: the row's own heading, else (in a group) the burst's, else (1:1) the peer.
  const name = isSelf ? '' : facts.heading ?? (conv.isGroup ? above?.sender ?? '' : conv.title);
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

/** The message row a node is in: its messages_table cell (even for a break inside one), else its break. */
function messageRowOf(el: Element): Element | null {
  return el.closest(SEL.messageRow) ?? el.closest(SEL.dateBreak);
}

/** The outermost anchorless row around `el` inside the thread list, or null. */
function anchorlessRowOf(el: Element): Element | null {
  let row = el.closest(SEL.anchorlessRow);
  if (!row) return null;
  const list = threadList(el.ownerDocument);
  if (!list || !list.contains(row)) return null;
  for (let up = row.parentElement?.closest(SEL.anchorlessRow); up && list.contains(up); up = up.parentElement?.closest(SEL.anchorlessRow)) row = up;
  return row;
}

function rowOf(node: Node): { kind: 'chat' | 'message'; row: Element } | null {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!el) return null;
  const msg = messageRowOf(el);
  if (msg) return { kind: 'message', row: msg };
  const link = el.closest(SEL.threadLink);
  if (link && threadIdOfHref(link.getAttribute('href')) !== null) return { kind: 'chat', row: link };
  const bare = anchorlessRowOf(el);
  if (bare && !bare.querySelector(SEL.threadLink)) return { kind: 'chat', row: bare };
  // An added wrapper that holds exactly one row.
  const innerMsgs = messageRowsIn(el);
  if (innerMsgs.length === 1) return { kind: 'message', row: innerMsgs[0]! };
  if (innerMsgs.length > 0) return null;
  const innerLinks = Array.from(el.querySelectorAll(SEL.threadLink)).filter((a) => threadIdOfHref(a.getAttribute('href')));
  if (innerLinks.length === 1) return { kind: 'chat', row: innerLinks[0]! };
  if (innerLinks.length > 0) return null;
  const list = threadList(el.ownerDocument);
  if (list && list.contains(el)) {
    const inner = Array.from(el.querySelectorAll(SEL.anchorlessRow)).filter((r) => anchorlessRowOf(r) === r);
    if (inner.length === 1) return { kind: 'chat', row: inner[0]! };
  }
  return null;
}

/** Whether a list row yields a conversation (cheap: no styles read), as parseChatRow would. */
function rowReadable(row: Element): boolean {
  if (row.matches(SEL.threadLink)) return isLinkRow(row) && readRowText(row) !== null;
  const t = readRowText(row);
  return t !== null && (t.lastMessageAt !== null || row.querySelector(SEL.image) !== null);
}

/** Whether a messages_table cell shows a message: a mid.$ bubble (or a failed one) with text or media. */
function cellHasMessage(cell: Element): boolean {
  const bubble = cell.querySelector(SEL.bubble) ?? (notSentMark(cell) ? cell.querySelector(SEL.presentation) : null);
  if (!bubble) return false;
  return clean(bubble.textContent ?? '') !== '' || bubble.querySelector(`${SEL.image}, ${SEL.video}`) !== null;
}

function health(doc: Document): HealthReport {
  if (doc.querySelector(SEL.login) || /^\/accounts\/login/.test(doc.location?.pathname ?? '')) {
    return { state: 'not-logged-in', reason: 'Instagram shows its login form' };
  }
  const list = threadList(doc);
  const rows = chatRows(doc);
  if (!list && rows.length === 0) {
    if (doc.querySelector(SEL.progress)) return { state: 'loading', reason: 'Instagram is still loading' };
    return { state: 'layout-unknown', reason: 'thread list not found (no labelled list, no /direct/t/ links)' };
  }
  // A list with content whose rows yield nothing readable is a layout change, not an empty inbox.
  const listShows = rows.length > 0 || (list !== null && clean(list.textContent ?? '') !== '');
  if (listShows && !rows.some(rowReadable)) {
    return {
      state: 'layout-unknown',
      reason: `thread list rows unreadable: no ${SEL.threadLink} link and no ${SEL.anchorlessRow} row with a name and an age`,
    };
  }
  if (currentThreadId(doc)) {
    const anyRow = doc.querySelector(SEL.rowOrBreak);
    const composer = composerOf(doc);
    if (!anyRow && !composer) return { state: 'loading', reason: 'the open thread has not rendered yet' };
    // Rows present but none yields a message: the first bubble usually answers; else every cell is looked at.
    const first = doc.querySelector(`${SEL.messageRow} ${SEL.bubble}`);
    const firstCell = first ? first.closest(SEL.messageRow) : null;
    if (doc.querySelector(SEL.messageRow) && !(firstCell && cellHasMessage(firstCell))) {
      if (!Array.from(doc.querySelectorAll(SEL.messageRow)).some(cellHasMessage)) {
        return {
          state: 'layout-unknown',
          reason: `message rows (${SEL.messageRow}) yield no message: no ${SEL.bubble} bubble with text or media`,
        };
      }
    }
    if (!composer) return { state: 'layout-unknown', reason: 'composer (data-lexical-editor) not found' };
  }
  return { state: 'ok' };
}

/** Click a list row (the app routes it) and wait until `isOpen`. */
async function clickRow(row: Element, isOpen: () => boolean, timeoutMs = 4000): Promise<boolean> {
  const win = row.ownerDocument.defaultView;
  if (!win || !(row instanceof win.HTMLElement)) return false;
  row.click();
  return waitUntil(isOpen, timeoutMs);
}

/** Whether the pane shows a thread (composer or rows) titled `title` (any title when none is given). */
function paneShows(doc: Document, title: string): boolean {
  if (!composerOf(doc) && messageRows(doc).length === 0) return false;
  if (clean(title) === '') return true;
  return clean(paneTitle(doc).title) === clean(title);
}

/** A provisional target (an anchorless row's key): click the one row with that title, or refuse. */
async function openProvisional(doc: Document, target: ConversationTarget): Promise<boolean | 'ambiguous'> {
  const matches = chatRows(doc).filter((r) => !isLinkRow(r) && parseChatRow(r)?.nativeId === target.nativeId);
  if (matches.length > 1) return 'ambiguous';
  const title = target.nativeId.slice(1);
  const isOpen = () => currentThreadId(doc) !== null && openConversation(doc)?.provisionalKey === target.nativeId && paneShows(doc, title);
  if (isOpen()) return true;
  if (matches.length === 0) return false;
  return clickRow(matches[0]!, isOpen);
}

async function navigateTo(doc: Document, target: ConversationTarget): Promise<boolean | 'ambiguous'> {
  if (isProvisionalKey(target.nativeId)) return openProvisional(doc, target);
  const path = `/direct/t/${target.nativeId}/`;
  const link = chatRowFor(doc, target.nativeId);
  // Without a link to click, the URL route may leave the URL naming a thread the app did not
  // route to: then the pane must show the target's title before it counts as open.
  const verify = link === null && chatRows(doc).some((r) => !isLinkRow(r));
  const isOpen = () =>
    openConversation(doc)?.nativeId === target.nativeId &&
    (verify ? paneShows(doc, target.title) : composerOf(doc) !== null || messageRows(doc).length > 0);
  if (isOpen()) return true;
  if (!verify) return openThreadByUrl(doc, path, link, isOpen);
  // Nothing to confirm the pane against and no row to click: refuse rather than trust the URL.
  if (clean(target.title) === '') return false;
  const win = doc.defaultView;
  const before = win ? win.location.pathname + win.location.search : null;
  unconfirmedRoute = { path, title: target.title };
  try {
    if (await openThreadByUrl(doc, path, null, isOpen, 1500)) return true;
    // The router did not take it: put the URL back, then click the row whose title matches.
    if (win && before !== null && win.location.pathname === path) win.history.replaceState(win.history.state, '', before);
  } finally {
    unconfirmedRoute = null;
  }
  const byTitle = anchorlessTitled(doc, target.title);
  if (byTitle.length > 1) return 'ambiguous';
  if (byTitle.length === 0) return false;
  return clickRow(byTitle[0]!, isOpen);
}

/** The Send button: searching outward from the composer for one labelled Send/Kirim or type=submit. */
function findSendButton(composer: HTMLElement): HTMLElement | null {
  const labels = LABELS.send as readonly string[];
  for (let el = composer.parentElement; el; el = el.parentElement) {
    for (const b of Array.from(el.querySelectorAll<HTMLElement>(SEL.buttons))) {
      if (b.contains(composer)) continue;
      const label = clean(b.getAttribute('aria-label') ?? b.textContent ?? '');
      if (labels.includes(label) || b.matches(SEL.submitButton)) return b;
    }
    if (el.querySelector(SEL.rowOrBreak)) break; // left the composer bar
  }
  return null;
}

export const instagramAdapter: PlatformAdapter = {
  platform: 'instagram',
  selectors: SEL,
  observedAttributes: OBSERVED_ATTRIBUTES,
  isActiveUrl: (url) => url.hostname === 'www.instagram.com' && DIRECT_PATH.test(url.pathname),
  health,
  chatRows,
  parseChatRow,
  openConversation,
  messageRows,
  parseMessageRow,
  readsRowsAbove: true,
  rowOf,
  navigateTo,
  composer: composerOf,
  submit: (_doc, composer) => submitByEnterThenButton(composer, () => findSendButton(composer)),
};
