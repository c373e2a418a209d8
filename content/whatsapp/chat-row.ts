// One chat-list row, read by structure within the row. 2026 builds wrap the time, the preview and
// the badge each in their own divs (live-2026.md): they are not siblings of the title, so nothing
// here walks parent/sibling links from the title. Instead:
//   title    the row's `span[dir="auto"][title]`;
//   preview  the first `span[title]`/`span[dir]` outside the title, widened to its outermost span
//            (a group's "Budi" + ": " + text are spans of one preview span);
//   time     the first text leaf outside title and preview shaped like a list time;
//   badge    an `aria-label` like "3 unread messages" anywhere in the row;
//   kind     a group when the preview starts with a sender name span and ":" or the avatar is the
//            default-group icon, a 1:1 chat when the avatar is the default-user icon; else unknown.
import { SEL, UNREAD_LABEL } from './selectors';
import { isListTimeLabel } from './time';
import { queryAll, toArray } from '../dom';

export type ChatKind = 'group' | 'dm';

export interface ChatRowParts {
  titleEl: Element;
  /** The title as the row shows it (title attribute, else text). */
  rawTitle: string;
  previewEl: Element | null;
  timeText: string;
  unreadCount: number | null;
  /** null: the row does not tell (no sender prefix, no placeholder avatar). */
  kind: ChatKind | null;
}

function leafTexts(root: Element, skip: (el: Element) => boolean, out: Element[], max: number): void {
  for (let c = root.firstElementChild; c && out.length < max; c = c.nextElementSibling) {
    if (skip(c)) continue;
    if (c.firstElementChild) leafTexts(c, skip, out, max);
    else if ((c.textContent ?? '').trim()) out.push(c);
  }
}

function previewOf(row: Element, titleEl: Element): Element | null {
  for (const el of queryAll(row, SEL.previewSpan)) {
    if (el === titleEl || titleEl.contains(el) || el.contains(titleEl) || el.hasAttribute('aria-label')) continue;
    let outer = el;
    while (
      outer.parentElement &&
      outer.parentElement.tagName === 'SPAN' &&
      outer.parentElement !== row &&
      !outer.parentElement.contains(titleEl)
    ) {
      outer = outer.parentElement;
    }
    return outer;
  }
  return null;
}

/** A group's preview starts with the sender's name in its own span, then ":" ("Budi: ok"). */
function hasSenderPrefix(preview: Element): boolean {
  const parts = toArray(preview.children);
  const name = parts[0];
  const colon = parts[1];
  return (
    !!name &&
    !!colon &&
    name.getAttribute('dir') === 'auto' &&
    !name.hasAttribute('data-icon') &&
    (name.textContent ?? '').trim() !== '' &&
    /^:\s*$/.test((colon.textContent ?? '').trim())
  );
}

export function chatRowParts(row: Element): ChatRowParts | null {
  const titleEl = row.querySelector(SEL.chatTitle);
  if (!titleEl) return null;
  const rawTitle = titleEl.getAttribute('title') || titleEl.textContent || '';
  const previewEl = previewOf(row, titleEl);
  let unreadCount: number | null = null;
  let badge: Element | null = null;
  for (const el of queryAll(row, SEL.labelled)) {
    const m = UNREAD_LABEL.exec(el.getAttribute('aria-label') ?? '');
    if (m) {
      unreadCount = Number(m[1]);
      badge = el;
    }
  }
  const leaves: Element[] = [];
  const skip = (el: Element) => el === titleEl || el === previewEl || el === badge || el.hasAttribute('data-icon');
  leafTexts(row, skip, leaves, 8);
  const timeEl = leaves.find((l) => isListTimeLabel(l.textContent ?? ''));
  let kind: ChatKind | null = null;
  if (row.querySelector(SEL.defaultGroupIcon) || (previewEl && hasSenderPrefix(previewEl))) kind = 'group';
  else if (row.querySelector(SEL.defaultUserIcon)) kind = 'dm';
  return { titleEl, rawTitle, previewEl, timeText: (timeEl?.textContent ?? '').trim(), unreadCount, kind };
}

/** The time label alone (for gathering date-order evidence over the rendered list). */
export function chatRowTime(row: Element): string {
  return chatRowParts(row)?.timeText ?? '';
}
