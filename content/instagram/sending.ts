// Sending on Instagram (only ever on the user's explicit Send): open the target thread (click its
// link, or route by URL and confirm the pane shows it; a provisional target by clicking the one
// anchorless row with its title, refusing when two carry it), then Enter in the Lexical composer
// with the labelled Send button as the fallback.
import type { ConversationTarget } from '../adapter';
import { isProvisionalKey } from '../../lib/shared/model';
import { openThreadByUrl, submitByEnterThenButton } from '../meta/actions';
import { clean, queryAll, waitUntil } from '../dom';
import { anchorlessTitled, chatRowFor, chatRows, currentThreadId, isLinkRow, parseChatRow } from './chat-list';
import { composerOf, openConversation, paneTitle, setUnconfirmedRoute } from './open-thread';
import { messageRows } from './parse-message';
import { LABELS, SEL } from './selectors';

/** Click a list row (the app routes it) and wait until `isOpen`. */
async function clickRow(row: Element, isOpen: () => boolean, timeoutMs = 4000): Promise<boolean> {
  const win = row.ownerDocument.defaultView;
  if (!win || !(row instanceof win.HTMLElement)) return false;
  row.click();
  return waitUntil(isOpen, timeoutMs);
}

/** Whether the pane shows a thread (composer or rows) titled `title` (any title when none is given). */
function paneShows(doc: Document, title: string): boolean {
  if (!composerOf(doc) && messageRows(doc).length === 0) return false;
  if (clean(title) === '') return true;
  return clean(paneTitle(doc).title) === clean(title);
}

/** A provisional target (an anchorless row's key): click the one row with that title, or refuse. */
async function openProvisional(doc: Document, target: ConversationTarget): Promise<boolean | 'ambiguous'> {
  const matches = chatRows(doc).filter((r) => !isLinkRow(r) && parseChatRow(r)?.nativeId === target.nativeId);
  if (matches.length > 1) return 'ambiguous';
  const title = target.nativeId.slice(1);
  const isOpen = () => currentThreadId(doc) !== null && openConversation(doc)?.provisionalKey === target.nativeId && paneShows(doc, title);
  if (isOpen()) return true;
  if (matches.length === 0) return false;
  return clickRow(matches[0]!, isOpen);
}

export async function navigateTo(doc: Document, target: ConversationTarget): Promise<boolean | 'ambiguous'> {
  if (isProvisionalKey(target.nativeId)) return openProvisional(doc, target);
  const path = `/direct/t/${target.nativeId}/`;
  const link = chatRowFor(doc, target.nativeId);
  // Without a link to click, the URL route may leave the URL naming a thread the app did not
  // route to: then the pane must show the target's title before it counts as open.
  const verify = link === null && chatRows(doc).some((r) => !isLinkRow(r));
  const isOpen = () =>
    openConversation(doc)?.nativeId === target.nativeId &&
    (verify ? paneShows(doc, target.title) : composerOf(doc) !== null || messageRows(doc).length > 0);
  if (isOpen()) return true;
  if (!verify) return openThreadByUrl(doc, path, link, isOpen);
  // Nothing to confirm the pane against and no row to click: refuse rather than trust the URL.
  if (clean(target.title) === '') return false;
  const win = doc.defaultView;
  const before = win ? win.location.pathname + win.location.search : null;
  setUnconfirmedRoute({ path, title: target.title });
  try {
    if (await openThreadByUrl(doc, path, null, isOpen, 1500)) return true;
    // The router did not take it: put the URL back, then click the row whose title matches.
    if (win && before !== null && win.location.pathname === path) win.history.replaceState(win.history.state, '', before);
  } finally {
    setUnconfirmedRoute(null);
  }
  const byTitle = anchorlessTitled(doc, target.title);
  if (byTitle.length > 1) return 'ambiguous';
  if (byTitle.length === 0) return false;
  return clickRow(byTitle[0]!, isOpen);
}

/** The Send button: searching outward from the composer for one labelled Send/Kirim or type=submit. */
function findSendButton(composer: HTMLElement): HTMLElement | null {
  const labels = LABELS.send as readonly string[];
  for (let el = composer.parentElement; el; el = el.parentElement) {
    for (const b of queryAll<HTMLElement>(el, SEL.buttons)) {
      if (b.contains(composer)) continue;
      const label = clean(b.getAttribute('aria-label') ?? b.textContent ?? '');
      if (labels.includes(label) || b.matches(SEL.submitButton)) return b;
    }
    if (el.querySelector(SEL.rowOrBreak)) break; // left the composer bar
  }
  return null;
}

export function submit(composer: HTMLElement): Promise<boolean> {
  return submitByEnterThenButton(composer, () => findSendButton(composer));
}
