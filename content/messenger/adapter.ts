// Messenger adapter (www.facebook.com/messages): reads the chat list and the open thread from the
// DOM and sends through the page's Lexical composer. Anchors: `[role="navigation"] [role="grid"]`
// rows linking to `/messages/t/<id>/` or `/messages/e2ee/t/<id>/` (one id), an unread marker that
// is a visually hidden element (found by style, not by text), `[role="main"]` message rows with a
// hidden "You sent"/"Anda mengirim" heading on outgoing ones, emoji as `<img alt>`, date breaks,
// and the PIN input of encrypted history. Message ids are derived: see message-id.ts.
import type { ConversationTarget, HealthReport, PlatformAdapter, RowContext } from '../adapter';
import { LIMITS, type Attachment, type MessageSnapshot, type ThreadSnapshot } from '../../lib/model';
import { isBold, isVisuallyHidden, openThreadByUrl, submitByEnterThenButton, visibleText } from '../meta-actions';
import { pageLang, parseDateBreak, parseRelativeTime } from '../meta-time';
import { cap, clean } from '../dom';
import { messageId, sectionKey } from './message-id';
import { rowFlow } from '../meta-rows';
import { HOSTS, LABELS, MESSAGES_PATH, SEL, THREAD_PATH } from './selectors';

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

/** The unread marker: a visually hidden element in the row (its text is translated; its shape is not). */
function hasHiddenMarker(row: Element): boolean {
  return Array.from(row.querySelectorAll('span, div')).some((el) => (el.textContent ?? '').trim() !== '' && isVisuallyHidden(el));
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
    unread: hasHiddenMarker(row) || isBold(titleEl),
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
  const rows = Array.from(doc.querySelectorAll(SEL.messageRowOrBreak));
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

function contentOf(row: Element): { text: string; attachments: Attachment[] } {
  const skip = (el: Element) => el.matches(SEL.heading);
  const text = visibleText(row, LIMITS.textChars, skip).replace(/[ \t]+\n/g, '\n').trim();
  const attachments: Attachment[] = [];
  if (row.querySelector(SEL.video)) attachments.push({ kind: 'video', label: 'Video' });
  else if (text === '') {
    const img = Array.from(row.querySelectorAll(SEL.image)).find((i) => !skip(i));
    if (img) attachments.push({ kind: 'image', label: 'Photo' });
  }
  return { text, attachments };
}

/** What a row's own node says: read once per node and kept until the node changes. */
interface RowFacts {
  /** A date break's label, else null. */
  breakLabel: string | null;
  who: { self: boolean; name: string };
  text: string;
  attachments: Attachment[];
  /** Who + content, what the derived id hashes (see message-id.ts); null for rows that are not messages. */
  identity: { who: string; content: string } | null;
}

/** What a row hands down: the day of its section, and its own place in it (for the ids below). */
interface Carried {
  day: number | null;
  /** The row's identity key (who + content) and how many rows above it in its section share it. */
  key: string | null;
  n: number;
}

function readRowFacts(row: Element): RowFacts {
  if (row.matches(SEL.dateBreak)) {
    return { breakLabel: clean(row.textContent ?? ''), who: { self: false, name: '' }, text: '', attachments: [], identity: null };
  }
  const { text, attachments } = contentOf(row);
  const who = whoOf(row);
  const identity =
    text === '' && attachments.length === 0
      ? null
      : { who: who.self ? 'me' : who.name, content: `${text}\u0001${attachments.map((a) => a.kind).join(',')}` };
  return { breakLabel: null, who, text, attachments, identity };
}

function carryDown(above: Carried | null, f: RowFacts, rows: readonly Element[], index: number): Carried {
  if (f.breakLabel !== null) return { day: parseDateBreak(f.breakLabel, Date.now()), key: null, n: 0 };
  const day = above?.day ?? null;
  if (!f.identity) return { day, key: null, n: 0 };
  const key = `${f.identity.who}\u0000${f.identity.content}`;
  return { day, key, n: sameAbove(rows, index, day, key) };
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

function parseMessageRow(row: Element, conv: OpenConversation, at?: RowContext): MessageSnapshot | null {
  const { facts, below } = flow.step(row, at, () => messageRows(row.ownerDocument));
  if (!facts.identity) return null;
  const { who, text, attachments } = facts;
  return {
    nativeId: cap(messageId(below.day, facts.identity.who, facts.identity.content, below.n), LIMITS.nativeIdChars),
    sender: {
      name: cap(who.self ? '' : who.name || (conv.isGroup ? '' : conv.title), LIMITS.titleChars),
      isSelf: who.self,
    },
    text,
    sentAt: below.day,
    timePrecision: below.day === null ? 'none' : 'day',
    status: who.self ? 'sent' : 'received',
    attachments,
    quote: null,
    system: false,
    truncated: false,
  };
}

function openConversation(doc: Document): OpenConversation | null {
  const nativeId = currentThreadId(doc);
  if (!nativeId) return null;
  const row = chatRowFor(doc, nativeId);
  const fromList = row ? parseChatRow(row) : null;
  const heading = Array.from(doc.querySelectorAll(SEL.pageHeading)).find((h) => clean(h.textContent ?? '') !== '');
  const title = fromList?.title || (heading ? clean(visibleText(heading, LIMITS.titleChars)) : '');
  // Without the list row: incoming rows that carry a sender heading mean a group (asked only then:
  // it reads every row).
  const groupByRows = () =>
    messageRows(doc).some((r) => {
      const w = r.matches(SEL.dateBreak) ? null : whoOf(r);
      return w !== null && !w.self && w.name !== '';
    });
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
  return inner.length === 1 ? classify(inner[0]!) : null;
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
  if (chatRows(doc).length === 0) {
    // Facebook empties the list for a moment when the window regains focus: not "no chats".
    return { state: 'loading', reason: 'the chat list is empty for the moment' };
  }
  if (currentThreadId(doc)) {
    const composer = composerOf(doc);
    // The first row is enough to know the thread rendered (a navigation row in main is not one).
    const first = doc.querySelector(SEL.messageRowOrBreak);
    const rows = first !== null && (!first.closest('[role="navigation"]') || messageRows(doc).length > 0);
    if (!rows && !composer) return { state: 'loading', reason: 'the open thread has not rendered yet' };
    if (!composer) return { state: 'layout-unknown', reason: 'composer ([role=main] textbox) not found' };
  }
  return { state: 'ok' };
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
    const row = chatRowFor(doc, target.nativeId);
    const link = row ? threadLinkOf(row) : null;
    // Keep the row's own path (it knows whether the thread is /e2ee/); else the plain /t/ path.
    const path = link?.getAttribute('href')?.startsWith('/messages/') ? link.getAttribute('href')! : `/messages/t/${target.nativeId}/`;
    const isOpen = () =>
      openConversation(doc)?.nativeId === target.nativeId &&
      (composerOf(doc) !== null || messageRows(doc).length > 0 || doc.querySelector(SEL.pin) !== null);
    return openThreadByUrl(doc, path, link, isOpen);
  },
  composer: composerOf,
  submit: (_doc, composer) => submitByEnterThenButton(composer, () => findSendButton(composer)),
};
