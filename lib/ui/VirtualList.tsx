// A windowed list: only the rows in view (plus a few either side) are in the DOM, so thousands of
// conversations scroll smoothly. Rows have one fixed height; the rows not rendered are stood in
// for by the list's padding. Each rendered item says its place in the whole list
// (aria-posinset/aria-setsize), so assistive technology still reports "item 512 of 3,000".
import type { ComponentChildren, Ref } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  label: string;
  class?: string;
  keyOf: (item: T) => string;
  render: (item: T, index: number) => ComponentChildren;
  /** Kept in view when it changes (keyboard navigation). */
  activeIndex?: number;
  overscan?: number;
  listRef?: Ref<HTMLUListElement>;
}

/** Used before the list has been laid out (and where layout is not measured, e.g. tests). */
const FALLBACK_VIEWPORT = 640;

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight } = props;
  const overscan = props.overscan ?? 6;
  const own = useRef<HTMLUListElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);

  useLayoutEffect(() => {
    const el = own.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Bring the active row into view, moving as little as possible (before paint, so a keyboard
  // move never shows a frame without its row).
  useLayoutEffect(() => {
    const el = own.current;
    const i = props.activeIndex;
    if (!el || i === undefined || i < 0) return;
    const top = i * rowHeight;
    const view = el.clientHeight || viewport;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + view) el.scrollTop = top + rowHeight - view;
    setScrollTop(el.scrollTop);
  }, [props.activeIndex]);

  // A shorter list (a search narrowing it) must not leave us scrolled past its end.
  useEffect(() => {
    const el = own.current;
    if (el && scrollTop > items.length * rowHeight) {
      el.scrollTop = 0;
      setScrollTop(0);
    }
  }, [items.length]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  const shown = items.slice(first, last);

  return (
    <ul
      ref={(el) => {
        own.current = el;
        const r = props.listRef;
        if (typeof r === 'function') r(el);
        else if (r) r.current = el;
      }}
      class={props.class}
      aria-label={props.label}
      style={{ paddingTop: `${first * rowHeight}px`, paddingBottom: `${(items.length - last) * rowHeight}px` }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      {shown.map((item, k) => (
        <li
          key={props.keyOf(item)}
          data-index={first + k}
          aria-posinset={first + k + 1}
          aria-setsize={items.length}
          style={{ height: `${rowHeight}px` }}
        >
          {props.render(item, first + k)}
        </li>
      ))}
    </ul>
  );
}
