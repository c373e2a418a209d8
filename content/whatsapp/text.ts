// Text as WhatsApp Web shows it: emoji images by their alt, line breaks as newlines; and the key a
// chat's title makes (folded whitespace, NFC), which is what names a chat (see adapter.ts).
import { LIMITS } from '../../lib/shared/model';
import { cap } from '../dom';
import { SEL } from './selectors';

export function chatKey(title: string): string {
  return title.normalize('NFC').replace(/\s+/g, ' ').trim().slice(0, LIMITS.nativeIdChars);
}

/** Text as the user sees it: emoji images by their alt, line breaks as newlines. */
export function readText(root: Node, skip?: (el: Element) => boolean): string {
  if (root.nodeType === 3) return cap(root.nodeValue ?? '', LIMITS.textChars);
  if (root.nodeType !== 1) return '';
  const el = root as Element;
  if (skip?.(el)) return '';
  const tag = el.tagName;
  if (tag === 'IMG') return cap(el.getAttribute('alt') ?? '', LIMITS.textChars);
  if (tag === 'BR') return '\n';
  // Without emoji images or line breaks the text is the element's own textContent (native, fast).
  if (!skip && !el.querySelector(SEL.textMarkup)) return cap(el.textContent ?? '', LIMITS.textChars);
  return cap(appendText(el, skip, ''), LIMITS.textChars);
}

/** `out` followed by the text under `parent` (see readText); stops once past the text limit. */
function appendText(parent: Element, skip: ((el: Element) => boolean) | undefined, out: string): string {
  for (let node = parent.firstChild; node && out.length <= LIMITS.textChars; node = node.nextSibling) {
    if (node.nodeType === 3) {
      out += node.nodeValue ?? '';
      continue;
    }
    if (node.nodeType !== 1) continue;
    const el = node as Element;
    if (skip?.(el)) continue;
    const tag = el.tagName;
    if (tag === 'IMG') out += el.getAttribute('alt') ?? '';
    else if (tag === 'BR') out += '\n';
    else out = appendText(el, skip, out);
  }
  return out;
}
