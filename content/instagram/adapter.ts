// Instagram Direct adapter: reads the thread list and the open thread from the DOM and sends
// through the page's own Lexical composer. Anchors: thread links `/direct/t/<id>/`,
// `data-scope="messages_table"` rows with `mid.$…` bubble ids, `date_break` rows, `h6 > span`
// sender headings, the single-segment profile link of the peer. Outgoing vs incoming comes from
// layout (outgoing bubbles sit at the right edge): geometry when the page is laid out, else the
// computed flex alignment, else the presence of a sender heading/avatar (incoming only).
import type { ConversationTarget, HealthReport, PlatformAdapter, RowContext } from '../adapter';
import { LIMITS, type Attachment, type MessageSnapshot, type ThreadSnapshot } from '../../lib/model';
import { isBold, openThreadByUrl, submitByEnterThenButton, visibleText } from '../meta-actions';
import { LABELS, NOT_PROFILES, PROFILE_PATH, SEL, THREAD_PATH, DIRECT_PATH, threadListSelector } from './selectors';
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

/** The element that holds the thread list (labelled), or null. */
function threadList(doc: Document): Element | null {
  return doc.querySelector(threadListSelector());
}

function chatLinks(doc: Document): Element[] {
  const scope: ParentNode = threadList(doc) ?? doc;
  return Array.from(scope.querySelectorAll(SEL.threadLink)).filter(
    (a) => threadIdOfHref(a.getAttribute('href')) !== null && !isInMessages(a),
  );
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

function parseChatRow(row: Element) {
  const nativeId = threadIdOfHref(row.getAttribute('href'));
  if (!nativeId) return null;
  const leaves = textLeaves(row);
  const titleEl = leaves[0];
  if (!titleEl) return null;
  const title = cap(clean(titleEl.textContent ?? ''), LIMITS.titleChars);
  const lang = pageLang(row.ownerDocument);
  let lastMessageAt: number | null = null;
  let rest = leaves.slice(1);
  const timeEl = rest[rest.length - 1];
  if (timeEl) {
    lastMessageAt = parseRelativeTime(clean(timeEl.textContent ?? ''), lang, Date.now());
    if (lastMessageAt !== null) rest = rest.slice(0, -1);
  }
  const preview = cap(
    clean(rest.map((e) => e.textContent ?? '').filter((t) => clean(t) !== '·').join(' ')),
    LIMITS.previewChars,
  );
  const avatars = row.querySelectorAll(SEL.image).length;
  return {
    nativeId,
    title,
    isGroup: avatars >= 2,
    unread: isBold(titleEl) || hasUnreadDot(row),
    // Instagram shows no per-thread number: unread is only marked.
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview,
    lastMessageAt,
  };
}

function currentThreadId(doc: Document): string | null {
  return threadIdOfHref(doc.location?.pathname ?? null);
}

function chatRowFor(doc: Document, nativeId: string): Element | null {
  return chatLinks(doc).find((a) => threadIdOfHref(a.getAttribute('href')) === nativeId) ?? null;
}

function composerOf(doc: Document): HTMLElement | null {
  const all = Array.from(doc.querySelectorAll<HTMLElement>(SEL.composer));
  const labelled = all.find((el) => (LABELS.composer as readonly string[]).includes(el.getAttribute('aria-label') ?? ''));
  return labelled ?? all[0] ?? null;
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

function openConversation(doc: Document): OpenConversation | null {
  const nativeId = currentThreadId(doc);
  if (!nativeId) return null;
  const row = chatRowFor(doc, nativeId);
  const fromList = row ? parseChatRow(row) : null;
  if (fromList?.title) return { nativeId, title: fromList.title, isGroup: fromList.isGroup };
  // The thread's list row is not rendered (or untitled): the pane's peer link tells. Looked for
  // only then, as it may look through every avatar link of the thread.
  const peer = peerLink(doc);
  const peerName = peer ? clean(textLeaves(peer)[0]?.textContent ?? '') : '';
  const hasHeadings = doc.querySelector(`${SEL.messageRow} ${SEL.senderHeading}`) !== null;
  const title = peerName || (peer ? (PROFILE_PATH.exec(peer.getAttribute('href') ?? '')?.[1] ?? '') : '');
  return {
    nativeId,
    title: cap(title, LIMITS.titleChars),
    isGroup: fromList ? fromList.isGroup : !peer || hasHeadings,
  };
}

function messageRows(doc: Document): Element[] {
  return Array.from(doc.querySelectorAll(SEL.rowOrBreak));
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
}

/** What the rows above hand down: the day the nearest date break names, the burst's sender. */
interface Carried {
  day: number | null;
  /** In a group, the sender a heading named for the incoming bubbles below it ('' after a break or an outgoing bubble). */
  sender: string;
}

function readRowFacts(row: Element): RowFacts {
  if (row.matches(SEL.dateBreak)) return { breakLabel: clean(row.textContent ?? ''), heading: null, outgoing: false, message: null };
  const headingEl = row.querySelector(SEL.senderHeading);
  const heading = headingEl ? clean(headingEl.textContent ?? '') : null;
  const bubble = row.querySelector(SEL.bubble);
  const outgoing = bubble !== null && isOutgoing(bubble, row);
  if (!bubble || !row.matches(SEL.messageRow)) return { breakLabel: null, heading, outgoing, message: null };
  const textEl = bubble.querySelector(SEL.bubbleText) ?? bubble;
  const text = visibleText(textEl, LIMITS.textChars).trim();
  const attachments = attachmentsOf(bubble, text);
  const message = text === '' && attachments.length === 0 ? null : { nativeId: cap(bubble.id, LIMITS.nativeIdChars), text, attachments };
  return { breakLabel: null, heading, outgoing, message };
}

function carryDown(above: Carried | null, f: RowFacts): Carried {
  // A date break starts a day and ends any burst; a heading starts a burst, an outgoing bubble ends it.
  if (f.breakLabel !== null) return { day: parseDateBreak(f.breakLabel, Date.now()), sender: '' };
  const day = above?.day ?? null;
  if (f.heading !== null) return { day, sender: f.heading };
  if (f.outgoing) return { day, sender: '' };
  return { day, sender: above?.sender ?? '' };
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
  return {
    nativeId: m.nativeId,
    sender: { name: cap(name, LIMITS.titleChars), isSelf },
    text: m.text,
    sentAt: day,
    timePrecision: day === null ? 'none' : 'day',
    status: isSelf ? 'sent' : 'received',
    attachments: m.attachments,
    quote: null,
    system: false,
    truncated: false,
  };
}

function rowOf(node: Node): { kind: 'chat' | 'message'; row: Element } | null {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!el) return null;
  const msg = el.closest(SEL.rowOrBreak);
  if (msg) return { kind: 'message', row: msg };
  const link = el.closest(SEL.threadLink);
  if (link && threadIdOfHref(link.getAttribute('href')) !== null) return { kind: 'chat', row: link };
  // An added wrapper that holds exactly one row.
  const innerMsgs = el.querySelectorAll(SEL.rowOrBreak);
  if (innerMsgs.length === 1) return { kind: 'message', row: innerMsgs[0]! };
  const innerLinks = Array.from(el.querySelectorAll(SEL.threadLink)).filter((a) => threadIdOfHref(a.getAttribute('href')));
  if (innerLinks.length === 1 && innerMsgs.length === 0) return { kind: 'chat', row: innerLinks[0]! };
  return null;
}

function health(doc: Document): HealthReport {
  if (doc.querySelector(SEL.login) || /^\/accounts\/login/.test(doc.location?.pathname ?? '')) {
    return { state: 'not-logged-in', reason: 'Instagram shows its login form' };
  }
  const list = threadList(doc);
  const links = chatLinks(doc);
  if (!list && links.length === 0) {
    if (doc.querySelector(SEL.progress)) return { state: 'loading', reason: 'Instagram is still loading' };
    return { state: 'layout-unknown', reason: 'thread list not found (no labelled list, no /direct/t/ links)' };
  }
  if (currentThreadId(doc)) {
    const rows = doc.querySelector(SEL.rowOrBreak);
    const composer = composerOf(doc);
    if (!rows && !composer) return { state: 'loading', reason: 'the open thread has not rendered yet' };
    if (rows && !doc.querySelector(`${SEL.messageRow} ${SEL.bubble}`) && doc.querySelector(SEL.messageRow)) {
      return { state: 'layout-unknown', reason: 'message rows without mid.$ bubble ids' };
    }
    if (!composer) return { state: 'layout-unknown', reason: 'composer (data-lexical-editor) not found' };
  }
  return { state: 'ok' };
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
  isActiveUrl: (url) => url.hostname === 'www.instagram.com' && DIRECT_PATH.test(url.pathname),
  health,
  chatRows: chatLinks,
  parseChatRow,
  openConversation,
  messageRows,
  parseMessageRow,
  readsRowsAbove: true,
  rowOf,
  async navigateTo(doc: Document, target: ConversationTarget) {
    const path = `/direct/t/${target.nativeId}/`;
    const isOpen = () =>
      openConversation(doc)?.nativeId === target.nativeId && (composerOf(doc) !== null || messageRows(doc).length > 0);
    return openThreadByUrl(doc, path, chatRowFor(doc, target.nativeId), isOpen);
  },
  composer: composerOf,
  submit: (_doc, composer) => submitByEnterThenButton(composer, () => findSendButton(composer)),
};
