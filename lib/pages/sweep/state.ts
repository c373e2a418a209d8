// What the pages know of reading the whole inbox: the worker's records, live from the store (a
// 'running' one silent too long reads as interrupted, so the clock ticks while one runs), which
// platforms have a tab open, and the requests the buttons send.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { InboxDb } from '../../store/db';
import { PLATFORMS, type Platform } from '../../shared/model';
import { PLATFORM_TAB_PATTERNS } from '../../shared/platforms';
import type { SweepRecord } from '../../shared/sweep';
import { asShown, sweepOverview, threadStartReached, type SweepOverview } from '../../store/sweeps';
import { call, type Unreachable } from '../call';
import { useLive } from '../live';
import type { PagePayload, SweepStartReply } from '../../shared/requests';

export interface SweepView extends SweepOverview {
  /** The run in progress, if any (at most one across platforms). */
  running: SweepRecord | null;
}

/** How often the pages look again while a run is in progress (to notice a silent one). */
const TICK_MS = 1_000;

export function useSweeps(db: InboxDb): SweepView | null {
  const stored = useLive(() => sweepOverview(db), [db], null as SweepOverview | null);
  const [now, setNow] = useState(() => Date.now());
  const anyRunning = !!stored && Object.values(stored.records).some((r) => r.state === 'running');
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [anyRunning]);
  if (!stored) return null;
  const at = Math.max(now, Date.now());
  const records: SweepView['records'] = {};
  for (const p of PLATFORMS) {
    const r = stored.records[p];
    if (r) records[p] = asShown(r, at);
  }
  const running = Object.values(records).find((r) => r.state === 'running') ?? null;
  return { records, chatsReadAt: stored.chatsReadAt, running };
}

/** Whether this conversation was read back to its start (false until known). */
export function useThreadStart(db: InboxDb, conversationId: string): boolean {
  return useLive(() => threadStartReached(db, conversationId), [db, conversationId], false);
}

/** When this view opened: a run that ended well before is old news, said only when it went wrong. */
export function useOpenedAt(): number {
  const [at] = useState(() => Date.now());
  return at;
}

/** Whether a run's end is worth saying now: anything but a plain success, or news since the view opened. */
export function outcomeWorthSaying(r: SweepRecord, openedAt: number): boolean {
  return r.state !== 'running' && (r.state !== 'done' || (r.endedAt ?? r.updatedAt) >= openedAt);
}

async function tabsOpen(): Promise<Record<Platform, boolean>> {
  const found = await Promise.all(PLATFORMS.map((p) => browser.tabs.query({ url: [...PLATFORM_TAB_PATTERNS[p]] })));
  return Object.fromEntries(PLATFORMS.map((p, i) => [p, found[i]!.length > 0])) as Record<Platform, boolean>;
}

/** Which platforms have a tab open (null until known), followed as tabs open, close or navigate. */
export function usePlatformTabs(): Record<Platform, boolean> | null {
  const [open, setOpen] = useState<Record<Platform, boolean> | null>(null);
  useEffect(() => {
    let live = true;
    const look = () =>
      void tabsOpen().then(
        (o) => live && setOpen(o),
        (e: unknown) => console.error('[unified-inbox] tabs unreadable', e),
      );
    const onUpdated = (_id: number, change: { url?: string }) => {
      if (change.url !== undefined) look();
    };
    browser.tabs.onCreated.addListener(look);
    browser.tabs.onRemoved.addListener(look);
    browser.tabs.onUpdated.addListener(onUpdated);
    look();
    return () => {
      live = false;
      browser.tabs.onCreated.removeListener(look);
      browser.tabs.onRemoved.removeListener(look);
      browser.tabs.onUpdated.removeListener(onUpdated);
    };
  }, []);
  return open;
}

export function startSweep(request: PagePayload<'sweep-start'>): Promise<SweepStartReply | Unreachable> {
  return call('sweep-start', request);
}

export async function cancelSweep(): Promise<void> {
  await call('sweep-cancel', {});
}

export async function openPlatformTab(platform: Platform): Promise<boolean> {
  return (await call('open-platform-tab', { platform })).ok;
}
