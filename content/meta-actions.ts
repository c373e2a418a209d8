// Actions shared by the two Meta adapters (Instagram Direct and Messenger): both route threads by
// URL on the client, both accept a synthetic Enter in their Lexical composer with a labelled Send
// button as the fallback. Used only on the user's explicit Send.
import { composerText } from './composer';
import { waitUntil } from './dom';

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

/** Whether an element is visually hidden the way screen-reader-only text is (1px, clipped). */
export function isVisuallyHidden(el: Element): boolean {
  const win = el.ownerDocument.defaultView;
  if (!win) return false;
  const cs = win.getComputedStyle(el);
  const tiny = (v: string) => v === '1px' || v === '0px' || v === '0';
  if (tiny(cs.width) && tiny(cs.height) && (cs.overflow === 'hidden' || cs.position === 'absolute')) return true;
  const clip = cs.getPropertyValue('clip');
  const clipPath = cs.getPropertyValue('clip-path');
  return cs.position === 'absolute' && (/rect\(0(px)?[ ,]+0(px)?[ ,]+0(px)?[ ,]+0(px)?\)/.test(clip) || clipPath === 'inset(50%)');
}

/** Whether text in `el` is shown bold (Meta marks unread rows by weight). */
export function isBold(el: Element): boolean {
  const win = el.ownerDocument.defaultView;
  if (!win) return false;
  const w = win.getComputedStyle(el).fontWeight;
  return w === 'bold' || w === 'bolder' || Number(w) >= 600;
}

/**
 * Text as the user sees it: text nodes, emoji images by their alt, line breaks; skipping
 * visually-hidden accessibility markers and anything `skip` rejects. Capped at `max` characters.
 */
export function visibleText(root: Element, max: number, skip: (el: Element) => boolean = () => false): string {
  let out = '';
  const walk = (node: Node): void => {
    if (out.length >= max) return;
    if (node.nodeType === 3) {
      out += node.nodeValue ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as Element;
    const tag = el.tagName.toLowerCase();
    if (tag === 'img') {
      out += el.getAttribute('alt') ?? '';
      return;
    }
    if (tag === 'br') {
      out += '\n';
      return;
    }
    if (tag === 'script' || tag === 'style' || skip(el) || isVisuallyHidden(el)) return;
    for (const child of Array.from(el.childNodes)) walk(child);
  };
  walk(root);
  return out.length > max ? out.slice(0, max) : out;
}
