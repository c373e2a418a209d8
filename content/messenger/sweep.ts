// Messenger's facts for a sweep (the selectors and their sources: SWEEP_SEL in selectors.ts).
import type { SweepSurfaces } from '../adapter';
import { queryAll, scrollingAncestor, scrollsY } from '../dom';
import { SEL, SWEEP_SEL } from './selectors';

export const messengerSweep: SweepSurfaces = {
  chatListScroller(doc) {
    // The grid that holds thread links (the navigation may hold other grids).
    const grids = queryAll<HTMLElement>(doc, SEL.chatGrid);
    const grid = grids.find((g) => g.querySelector(SEL.threadLink)) ?? grids[0];
    if (!grid) return null;
    return scrollingAncestor(grid, grid.closest(SWEEP_SEL.list)) ?? grid;
  },
  threadScroller(doc) {
    const twoDown = queryAll<HTMLElement>(doc, SWEEP_SEL.threadScroller).find(scrollsY);
    if (twoDown) return twoDown;
    const grid = doc.querySelector<HTMLElement>(SWEEP_SEL.classicThreadGrid);
    if (grid && scrollsY(grid)) return grid;
    const row = doc.querySelector(SEL.messageAny);
    return row ? scrollingAncestor(row, doc.querySelector(SEL.main)) : null;
  },
  showsLoading: { chats: true, thread: true },
  loadingMore: (doc, where) =>
    doc.querySelector(where === 'chats' ? SWEEP_SEL.list : SWEEP_SEL.main)?.querySelector(SWEEP_SEL.spinner) != null,
};
