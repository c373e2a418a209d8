// The open Messenger thread: which conversation it is (the URL's id, titled by its list row or the
// page heading) and which row a mutated node belongs to.
import { LIMITS, type ThreadSnapshot } from '../../lib/shared/model';
import { visibleText } from '../meta/text';
import { cap, clean, queryAll } from '../dom';
import { chatRowFor, currentThreadId, parseChatRow, threadLinkOf } from './chat-list';
import { grammarsFor, parseMessageLabel, statusOfRow } from './message-label';
import { SEL } from './selectors';
import { messageRows, whoOf } from './thread-rows';

type OpenConversation = ThreadSnapshot['conversation'];

export function openConversation(doc: Document): OpenConversation | null {
  const nativeId = currentThreadId(doc);
  if (!nativeId) return null;
  const row = chatRowFor(doc, nativeId);
  const fromList = row ? parseChatRow(row) : null;
  // The page's headings only when the list row gives no title: finding them searches the whole page.
  const headingTitle = () => {
    const heading = queryAll(doc, SEL.pageHeading).find((h) => clean(h.textContent ?? '') !== '');
    return heading ? clean(visibleText(heading, LIMITS.titleChars)) : '';
  };
  const title = fromList?.title || headingTitle();
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

export function rowOf(node: Node): { kind: 'chat' | 'message'; row: Element } | null {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!el) return null;
  const classify = (r: Element): { kind: 'chat' | 'message'; row: Element } | null => {
    if (r.closest(SEL.navigation)) return threadLinkOf(r) ? { kind: 'chat', row: r } : null;
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
