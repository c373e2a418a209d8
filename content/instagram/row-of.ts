// From a mutated node to the Instagram row it belongs to (a message cell or break, a link row, an
// anchorless row of the thread list), so the runtime re-reads only the rows that changed.
import { threadIdOfHref, threadList } from './chat-list';
import { messageRowsIn } from './parse-message';
import { SEL } from './selectors';
import { queryAll } from '../dom';

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
  for (let up = row.parentElement?.closest(SEL.anchorlessRow); up && list.contains(up); up = up.parentElement?.closest(SEL.anchorlessRow))
    row = up;
  return row;
}

export function rowOf(node: Node): { kind: 'chat' | 'message'; row: Element } | null {
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
  const innerLinks = queryAll(el, SEL.threadLink).filter((a) => threadIdOfHref(a.getAttribute('href')));
  if (innerLinks.length === 1) return { kind: 'chat', row: innerLinks[0]! };
  if (innerLinks.length > 0) return null;
  const list = threadList(el.ownerDocument);
  if (list && list.contains(el)) {
    const inner = queryAll(el, SEL.anchorlessRow).filter((r) => anchorlessRowOf(r) === r);
    if (inner.length === 1) return { kind: 'chat', row: inner[0]! };
  }
  return null;
}
