// Messenger's thread rows, both shapes: 2026 `[data-message-id]` message elements and the older
// `[role="row"]` rows with a hidden "You sent"/"Anda mengirim" heading, plus date breaks. What the
// rows of either shape share: who sent an older row (its headings) and what a row shows (text,
// a picture, a video).
import { LIMITS, type Attachment } from '../../lib/shared/model';
import { isVisuallyHidden, visibleText } from '../meta/text';
import { clean, queryAll, toArray } from '../dom';
import { LABELS, SEL } from './selectors';

/** The open thread's message rows and date breaks, top to bottom (quoted parents and navigation rows left out). */
export function messageRows(doc: Document): Element[] {
  let rows = queryAll(doc, SEL.messageRowOrBreak);
  // A message element inside another (a quoted parent carrying its own id) is part of the outer one.
  const nested = rows.some((r) => r.hasAttribute('data-message-id')) ? doc.querySelectorAll(SEL.nestedMessage) : [];
  if (nested.length > 0) {
    const inner = new Set(toArray(nested));
    rows = rows.filter((r) => !inner.has(r));
  }
  // Rows of a navigation list that shares the main area are not messages. Such lists are few, so
  // they are found once, not by asking every row for its ancestors.
  const lists = queryAll(doc, SEL.navigation).filter((n) => n.closest(SEL.main) || n.querySelector(SEL.main));
  return lists.length === 0 ? rows : rows.filter((r) => !lists.some((n) => n.contains(r)));
}

function isSelfMarker(text: string): boolean {
  return LABELS.youSent.some((l) => text === l || text.startsWith(l + ' ') || text.startsWith(l + ':'));
}

/** Who sent the row: "me" (the hidden "You sent" heading), the heading's name, or "" (1:1). */
export function whoOf(row: Element): { self: boolean; name: string } {
  const all = queryAll(row, SEL.heading); // one query answers both questions below
  if (all.length === 0) return { self: false, name: '' };
  const headings = all.map((h) => clean(h.textContent ?? '')).filter((t) => t !== '');
  if (headings.some(isSelfMarker)) return { self: true, name: '' };
  // Prefer the hidden heading (full name) over the visible burst label.
  const hidden = all.find((h) => isVisuallyHidden(h));
  const name = hidden ? clean(hidden.textContent ?? '') : (headings[0] ?? '');
  return { self: false, name };
}

export function contentOf(row: Element, skip: (el: Element) => boolean): { text: string; attachments: Attachment[] } {
  const text = visibleText(row, LIMITS.textChars, skip)
    .replace(/[ \t]+\n/g, '\n')
    .trim();
  const attachments: Attachment[] = [];
  if (row.querySelector(SEL.video)) attachments.push({ kind: 'video', label: 'Video' });
  else if (text === '') {
    const img = queryAll(row, SEL.image).find((i) => !skip(i) && !skippedInside(i, row, skip));
    if (img) attachments.push({ kind: 'image', label: 'Photo' });
  }
  return { text, attachments };
}

function skippedInside(el: Element, root: Element, skip: (el: Element) => boolean): boolean {
  for (let a = el.parentElement; a && a !== root; a = a.parentElement) if (skip(a)) return true;
  return false;
}
