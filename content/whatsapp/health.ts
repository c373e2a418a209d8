// WhatsApp's health: a chat list (#pane-side) whose rows have titles, or the QR login screen, or
// "Use here" (open in another window); in an open chat, message rows that carry ids and bubbles.
// A recognised container whose rows read as nothing is a layout change, never an empty inbox.
import type { HealthReport } from '../adapter';
import { bubbleOf } from './bubble';
import { chatRowParts } from './chat-row';
import { parseDataId } from './ids';
import { noteThreadDates, threadRows } from './parse-message';
import { isLabel, LABEL, SEL } from './selectors';
import { chatKey } from './text';
import { queryAll } from '../dom';

/**
 * Whether the thread's rows read: rows with ids whose bubbles say who wrote them. The rows are
 * looked at from the top until one such bubble is found (the first, on a page that reads), not all
 * of a long thread's.
 */
function threadHealth(rows: Element[]): HealthReport | null {
  let holders = 0;
  for (const r of rows) {
    const h = r.querySelector(SEL.dataId);
    if (!h) continue;
    holders++;
    if (
      bubbleOf(h) ||
      h.querySelector(SEL.prePlain) ||
      h.querySelector(SEL.statusIcon) ||
      parseDataId(h.getAttribute('data-id'))?.fromMe !== undefined
    ) {
      return null;
    }
  }
  if (holders === 0) {
    // A new chat shows only the encryption notice and a date: a few rows without ids are normal.
    return rows.length >= 4 ? { state: 'layout-unknown', reason: 'the message rows in #main carry no data-id' } : null;
  }
  return holders < 3
    ? null
    : { state: 'layout-unknown', reason: 'the message bubbles in #main have neither message-in/out nor data-pre-plain-text' };
}

export function health(doc: Document): HealthReport {
  const pane = doc.querySelector(SEL.paneSide);
  if (pane) {
    if (!pane.querySelector(SEL.chatGrid))
      return { state: 'layout-unknown', reason: 'the chat list (#pane-side) has no grid or list inside' };
    const rows = queryAll(pane, SEL.chatRow);
    if (rows.length === 0 && pane.querySelector(SEL.chatCell)) {
      return { state: 'layout-unknown', reason: 'the chat cells in #pane-side are not in rows ([role="row"])' };
    }
    if (rows.length > 0 && !rows.some((r) => chatKey(chatRowParts(r)?.rawTitle ?? ''))) {
      return { state: 'layout-unknown', reason: 'no chat row in #pane-side has a title (span[dir="auto"][title])' };
    }
    const main = doc.querySelector(SEL.main);
    if (!main) return { state: 'ok' };
    // Before the chat list is read: its numeric dates take the order the thread's stamps prove.
    noteThreadDates(doc, main);
    return threadHealth(threadRows(main)) ?? { state: 'ok' };
  }
  if (doc.querySelector(SEL.qrCanvas)) return { state: 'not-logged-in', reason: 'the QR login screen is shown' };
  const buttons = queryAll(doc, SEL.anyButton);
  if (buttons.some((b) => isLabel(b.textContent, LABEL.useHere))) {
    return { state: 'inactive', reason: 'WhatsApp is open in another window ("Use here")' };
  }
  if (doc.readyState !== 'complete' || !doc.body || doc.body.childElementCount === 0) return { state: 'loading' };
  return { state: 'layout-unknown', reason: 'no chat list (#pane-side) and no login screen found' };
}
