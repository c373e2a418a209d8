// Which rows a windowed list renders (lib/pages/VirtualList.tsx), as plain arithmetic so the early
// first paint (lib/pages/first-paint.ts) renders exactly the rows the app's list will.

/** Rows rendered beyond the visible ones on either side. */
export const OVERSCAN = 4;

/** Used where layout is not measured (no window height either, e.g. some tests). */
const FALLBACK_VIEWPORT = 640;

/** [first, last) of the rows to render for a list scrolled to `scrollTop` in `viewport` px. */
export function windowOf(total: number, scrollTop: number, viewport: number, rowHeight: number, overscan = OVERSCAN): [number, number] {
  const first = Math.min(total, Math.max(0, Math.floor(scrollTop / rowHeight) - overscan));
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return [first, last];
}

/** The window's height where the list's own box has not been laid out yet. */
export function windowHeight(): number {
  return typeof window !== 'undefined' && window.innerHeight > 0 ? window.innerHeight : FALLBACK_VIEWPORT;
}
