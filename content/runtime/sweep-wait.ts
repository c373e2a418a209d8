// Time inside a sweep: an injectable clock, one stop signal per run whose waits all end when it
// stops (so no timer outlives the run), and "settle": after a scroll, wait while the app shows its
// loading indicator and until its rows stop changing, bounded.
import type { SweepReason } from '../../lib/shared/sweep';

export interface SweepClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The page's own timers (the default; tests pass fake ones). */
export function windowClock(win: Window): SweepClock {
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => win.setTimeout(fn, ms),
    clearTimeout: (h) => win.clearTimeout(h as number),
  };
}

/**
 * A run's stop signal. Every wait goes through it: stopping wakes them all at once and clears
 * their timers, so a run that ends leaves nothing scheduled.
 */
export class RunSignal {
  private why: SweepReason | null = null;
  private readonly timers = new Map<unknown, () => void>();

  constructor(private readonly clock: SweepClock) {}

  get reason(): SweepReason | null {
    return this.why;
  }

  get stopped(): boolean {
    return this.why !== null;
  }

  /** Stop with `reason` (the first reason given wins). */
  stop(reason: SweepReason): void {
    if (this.why) return;
    this.why = reason;
    this.clear();
  }

  /** Wait `ms`, or less if the run stops meanwhile. */
  wait(ms: number): Promise<void> {
    if (this.why) return Promise.resolve();
    return new Promise((resolve) => {
      const handle = this.clock.setTimeout(
        () => {
          this.timers.delete(handle);
          resolve();
        },
        Math.max(0, ms),
      );
      this.timers.set(handle, resolve);
    });
  }

  /** Timers still scheduled (none once the run stopped). */
  get pending(): number {
    return this.timers.size;
  }

  private clear(): void {
    const waiting = [...this.timers];
    this.timers.clear();
    for (const [handle, resolve] of waiting) {
      this.clock.clearTimeout(handle);
      resolve();
    }
  }
}

/** How often a wait looks at the page. */
export const POLL_MS = 50;

export interface SettleOptions {
  /** No change to the rows and no indicator for this long: the page has settled. */
  quietMs: number;
  /** Give up waiting after this long (SWEEP_LOAD_WAIT_MS in a step). */
  maxMs: number;
}

export interface Settled {
  /** The app's loading indicator was seen. */
  loaded: boolean;
  /** It did not settle within maxMs (an indicator that never went, rows that never stopped). */
  timedOut: boolean;
}

/**
 * Wait until `region` stops changing and `loading()` is false for quietMs, at most maxMs. Changes
 * are noticed by a MutationObserver on the region (the rows a virtual list renders on scroll, the
 * batch an app inserts after its spinner).
 */
export async function settle(
  region: Element,
  loading: () => boolean,
  signal: RunSignal,
  clock: SweepClock,
  opts: SettleOptions,
): Promise<Settled> {
  const Observer = region.ownerDocument.defaultView?.MutationObserver;
  const start = clock.now();
  let last = start;
  let loaded = false;
  const observer = Observer ? new Observer(() => (last = clock.now())) : null;
  observer?.observe(region, { childList: true, subtree: true, characterData: true });
  try {
    while (!signal.stopped) {
      await signal.wait(POLL_MS);
      const now = clock.now();
      if (now - start >= opts.maxMs) return { loaded, timedOut: true };
      if (loading()) {
        loaded = true;
        last = now;
      } else if (now - last >= opts.quietMs) {
        return { loaded, timedOut: false };
      }
    }
    return { loaded, timedOut: false };
  } finally {
    observer?.disconnect();
  }
}
