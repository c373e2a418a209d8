// Actions shared by the two Meta adapters (Instagram Direct and Messenger): both route threads by
// URL on the client, both accept a synthetic Enter in their Lexical composer with a labelled Send
// button as the fallback. Used only on the user's explicit Send.
import { composerText } from '../composer';
import { waitUntil } from '../dom';

/**
 * Open a thread the way the app itself does: click its rendered link (the app's router handles it),
 * else push the URL and tell the router with a popstate event. Then wait until it is open.
 */
export async function openThreadByUrl(
  doc: Document,
  path: string,
  renderedLink: Element | null,
  isOpen: () => boolean,
  timeoutMs = 4000,
): Promise<boolean> {
  if (isOpen()) return true;
  const win = doc.defaultView;
  if (!win) return false;
  if (renderedLink instanceof win.HTMLElement) {
    renderedLink.click();
    if (await waitUntil(isOpen, Math.min(1500, timeoutMs))) return true;
  }
  if (win.location.pathname !== path) win.history.pushState(win.history.state, '', path);
  const PopState = win.PopStateEvent ?? PopStateEvent;
  win.dispatchEvent(new PopState('popstate', { state: win.history.state }));
  return waitUntil(isOpen, timeoutMs);
}

function pressEnter(el: HTMLElement): void {
  const win = el.ownerDocument.defaultView;
  const Ctor = win?.KeyboardEvent ?? KeyboardEvent;
  const init = { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true, cancelable: true, composed: true };
  el.focus();
  el.dispatchEvent(new Ctor('keydown', init));
  el.dispatchEvent(new Ctor('keypress', init));
  el.dispatchEvent(new Ctor('keyup', init));
}

/**
 * Send what the composer holds: Enter first; if the text is still there after `enterWaitMs`, click
 * the Send button `findSend` returns. True when the composer emptied (the app took the message).
 */
export async function submitByEnterThenButton(
  composer: HTMLElement,
  findSend: () => HTMLElement | null,
  enterWaitMs = 500,
): Promise<boolean> {
  if (composerText(composer).trim() === '') return false;
  const emptied = () => composerText(composer).trim() === '';
  pressEnter(composer);
  if (await waitUntil(emptied, enterWaitMs)) return true;
  const button = findSend();
  if (!button) return false;
  button.click();
  return waitUntil(emptied, 1000);
}
