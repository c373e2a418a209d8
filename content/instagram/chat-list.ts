// Instagram Direct's thread list: link rows `/direct/t/<id>/` and, in 2026 builds (live-2026.md, a
// staged rollout: both shapes occur), anchorless `div[role="button"]` rows under the labelled thread
// list, read as provisional conversations keyed by title until the open thread's URL gives the id.
// A row's visible leaves give title, preview and age; a hidden "Unread" leaf, a bold title or the
// small round dot mark it unread.
import { LIMITS, provisionalKey, type ConversationSnapshot } from '../../lib/shared/model';
import { isBold, isVisuallyHidden } from '../meta/text';
import { pageLang, parseRelativeTime } from '../meta/time';
import { cap, clean, descendants, queryAll, toArray } from '../dom';
import { LABELS, SEL, THREAD_PATH } from './selectors';

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

export function isInMessages(el: Element): boolean {
  return el.closest(SEL.rowOrBreak) !== null;
}

/** Text-bearing leaves of a row in order (skipping aria-hidden decoration). */
export function textLeaves(root: Element): Element[] {
  const out: Element[] = [];
  for (const el of descendants(root)) {
    if (el.closest(SEL.ariaHidden)) continue;
    const own = toArray(el.childNodes).some((n) => n.nodeType === 3 && (n.nodeValue ?? '').trim() !== '');
    if (own) out.push(el);
  }
  return out;
}

export function isLinkRow(el: Element): boolean {
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

export function readRowText(row: Element): RowText | null {
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
    clean(
      rest
        .map((e) => e.textContent ?? '')
        .filter((t) => clean(t) !== '·')
        .join(' '),
    ),
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
export function threadList(doc: Document): Element | null {
  const labelled = doc.querySelector(SEL.threadList);
  if (labelled) return labelled;
  for (const b of queryAll(doc, SEL.anchorlessRow)) {
    if (b.closest(SEL.threadLink) || !looksLikeInboxRow(b)) continue;
    const list = b.parentElement?.closest(SEL.labelled) ?? null;
    if (list && !list.closest(SEL.rowOrBreak) && list !== doc.body) return list;
  }
  return null;
}

/**
 * Rendered list rows, top to bottom: thread links (anywhere outside the messages, as before) and,
 * inside the thread list only, anchorless `div[role="button"][tabindex="0"]` rows (the outermost
 * one, never one inside or around a link row).
 */
export function chatRows(doc: Document): Element[] {
  const list = threadList(doc);
  const scope: ParentNode = list ?? doc;
  const out: Element[] = [];
  for (const el of queryAll(scope, `${SEL.threadLink}, ${SEL.anchorlessRow}`)) {
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
export function chatLinks(doc: Document): Element[] {
  return chatRows(doc).filter(isLinkRow);
}

/** A small round element without text: Instagram's unread dot. */
function hasUnreadDot(row: Element): boolean {
  const win = row.ownerDocument.defaultView;
  if (!win) return false;
  for (const el of queryAll(row, SEL.box)) {
    if (el.childElementCount > 0 || (el.textContent ?? '').trim() !== '') continue;
    const cs = win.getComputedStyle(el);
    const w = parseFloat(cs.width);
    const h = parseFloat(cs.height);
    if (w > 0 && w <= 12 && h > 0 && h <= 12 && /50%|999|\d{2,}px/.test(cs.borderRadius)) return true;
  }
  return false;
}

export function parseChatRow(row: Element): Omit<ConversationSnapshot, 'listRank'> | null {
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

export function currentThreadId(doc: Document): string | null {
  return threadIdOfHref(doc.location?.pathname ?? null);
}

export function chatRowFor(doc: Document, nativeId: string): Element | null {
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
export function anchorlessTitled(doc: Document, title: string): Element[] {
  const want = clean(title);
  return want === '' ? [] : chatRows(doc).filter((r) => !isLinkRow(r) && rowTitle(r) === want);
}
