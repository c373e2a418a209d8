// Small DOM and timing helpers shared by the adapters and the runtime.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `check` until it holds or `timeoutMs` passes. */
export async function waitUntil(check: () => boolean, timeoutMs: number, stepMs = 25): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= until) return false;
    await sleep(stepMs);
  }
}

/** At most `max` characters (page text is capped before it leaves the page). */
export const cap = (s: string, max: number): string => (s.length > max ? s.slice(0, max) : s);

/** Whitespace runs folded to one space, ends trimmed: labels as a person reads them. */
export const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * A DOM list (NodeList, HTMLCollection) as an array, copied by index. `Array.from` on a DOM list
 * goes through its iterator, 2–3× the cost in Chromium; the parsers copy a few lists per row
 * (bench/README.md, "Scrape: DOM lists copied by index, and a WhatsApp stamp's parts read once").
 */
export function toArray<T>(list: ArrayLike<T>): T[] {
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) out.push(list[i]!);
  return out;
}

/** The elements under `root` that match `selector`, in document order, as an array. */
export function queryAll<E extends Element = Element>(root: ParentNode, selector: string): E[] {
  return toArray(root.querySelectorAll<E>(selector));
}

/**
 * The rows of a list element in order: its children that match `row` (one step per row, where a
 * descendant query would test every element of every row), or every matching descendant when
 * some child wraps rows instead of being one.
 */
export function childRows(list: Element, row: string): Element[] {
  const out: Element[] = [];
  for (let el = list.firstElementChild; el; el = el.nextElementSibling) {
    if (el.matches(row)) out.push(el);
    else if (el.querySelector(row)) return queryAll(list, row);
  }
  return out;
}

/** Whether an element scrolls its content vertically (its overflow-y lets it), whether or not it overflows now. */
export function scrollsY(el: Element): boolean {
  const win = el.ownerDocument.defaultView;
  return !!win && /^(auto|scroll|overlay)$/.test(win.getComputedStyle(el).overflowY);
}

/** The nearest element from `from` up to `stop` (both included) that scrolls vertically, or null. */
export function scrollingAncestor(from: Element, stop: Element | null = null): HTMLElement | null {
  const win = from.ownerDocument.defaultView;
  for (let el: Element | null = from; el; el = el.parentElement) {
    if (win && el instanceof win.HTMLElement && scrollsY(el)) return el;
    if (el === stop) break;
  }
  return null;
}

/** Every element under `root`, in document order. */
export function descendants(root: Element): Element[] {
  return queryAll(root, '*');
}
