// From a mutated node to the WhatsApp row it belongs to: a chat row in #pane-side, a message row
// in #main, so the runtime re-reads only the rows that changed.
import { SEL } from './selectors';

export function rowOf(node: Node): { kind: 'chat' | 'message'; row: Element } | null {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!el) return null;
  const row = el.closest(SEL.anyRow);
  if (!row) return null;
  if (row.closest(SEL.paneSide)) return { kind: 'chat', row };
  if (row.closest(SEL.main)) return { kind: 'message', row };
  return null;
}
