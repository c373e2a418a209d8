// Sending on Messenger (only ever on the user's explicit Send): open the target thread by clicking
// its rendered list link (scrolling the virtualised list the way a person would, bounded), find
// the Lexical composer, and submit with Enter, the labelled Send button as the fallback.
import type { ConversationTarget } from '../adapter';
import { submitByEnterThenButton } from '../meta/actions';
import { clean, queryAll, sleep, waitUntil } from '../dom';
import { chatRowFor, threadLinkOf } from './chat-list';
import { openConversation } from './open-thread';
import { LABELS, SEL } from './selectors';
import { messageRows } from './thread-rows';

export function composerOf(doc: Document): HTMLElement | null {
  const all = queryAll<HTMLElement>(doc, SEL.composer);
  const labels = LABELS.composer as readonly string[];
  return all.find((el) => labels.includes(el.getAttribute('aria-label') ?? '')) ?? all[0] ?? null;
}

/** The element that scrolls the chat list: the grid itself or its nearest scrolling ancestor. */
function listScroller(grid: Element): HTMLElement | null {
  const win = grid.ownerDocument.defaultView;
  if (!win) return null;
  for (let el: Element | null = grid; el && !el.matches(SEL.navigation); el = el.parentElement) {
    if (/(auto|scroll)/.test(win.getComputedStyle(el).overflowY)) return el as HTMLElement;
  }
  return grid as HTMLElement;
}

/**
 * The rendered link of a thread's row, scrolling the virtualised list until it is rendered (the
 * way a person finds an older chat). Null when the list ends without it.
 */
async function findRenderedLink(doc: Document, nativeId: string): Promise<HTMLElement | null> {
  const linkNow = () => {
    const row = chatRowFor(doc, nativeId);
    const link = row ? threadLinkOf(row) : null;
    const win = doc.defaultView;
    return link && win && link instanceof win.HTMLElement ? link : null;
  };
  let link = linkNow();
  if (link) return link;
  const grid = queryAll(doc, SEL.chatGrid).find((g) => threadLinkOf(g)) ?? doc.querySelector(SEL.chatGrid);
  const scroller = grid ? listScroller(grid) : null;
  const win = doc.defaultView;
  if (!scroller || !win) return null;
  const start = scroller.scrollTop;
  const step = Math.max(200, Math.floor(scroller.clientHeight * 0.8));
  const tops = [0];
  for (let t = step; tops.length < 60; t += step) tops.push(t);
  for (const top of tops) {
    scroller.scrollTop = top;
    scroller.dispatchEvent(new win.Event('scroll'));
    await sleep(80);
    link = linkNow();
    if (link) return link;
    // The list ended (the scroller would not go further than the last position).
    if (top > 0 && scroller.scrollTop < top) break;
  }
  scroller.scrollTop = start;
  scroller.dispatchEvent(new win.Event('scroll'));
  return null;
}

/** The Send button, searching outward from the composer (never "Send a like"). */
function findSendButton(composer: HTMLElement): HTMLElement | null {
  const labels = LABELS.send as readonly string[];
  for (let el = composer.parentElement; el; el = el.parentElement) {
    for (const b of queryAll<HTMLElement>(el, SEL.buttons)) {
      if (b.contains(composer)) continue;
      const label = clean(b.getAttribute('aria-label') ?? b.textContent ?? '');
      if (labels.includes(label)) return b;
    }
    if (el.matches(SEL.main)) break;
  }
  return null;
}

export async function navigateTo(doc: Document, target: ConversationTarget): Promise<boolean> {
  const isOpen = () =>
    openConversation(doc)?.nativeId === target.nativeId &&
    (composerOf(doc) !== null || messageRows(doc).length > 0 || doc.querySelector(SEL.pin) !== null);
  if (isOpen()) return true;
  // Click the rendered row link: the app's router handles it (a thread change is a pushState).
  // No synthetic popstate: no source shows the router reacting to one (live-2026.md).
  const link = await findRenderedLink(doc, target.nativeId);
  if (!link) return false;
  link.click();
  return waitUntil(isOpen, 4000);
}

export function submit(composer: HTMLElement): Promise<boolean> {
  return submitByEnterThenButton(composer, () => findSendButton(composer));
}
