// The toolbar badge: how many unread messages wait, across platforms. Follows the store through
// Dexie's `storagemutated` (every committed write, this context's and the others') and the
// settings, and counts again only once the writes have held still for a moment, so a page that
// briefly empties or re-renders its list never makes the badge flicker. Not a liveQuery: one over
// the conversations makes Dexie read each written conversation's old record inside the writer's
// transaction, and its first run held the worker's first merge back (at 5,000 conversations, 500
// unread: a batch sent to a stopped worker was acknowledged in 130 ms with it, 85 without; a batch
// to a running one in 47 against 32; bench/README.md).
import { Dexie, RangeSet, rangesOverlap, type ObservabilitySet } from 'dexie';
import { browser } from 'wxt/browser';
import type { InboxDb } from '../store/db';
import type { Conversation } from '../shared/model';
import { UNREAD_WEIGHT, unreadWeight } from '../store/unread-weight';
import { getSettings, watchSettings, type Settings } from '../shared/settings';

export const BADGE_DEBOUNCE_MS = 300;
const BADGE_COLOUR = '#0b57d0';

/**
 * Unread total per the platforms' own rules (lib/store/unread-weight.ts); platforms switched off
 * do not count.
 */
export function unreadTotal(conversations: readonly Conversation[], settings: Settings): number {
  let total = 0;
  for (const c of conversations) if (settings.platforms[c.platform].enabled) total += unreadWeight(c);
  return total;
}

export function badgeText(total: number): string {
  if (total <= 0) return '';
  return total > 99 ? '99+' : String(total);
}

/** The badge surface: MV3 `action`, else Firefox MV2 `browserAction`. */
export interface BadgePort {
  setText(text: string): Promise<void>;
  setColour?(colour: string): Promise<void>;
}

export function browserBadge(): BadgePort | null {
  const api = (browser.action ?? browser.browserAction) as typeof browser.action | undefined;
  if (!api) return null;
  return {
    setText: (text) => api.setBadgeText({ text }),
    setColour: (color) => api.setBadgeBackgroundColor({ color }),
  };
}

/** Every weight a stored conversation can have (the field is absent when it would be 0). */
const ANY_WEIGHT = new RangeSet(Number.MIN_VALUE, Infinity);

/**
 * Whether a committed write can change the unread total: a conversation written with a weight (it
 * is unread now), or one of the conversations unread at the last count written or deleted (it may
 * be read now: Dexie reports a record's old index keys only to a liveQuery). `all`: Dexie lost track.
 */
export function badgeAffected(parts: ObservabilitySet, dbName: string, unreadIds: RangeSet): boolean {
  if (parts.all) return true;
  const weights = parts[`idb://${dbName}/conversations/${UNREAD_WEIGHT}`];
  if (weights && rangesOverlap(weights, ANY_WEIGHT)) return true;
  const keys = parts[`idb://${dbName}/conversations/`];
  return !!keys && rangesOverlap(keys, unreadIds);
}

/**
 * Keep the badge current. Returns a stop function. `port`, `debounceMs` and `watch` are
 * injectable for tests; by default the real toolbar and settings are used.
 */
export function startBadge(
  db: InboxDb,
  opts: {
    port?: BadgePort | null;
    debounceMs?: number;
    loadSettings?: () => Promise<Settings>;
    watch?: (cb: (s: Settings) => void) => () => void;
    log?: (...args: unknown[]) => void;
  } = {},
): () => void {
  const port = opts.port === undefined ? browserBadge() : opts.port;
  if (!port) return () => {};
  const debounceMs = opts.debounceMs ?? BADGE_DEBOUNCE_MS;
  const log = opts.log ?? ((...a: unknown[]) => console.warn('[unified-inbox] badge', ...a));
  void port.setColour?.(BADGE_COLOUR).catch((e) => log(e));

  let conversations: Conversation[] | null = null;
  let unreadIds = new RangeSet();
  /** A write since the last count may have changed it (true at start: nothing counted yet). */
  let stale = true;
  let settings: Settings | null = null;
  let shown: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const update = async () => {
    if (stale) {
      stale = false;
      // The unread ones only, through their index.
      conversations = await db.conversations.where(UNREAD_WEIGHT).above(0).toArray();
      unreadIds = new RangeSet().addKeys(conversations.map((c) => c.id));
    }
    if (!conversations || !settings || stopped) return;
    const text = badgeText(unreadTotal(conversations, settings));
    if (text === shown) return;
    shown = text;
    await port.setText(text).catch((e) => {
      shown = null;
      log(e);
    });
  };
  // Runs once nothing has changed for debounceMs (the first count too: a worker woken by a batch
  // merges it first).
  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      update().catch((e) => {
        stale = true;
        log(e);
      });
    }, debounceMs);
  };

  const onChange = (parts: ObservabilitySet) => {
    if (stopped || !badgeAffected(parts, db.name, unreadIds)) return;
    stale = true;
    schedule();
  };
  Dexie.on('storagemutated', onChange);
  schedule();
  const unwatch = (opts.watch ?? watchSettings)((s) => {
    settings = s;
    schedule();
  });
  void (opts.loadSettings ?? getSettings)()
    .then((s) => {
      settings ??= s;
      schedule();
    })
    .catch((e) => log(e));

  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    Dexie.on('storagemutated').unsubscribe(onChange);
    unwatch();
  };
}
