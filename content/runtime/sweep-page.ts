// The page as a sweep touches it: a scroll box measured from its content's top whatever its
// direction (Instagram's thread is column-reverse: scrollTop 0 at the newest, negative upwards),
// anchors that put a list back where the user had it, and the user's own input, which ends a run.

/** A scrolling element, measured from the top of its content. Injected in tests (no real layout there). */
export interface ScrollBox {
  /** How far the view is scrolled from the content's top (0 at the top). */
  top(): number;
  /** The visible height. */
  view(): number;
  /** The content's height. */
  extent(): number;
  /** Scroll so the view starts `top` from the content's top (clamped to the content). */
  setTop(top: number): void;
  /** Where `el` starts, measured from the view's top (negative above it). */
  offsetOf(el: Element): number;
}

/** The real element's geometry. */
export function domScrollBox(el: HTMLElement): ScrollBox {
  const win = el.ownerDocument.defaultView;
  // A column-reverse box scrolls in negative offsets from its bottom (Chrome, Firefox, Safari alike).
  const reversed = () => win?.getComputedStyle(el).flexDirection === 'column-reverse';
  const span = () => Math.max(0, el.scrollHeight - el.clientHeight);
  return {
    top: () => (reversed() ? el.scrollTop + span() : el.scrollTop),
    view: () => el.clientHeight,
    extent: () => el.scrollHeight,
    setTop(top) {
      const t = Math.max(0, Math.min(span(), top));
      el.scrollTop = reversed() ? t - span() : t;
      // The app renders its window on 'scroll', which a background tab delivers late (no rendering
      // frames while hidden): tell it now, so the rows read after the wait are the new position's.
      // The browser's own event may still follow; the apps' handlers read the position, so twice is harmless.
      el.dispatchEvent(new Event('scroll'));
    },
    offsetOf: (row) => row.getBoundingClientRect().top - el.getBoundingClientRect().top,
  };
}

/** Whether the view has reached the content's bottom (within a pixel or two of rounding). */
export const atBottom = (box: ScrollBox) => box.top() + box.view() >= box.extent() - 2;
export const atTop = (box: ScrollBox) => box.top() <= 1;

/** A rendered row and the native id it shows (virtual lists recycle nodes: the id is what counts). */
export interface IdRow {
  id: string;
  row: Element;
}

/** The first row whose top is in view, and where it sat. */
export interface Anchor {
  id: string;
  offset: number;
}

export function captureAnchor(box: ScrollBox, rows: readonly IdRow[]): Anchor | null {
  const view = box.view();
  for (const r of rows) {
    const offset = box.offsetOf(r.row);
    if (offset >= 0 && offset < view) return { id: r.id, offset };
  }
  return null;
}

/**
 * Scroll so the anchor's row sits where it sat. Returns how far it had drifted (px; 0 when it was
 * in place), or null when that row is not rendered.
 */
export function applyAnchor(box: ScrollBox, anchor: Anchor, rows: readonly IdRow[]): number | null {
  const hit = rows.find((r) => r.id === anchor.id);
  if (!hit) return null;
  const drift = box.offsetOf(hit.row) - anchor.offset;
  if (Math.abs(drift) < 1) return 0;
  box.setTop(box.top() + drift);
  return drift;
}

/** What the user does that ends a run: scrolling, pressing a key, clicking, touching. */
export const USER_INPUT_EVENTS = ['wheel', 'keydown', 'pointerdown', 'mousedown', 'touchstart'] as const;

/**
 * Call `onInput` on the user's own input in the page. Only trusted events count: a page script's
 * synthetic events (isTrusted false) must not steer the extension. Returns the unsubscribe.
 */
export function watchUserInput(doc: Document, onInput: (type: string) => void): () => void {
  const win = doc.defaultView;
  if (!win) return () => {};
  const listener = (e: Event) => {
    if (e.isTrusted) onInput(e.type);
  };
  for (const type of USER_INPUT_EVENTS) win.addEventListener(type, listener, { capture: true, passive: true });
  return () => {
    for (const type of USER_INPUT_EVENTS) win.removeEventListener(type, listener, { capture: true });
  };
}
