// Sending on WhatsApp (only ever on the user's explicit Send): open the target chat by clicking the
// one rendered row with its title and kind (refusing when two rows match and nothing tells them
// apart), wait for the header to show it, then click Send (WhatsApp ignores a synthetic Enter).
import type { ConversationTarget } from '../adapter';
import { isProvisionalKey, provisionalKey, titleKey, type ThreadSnapshot } from '../../lib/shared/model';
import { queryAll, waitUntil } from '../dom';
import { chatRows } from './chat-list';
import { chatRowParts, type ChatKind } from './chat-row';
import { openConversation } from './open-thread';
import { isLabel, LABEL, SEL } from './selectors';
import { chatKey } from './text';

interface WantedChat {
  title: string;
  /** null: the target's id does not say (a provisional key, or an id stored before kinds). */
  kind: ChatKind | null;
}

function wantedChat(t: ConversationTarget): WantedChat {
  const id = t.nativeId;
  const fromTitle = chatKey(t.title);
  for (const kind of ['dm', 'group'] as const) {
    if (!id.startsWith(`${kind}/`)) continue;
    // The id's title may be cut to the id limit: the full title when it makes the same id.
    return { title: titleKey(fromTitle, kind === 'group') === id ? fromTitle : chatKey(id.slice(kind.length + 1)), kind };
  }
  if (isProvisionalKey(id)) return { title: provisionalKey(fromTitle) === id ? fromTitle : chatKey(id.slice(1)), kind: null };
  return { title: chatKey(id) || fromTitle, kind: null }; // `whatsapp:<title>` from before kinds
}

function isWanted(c: ThreadSnapshot['conversation'] | null, want: WantedChat): boolean {
  if (!c || c.nativeId !== titleKey(want.title, c.isGroup)) return false;
  return want.kind === null || c.isGroup === (want.kind === 'group');
}

function click(doc: Document, row: Element): void {
  const cell = row.querySelector(SEL.gridCell) ?? row;
  const view = doc.defaultView!;
  for (const type of ['mousedown', 'mouseup', 'click'] as const) {
    cell.dispatchEvent(new view.MouseEvent(type, { bubbles: true, cancelable: true, view, button: 0 }));
  }
}
export async function navigateTo(doc: Document, target: ConversationTarget): Promise<boolean | 'ambiguous'> {
  const want = wantedChat(target);
  if (!want.title) return false;
  const rows = chatRows(doc).flatMap((row) => {
    const parts = chatRowParts(row);
    return parts && chatKey(parts.rawTitle) === want.title ? [{ row, kind: parts.kind }] : [];
  });
  // The row to open: the one row showing the target's kind; else the one row not showing any.
  // Two rows that nothing tells apart (same title, same or unknown kind): refuse rather than
  // post to a guess.
  const sameKind = want.kind ? rows.filter((r) => r.kind === want.kind) : [];
  const candidates = !want.kind ? rows : sameKind.length > 0 ? sameKind : rows.filter((r) => r.kind === null);
  if (candidates.length > 1) return 'ambiguous';
  const current = openConversation(doc);
  if (candidates.length === 0) {
    // Not rendered (scrolled away in the virtual list); an open chat of the right kind is it.
    return rows.length === 0 && want.kind !== null && isWanted(current, want);
  }
  if (isWanted(current, want)) return true;
  click(doc, candidates[0]!.row);
  // Go on only once the opened thread's header shows the target's title and kind.
  return waitUntil(() => isWanted(openConversation(doc), want), 3_000);
}

export function composerOf(doc: Document): HTMLElement | null {
  return doc.querySelector(SEL.main)?.querySelector<HTMLElement>(SEL.composer) ?? null;
}

export async function submit(doc: Document): Promise<boolean> {
  // The footer re-renders once the box holds text: look the button up again until it appears.
  const find = () => {
    const footer = doc.querySelector(SEL.main)?.querySelector(SEL.footer);
    if (!footer) return null;
    const byLabel = queryAll<HTMLElement>(footer, SEL.anyButton).find((b) => isLabel(b.getAttribute('aria-label'), LABEL.send));
    return byLabel ?? footer.querySelector(SEL.sendIcon)?.closest<HTMLElement>(SEL.anyButton) ?? null;
  };
  if (!(await waitUntil(() => find() !== null, 2_000))) return false;
  find()!.click();
  return true;
}
