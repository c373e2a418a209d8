// Messenger's chat list: `[role="navigation"] [role="grid"]` rows linking to `/messages/t/<id>/` or
// `/messages/e2ee/t/<id>/` (one id), titles and previews as text leaves (emoji as `<img alt>`), and
// the unread marker: a visually hidden 1px leaf under an `html-span` parent (other hidden labels
// such as "Online now" are not it).
import { LIMITS } from '../../lib/shared/model';
import { isVisuallyHidden, visibleText } from '../meta/text';
import { pageLang, parseRelativeTime } from '../meta/time';
import { cap, clean, descendants, queryAll, toArray } from '../dom';
import { HOSTS, SEL, THREAD_PATH } from './selectors';

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

export function threadLinkOf(row: Element): Element | null {
  return queryAll(row, SEL.threadLink).find((a) => threadIdOfHref(a.getAttribute('href'))) ?? null;
}

export function chatRows(doc: Document): Element[] {
  const grid = queryAll(doc, SEL.chatGrid).find((g) => threadLinkOf(g));
  if (!grid) return [];
  return queryAll(grid, SEL.chatRow).filter((r) => threadLinkOf(r) !== null);
}

/** Elements carrying text (own text nodes or emoji images), skipping hidden and aria-hidden ones. */
function textLeaves(root: Element): Element[] {
  const out: Element[] = [];
  for (const el of descendants(root)) {
    if (el.closest(SEL.ariaHidden)) continue;
    const own = toArray(el.childNodes).some(
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
  return queryAll(row, SEL.unreadMarkerCandidate).some((el) => el.childElementCount === 0 && isOnePixelLeaf(el));
}

function isOnePixelLeaf(el: Element): boolean {
  const win = el.ownerDocument.defaultView;
  if (!win) return false;
  const cs = win.getComputedStyle(el);
  const tiny = (v: string) => v === '1px' || v === '0px' || v === '0';
  return cs.position === 'absolute' && tiny(cs.width) && tiny(cs.height);
}

export function parseChatRow(row: Element) {
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
    isGroup: link.querySelectorAll(SEL.image).length - link.querySelectorAll(SEL.namedImage).length >= 2,
    // Only the html-span marker (live-2026.md names it as the signal); weight alone is not trusted.
    unread: hasUnreadMarker(row),
    // Messenger shows read/unread only, never a number.
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview: cap(
      clean(
        rest
          .map(text)
          .filter((t) => t !== '·')
          .join(' '),
      ),
      LIMITS.previewChars,
    ),
    lastMessageAt,
  };
}

export function currentThreadId(doc: Document): string | null {
  return threadIdOfHref(doc.location?.pathname ?? null);
}

export function chatRowFor(doc: Document, nativeId: string): Element | null {
  return chatRows(doc).find((r) => threadIdOfHref(threadLinkOf(r)?.getAttribute('href') ?? null) === nativeId) ?? null;
}
