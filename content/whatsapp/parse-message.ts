// WhatsApp thread rows (#main's `[role="row"]`) → message snapshots: a bubble's outermost data-id
// gives the id (nested ids belong to quoted messages), its `data-pre-plain-text` the sender and
// minute; rows without an id are date dividers (dropped) or system notices (kept, id from text).
import { LIMITS, type MessageSnapshot, type ThreadSnapshot } from '../../lib/shared/model';
import { cap, childRows, queryAll } from '../dom';
import { attachmentsOf, bubbleOf, isOwnBubble, messageTextOf, ownPrePlain, quoteOf, statusOf } from './bubble';
import { dateOrder, noteDatePair, orderProven } from './date-order';
import { parseDataId } from './ids';
import { isLabel, LABEL, SEL } from './selectors';
import { readText } from './text';
import { parsePrePlainText, prePlainDatePair } from './time';

function isDateDivider(text: string): boolean {
  const t = text.trim();
  return (
    t.length <= 40 &&
    (/^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/.test(t) ||
      isLabel(t, LABEL.today) ||
      isLabel(t, LABEL.yesterday) ||
      /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|senin|selasa|rabu|kamis|jumat|sabtu|minggu)$/i.test(t) ||
      /^\d{1,2} \p{L}+( \d{4})?$/u.test(t))
  );
}

function stableHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/**
 * Notes the thread's stamped dates as evidence of the page's day/month order (the chat list's
 * dates use it too), until one settles it: a settled page is not searched again. Each row still
 * notes its own date when it is parsed, so a date that contradicts the evidence is still seen.
 */
export function noteThreadDates(doc: Document, main: Element): void {
  if (orderProven(doc)) return;
  const stamps = main.querySelectorAll(SEL.prePlain);
  for (let i = 0; i < stamps.length; i++) {
    if (noteDatePair(doc, prePlainDatePair(stamps[i]!.getAttribute('data-pre-plain-text'))) && orderProven(doc)) return;
  }
}

/** The rows of the open thread in #main, top to bottom (nothing noted). */
export function threadRows(main: Element): Element[] {
  const list = main.querySelector(SEL.messageList);
  const rows = list ? childRows(list, SEL.messageRow) : [];
  return rows.length ? rows : queryAll(main, SEL.messageRow);
}

/** The open thread's rows, its dates noted first as evidence of the page's day/month order. */
export function messageRows(doc: Document): Element[] {
  const main = doc.querySelector(SEL.main);
  if (!main) return [];
  noteThreadDates(doc, main);
  return threadRows(main);
}

export function parseMessageRow(row: Element, conversation: ThreadSnapshot['conversation']): MessageSnapshot | null {
  const holder = row.querySelector(SEL.dataId); // the outermost: nested ids belong to quoted messages
  if (!holder) {
    // Rows without data-id: date dividers (dropped) and system notices (kept, id from text).
    const text = readText(row).replace(/\s+/g, ' ').trim();
    if (!text || isDateDivider(text)) return null;
    return systemNotice(`sys.${stableHash(text)}`, text);
  }
  const id = parseDataId(holder.getAttribute('data-id'));
  if (!id) return null;
  // A handful of scoped queries per bubble, each result serving every check that needs it.
  const preEl = ownPrePlain(holder);
  const stamp = preEl?.getAttribute('data-pre-plain-text');
  // A row the runtime reads without walking the thread (an append) still adds its date as evidence
  // of the page's day/month order before it is read by it.
  noteDatePair(row.ownerDocument, prePlainDatePair(stamp));
  const pre = parsePrePlainText(stamp, dateOrder(row.ownerDocument).monthFirst);
  const textEl = messageTextOf(holder);
  const text = textEl ? readText(textEl) : '';
  const icons = queryAll(holder, SEL.anyIcon);
  const statusIcon = icons.find((i) => i.matches(SEL.statusIcon));
  const attachments = attachmentsOf(holder, icons, text);
  // 2026: notices such as "This business uses a secure service from Meta…" carry a data-id but
  // no bubble: no direction class, no sender stamp, no status, nothing attached. Not from the contact.
  if (id.fromMe === undefined && !bubbleOf(holder) && !preEl && !statusIcon && attachments.length === 0) {
    const notice = readText(holder).replace(/\s+/g, ' ').trim();
    return notice ? systemNotice(id.msgId, notice) : null;
  }
  const status = statusOf(statusIcon);
  const isSelf = isOwnBubble(holder, id.fromMe);
  const labelled = queryAll(holder, SEL.buttonOrLabelled);
  const truncated = labelled.some((b) => b.matches(SEL.button) && isLabel(b.textContent, LABEL.readMore));
  const senderName = isSelf ? '' : (pre?.sender ?? (conversation.isGroup ? '' : conversation.title));
  return {
    nativeId: id.msgId,
    sender: { name: cap(senderName, LIMITS.titleChars), isSelf },
    text,
    sentAt: pre?.at ?? null,
    timePrecision: pre ? 'minute' : 'none',
    status: isSelf ? (status ?? 'sent') : 'received',
    attachments,
    quote: quoteOf(labelled),
    system: false,
    truncated,
  };
}

function systemNotice(nativeId: string, text: string): MessageSnapshot {
  return {
    nativeId,
    sender: { name: '', isSelf: false },
    text: cap(text, LIMITS.previewChars),
    sentAt: null,
    timePrecision: 'none',
    status: 'received',
    attachments: [],
    quote: null,
    system: true,
    truncated: false,
  };
}
