// Instagram Direct's facts for a sweep (the selectors and their sources: SWEEP_SEL in selectors.ts).
import type { SweepSurfaces } from '../adapter';
import { scrollingAncestor } from '../dom';
import { SWEEP_SEL } from './selectors';

interface Rows {
  chatRows(doc: Document): Element[];
  messageRows(doc: Document): Element[];
}

/** The sweep surfaces over the adapter's own row finders. */
export function instagramSweep(rows: Rows): SweepSurfaces {
  const chatListScroller = (doc: Document) => {
    const first = rows.chatRows(doc)[0];
    return first ? scrollingAncestor(first) : null;
  };
  const threadScroller = (doc: Document) => {
    const first = rows.messageRows(doc)[0];
    return first ? scrollingAncestor(first) : null;
  };
  return {
    chatListScroller,
    threadScroller,
    showsLoading: { chats: true, thread: true },
    loadingMore(doc, where) {
      // The spinner sits in the scroller or just around it (above the list, at the thread's top).
      const box = where === 'chats' ? chatListScroller(doc) : threadScroller(doc);
      return (box?.parentElement ?? box)?.querySelector(SWEEP_SEL.spinner) != null;
    },
  };
}
