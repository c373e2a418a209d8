// Messenger's health: logged in, no PIN screen, a chat list whose rows link to threads and read,
// and in an open thread message rows someone can be attributed to and a composer. A state the
// adapter cannot read is said (layout-unknown, with the missing anchor), never an empty inbox.
import type { HealthReport } from '../adapter';
import { clean, queryAll } from '../dom';
import { chatRows, currentThreadId, parseChatRow } from './chat-list';
import { grammarsFor, parseMessageLabel, selfByLayout } from './message-label';
import { SEL } from './selectors';
import { composerOf } from './sending';
import { messageRows } from './thread-rows';

export function health(doc: Document): HealthReport {
  if (doc.querySelector(SEL.login)) return { state: 'not-logged-in', reason: 'Facebook shows its login form' };
  if (doc.querySelector(SEL.pin)) {
    return { state: 'pin-required', reason: 'Messenger asks for your PIN to restore encrypted chat history' };
  }
  const grid = doc.querySelector(SEL.chatGrid);
  if (!grid) {
    if (doc.querySelector(SEL.progress)) return { state: 'loading', reason: 'Messenger is still loading' };
    return { state: 'layout-unknown', reason: 'chat list ([role=navigation] [role=grid]) not found' };
  }
  const rows = chatRows(doc);
  if (rows.length === 0) {
    // Rows that show something but link to no thread: the row shape changed, not an empty inbox.
    const shown = queryAll(doc, `${SEL.chatGrid} ${SEL.chatRow}`).some((r) => clean(r.textContent ?? '') !== '');
    if (shown) return { state: 'layout-unknown', reason: 'chat list rows found but none links to a thread ([role=link] with a /t/ href)' };
    // Content in the list but no rows at all: the row anchor itself went (not a list still empty).
    if (clean(grid.textContent ?? '') !== '')
      return { state: 'layout-unknown', reason: 'the chat list shows content but no [role=row] rows' };
    // Facebook empties the list for a moment when the window regains focus: not "no chats".
    return { state: 'loading', reason: 'the chat list is empty for the moment' };
  }
  if (!rows.some((r) => parseChatRow(r) !== null)) {
    return { state: 'layout-unknown', reason: 'chat list rows found but none has a readable title' };
  }
  if (currentThreadId(doc)) return threadHealth(doc);
  return { state: 'ok' };
}

/** The open thread's part of health: its rows must yield messages, and its composer must be there. */
function threadHealth(doc: Document): HealthReport {
  const composer = composerOf(doc);
  // The first row is enough to know the thread rendered (a navigation row in main is not one).
  const first = doc.querySelector(SEL.messageAny);
  const messages = first !== null && (!first.closest(SEL.navigation) || messageRows(doc).some((r) => !r.matches(SEL.dateBreak)));
  if (!messages) {
    // Rendered rows with text but no message element: the message shape changed, not an empty chat.
    const rendered =
      queryAll(doc, SEL.threadArticle).some((a) => clean(a.textContent ?? '') !== '') ||
      clean(doc.querySelector(SEL.threadLog)?.textContent ?? '') !== '';
    if (rendered) return { state: 'layout-unknown', reason: 'thread rows found but no message element with data-message-id or role=row' };
    if (!composer && !doc.querySelector(SEL.messageRowOrBreak)) return { state: 'loading', reason: 'the open thread has not rendered yet' };
  } else {
    // 2026 message elements that neither their label nor the layout can attribute: nothing would be read.
    const elements = doc.querySelector(`${SEL.main} ${SEL.messageElement}`)
      ? queryAll(doc, `${SEL.main} ${SEL.messageElement}`).slice(-5)
      : [];
    const grammars = grammarsFor(doc);
    if (
      elements.length > 0 &&
      !elements.some((e) => parseMessageLabel(e.getAttribute('aria-label') ?? '', grammars) || selfByLayout(e) !== null)
    ) {
      return { state: 'layout-unknown', reason: 'message elements found but neither their aria-label nor the layout tells who sent them' };
    }
  }
  if (!composer) return { state: 'layout-unknown', reason: 'composer ([role=main] textbox) not found' };
  return { state: 'ok' };
}
