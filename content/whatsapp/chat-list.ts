// WhatsApp's chat list (#pane-side): its rows in visual order (virtualised rows are positioned by
// transform), each read into a conversation by chat-row.ts. A row that cannot tell its kind gets a
// provisional id, save the selected row, which takes the open chat's kind.
import { LIMITS, provisionalKey, titleKey, type ConversationSnapshot } from '../../lib/shared/model';
import { cap, queryAll } from '../dom';
import { chatRowParts, chatRowTime, type ChatKind } from './chat-row';
import { dateOrder, noteDatePair } from './date-order';
import { openConversation } from './open-thread';
import { SEL } from './selectors';
import { chatKey, readText } from './text';
import { dayMonthPair, parseListTime } from './time';

function rowTop(row: Element): number {
  const style = row.getAttribute('style') ?? '';
  const t = /translateY\((-?[\d.]+)px\)/.exec(style) ?? /(?:^|;)\s*top:\s*(-?[\d.]+)px/.exec(style);
  return t ? Number(t[1]) : Number.NaN;
}

function noteListDates(doc: Document, rows: Element[]): void {
  for (const r of rows) noteDatePair(doc, dayMonthPair(chatRowTime(r)));
}

/**
 * The selected row is the open chat: it takes the thread's kind (which the header and the senders
 * tell) when no other rendered row has its title, so the chat in view is never provisional.
 */
function openChatKind(doc: Document, title: string): ChatKind | null {
  const open = openConversation(doc);
  if (!open || chatKey(open.title) !== title) return null;
  const pane = doc.querySelector(SEL.paneSide);
  const sameTitle = pane
    ? queryAll(pane, SEL.chatTitle).filter((t) => chatKey(t.getAttribute('title') || t.textContent || '') === title)
    : [];
  return sameTitle.length === 1 ? (open.isGroup ? 'group' : 'dm') : null;
}

export function chatRows(doc: Document): Element[] {
  const pane = doc.querySelector(SEL.paneSide);
  const rows = pane ? queryAll(pane, SEL.chatRow).filter((r) => r.querySelector(SEL.chatTitle)) : [];
  // Virtualised rows are positioned by transform; their DOM order is not the visual order.
  const tops = new Map(rows.map((r) => [r, rowTop(r)]));
  if (rows.every((r) => !Number.isNaN(tops.get(r)))) rows.sort((a, b) => tops.get(a)! - tops.get(b)!);
  noteListDates(doc, rows);
  return rows;
}

export function parseChatRow(row: Element): Omit<ConversationSnapshot, 'listRank'> | null {
  const parts = chatRowParts(row);
  const title = chatKey(parts?.rawTitle ?? '');
  if (!parts || !title) return null;
  const preview = parts.previewEl
    ? readText(parts.previewEl, (el) => el.hasAttribute('data-icon'))
        .replace(/\s+/g, ' ')
        .trim()
    : '';
  const kind = parts.kind ?? (row.getAttribute('aria-selected') === 'true' ? openChatKind(row.ownerDocument, title) : null);
  return {
    // Only a row that shows its kind gets the final id; the others are provisional (see top).
    nativeId: kind ? titleKey(title, kind === 'group') : provisionalKey(title),
    ...(kind ? {} : { provisional: true }),
    title: cap(parts.rawTitle, LIMITS.titleChars),
    isGroup: kind === 'group',
    unread: parts.unreadCount !== null && parts.unreadCount > 0,
    unreadCount: parts.unreadCount ?? 0,
    muted: !!row.querySelector(SEL.mutedIcon),
    archived: false,
    pinned: !!row.querySelector(SEL.pinnedIcon),
    preview: cap(preview, LIMITS.previewChars),
    lastMessageAt: parseListTime(parts.timeText, Date.now(), dateOrder(row.ownerDocument).monthFirst),
  };
}
