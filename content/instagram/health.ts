// Instagram's health: logged in, a thread list whose rows read, and in an open thread message
// cells with a bubble and a composer. A list or thread that shows content nothing reads is a
// layout change (layout-unknown, naming the anchor), never an empty inbox.
import type { HealthReport } from '../adapter';
import { clean, queryAll } from '../dom';
import { chatRows, currentThreadId, isLinkRow, readRowText, threadList } from './chat-list';
import { composerOf } from './open-thread';
import { notSentMark } from './parse-message';
import { SEL } from './selectors';

/** Whether a list row yields a conversation (cheap: no styles read), as parseChatRow would. */
function rowReadable(row: Element): boolean {
  if (row.matches(SEL.threadLink)) return isLinkRow(row) && readRowText(row) !== null;
  const t = readRowText(row);
  return t !== null && (t.lastMessageAt !== null || row.querySelector(SEL.image) !== null);
}

/** Whether a messages_table cell shows a message: a mid.$ bubble (or a failed one) with text or media. */
function cellHasMessage(cell: Element): boolean {
  const bubble = cell.querySelector(SEL.bubble) ?? (notSentMark(cell) ? cell.querySelector(SEL.presentation) : null);
  if (!bubble) return false;
  return clean(bubble.textContent ?? '') !== '' || bubble.querySelector(`${SEL.image}, ${SEL.video}`) !== null;
}

export function health(doc: Document): HealthReport {
  if (doc.querySelector(SEL.login) || /^\/accounts\/login/.test(doc.location?.pathname ?? '')) {
    return { state: 'not-logged-in', reason: 'Instagram shows its login form' };
  }
  const list = threadList(doc);
  const rows = chatRows(doc);
  if (!list && rows.length === 0) {
    if (doc.querySelector(SEL.progress)) return { state: 'loading', reason: 'Instagram is still loading' };
    return { state: 'layout-unknown', reason: 'thread list not found (no labelled list, no /direct/t/ links)' };
  }
  // A list with content whose rows yield nothing readable is a layout change, not an empty inbox.
  const listShows = rows.length > 0 || (list !== null && clean(list.textContent ?? '') !== '');
  if (listShows && !rows.some(rowReadable)) {
    return {
      state: 'layout-unknown',
      reason: `thread list rows unreadable: no ${SEL.threadLink} link and no ${SEL.anchorlessRow} row with a name and an age`,
    };
  }
  if (currentThreadId(doc)) {
    const anyRow = doc.querySelector(SEL.rowOrBreak);
    const composer = composerOf(doc);
    if (!anyRow && !composer) return { state: 'loading', reason: 'the open thread has not rendered yet' };
    // Rows present but none yields a message: the first bubble usually answers; else every cell is looked at.
    const first = doc.querySelector(`${SEL.messageRow} ${SEL.bubble}`);
    const firstCell = first ? first.closest(SEL.messageRow) : null;
    if (doc.querySelector(SEL.messageRow) && !(firstCell && cellHasMessage(firstCell))) {
      if (!queryAll(doc, SEL.messageRow).some(cellHasMessage)) {
        return {
          state: 'layout-unknown',
          reason: `message rows (${SEL.messageRow}) yield no message: no ${SEL.bubble} bubble with text or media`,
        };
      }
    }
    if (!composer) return { state: 'layout-unknown', reason: 'composer (data-lexical-editor) not found' };
  }
  return { state: 'ok' };
}
