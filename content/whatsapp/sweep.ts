// WhatsApp Web's facts for a sweep (the selectors and their sources: SWEEP_SEL in selectors.ts).
import type { SweepSurfaces } from '../adapter';
import { scrollingAncestor, scrollsY } from '../dom';
import { SEL, SWEEP_SEL } from './selectors';

export const whatsappSweep: SweepSurfaces = {
  chatListScroller(doc) {
    const pane = doc.querySelector<HTMLElement>(SWEEP_SEL.listScroller);
    if (!pane) return null;
    if (scrollsY(pane)) return pane;
    // A build that scrolls an inner element instead: the one around the rows.
    const row = pane.querySelector(SEL.chatRow);
    return row ? scrollingAncestor(row, pane) : null;
  },
  threadScroller(doc) {
    const main = doc.querySelector(SEL.main);
    const list = main?.querySelector(SEL.messageList) ?? main?.querySelector(SEL.messageRow);
    return list ? scrollingAncestor(list, main) : null;
  },
  showsLoading: { chats: false, thread: false },
  loadingMore: (doc, where) =>
    doc.querySelector(where === 'chats' ? SWEEP_SEL.listScroller : SEL.main)?.querySelector(SWEEP_SEL.spinner) != null,
};
