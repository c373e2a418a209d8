// How the Meta apps (Instagram Direct and Messenger) show text: screen-reader-only labels hidden
// by size or clip, unread rows by weight, emoji as `<img alt>`. Read-only helpers of both adapters.

/** Whether an element is visually hidden the way screen-reader-only text is (1px, clipped). */
export function isVisuallyHidden(el: Element): boolean {
  const win = el.ownerDocument.defaultView;
  if (!win) return false;
  const cs = win.getComputedStyle(el);
  // Overflow and position first: they need only style, where width and height need layout (a
  // read of them lays out the page when it has changed since the last frame). Nearly every
  // element is neither absolute nor overflow-hidden: it is answered by these two reads alone.
  const absolute = cs.position === 'absolute';
  if (!absolute && cs.overflow !== 'hidden') return false;
  const tiny = (v: string) => v === '1px' || v === '0px' || v === '0';
  if (tiny(cs.width) && tiny(cs.height)) return true;
  if (!absolute) return false;
  return (
    /rect\(0(px)?[ ,]+0(px)?[ ,]+0(px)?[ ,]+0(px)?\)/.test(cs.getPropertyValue('clip')) || cs.getPropertyValue('clip-path') === 'inset(50%)'
  );
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
    const tag = el.localName;
    if (tag === 'img') {
      out += el.getAttribute('alt') ?? '';
      return;
    }
    if (tag === 'br') {
      out += '\n';
      return;
    }
    if (tag === 'script' || tag === 'style' || skip(el)) return;
    const start = out.length;
    for (let child = el.firstChild; child; child = child.nextSibling) walk(child);
    // Asked only of elements that added text: most of a row's (icons, wrappers of images, spacers)
    // add none, and each answer is a computed style.
    if (out.length > start && isVisuallyHidden(el)) out = out.slice(0, start);
  };
  walk(root);
  return out.length > max ? out.slice(0, max) : out;
}
