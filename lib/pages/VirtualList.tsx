// A windowed list: only the rows in view (plus a few either side) are in the DOM, so thousands of
// conversations open and scroll smoothly. Rows have one fixed height. Each rendered item says its
// place in the whole list (aria-posinset/aria-setsize), so assistive technology still reports
// "item 512 of 3,000".
//
// Layout: a scroll container (the viewport) holds the `ul`, which is sized to the whole list; the
// rows before the window are stood in for by the `ul`'s top padding. The viewport never carries
// that padding itself: a box cannot be shorter than its own padding, so a scroller padded to the
// list's height grows to it, reports that height as its size, and the "window" becomes every row.
import type { ComponentChildren, Ref } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { OVERSCAN, windowHeight, windowOf } from './list-window';

export interface VirtualListProps<T> {
  items: readonly T[];
  /**
   * False while `items` is only the first part of the list (the rest still being read): the list
   * is marked busy and each row's set size is -1, ARIA's "total not known yet".
   */
  complete?: boolean;
  rowHeight: number;
  label: string;
  /** Class of the scroll container (the viewport); the `ul` inside has class `rows`. */
  class?: string;
  keyOf: (item: T) => string;
  render: (item: T, index: number) => ComponentChildren;
  /** Kept in view when it changes (keyboard navigation). */
  activeIndex?: number;
  overscan?: number;
  listRef?: Ref<HTMLUListElement>;
}

/**
 * The height rows can be visible in: the viewport's own height, never more than the window's
 * (before the stylesheet applies, or in a layout that lets the viewport grow with its content,
 * its height is the whole list's, and rendering that many rows is exactly what must not happen).
 */
export function visibleHeight(el: HTMLElement | null): number {
  const win = windowHeight();
  const own = el?.clientHeight ?? 0;
  return own > 0 ? Math.min(own, win) : win;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight } = props;
  const complete = props.complete ?? true;
  const overscan = props.overscan ?? OVERSCAN;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(() => visibleHeight(null));

  // Re-measured whenever the viewport or the window changes size (popup opening, side panel
  // dragged wider or taller, a search narrowing the list's box).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(visibleHeight(el));
    measure();
    window.addEventListener('resize', measure);
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    ro?.observe(el);
    return () => {
      window.removeEventListener('resize', measure);
      ro?.disconnect();
    };
  }, []);

  // Bring the active row into view, moving as little as possible (before paint, so a keyboard
  // move never shows a frame without its row).
  useLayoutEffect(() => {
    const el = scroller.current;
    const i = props.activeIndex;
    if (!el || i === undefined || i < 0) return;
    const top = i * rowHeight;
    const view = visibleHeight(el);
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + view) el.scrollTop = top + rowHeight - view;
    setScrollTop(el.scrollTop);
  }, [props.activeIndex]);

  // A shorter list (a search narrowing it) must not leave us scrolled past its end.
  useEffect(() => {
    const el = scroller.current;
    if (el && scrollTop > items.length * rowHeight) {
      el.scrollTop = 0;
      setScrollTop(0);
    }
  }, [items.length]);

  const [first, last] = windowOf(items.length, scrollTop, viewport, rowHeight, overscan);
  const shown = items.slice(first, last);

  return (
    <div ref={scroller} class={props.class} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <ul
        ref={(el) => {
          const r = props.listRef;
          if (typeof r === 'function') r(el);
          else if (r) r.current = el;
        }}
        class="rows"
        aria-label={props.label}
        aria-busy={complete ? undefined : 'true'}
        style={{ height: `${items.length * rowHeight}px`, paddingTop: `${first * rowHeight}px` }}
      >
        {shown.map((item, k) => (
          <li
            key={props.keyOf(item)}
            data-index={first + k}
            aria-posinset={first + k + 1}
            aria-setsize={complete ? items.length : -1}
            style={{ height: `${rowHeight}px` }}
          >
            {props.render(item, first + k)}
          </li>
        ))}
      </ul>
    </div>
  );
}
