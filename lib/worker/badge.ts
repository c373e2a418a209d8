// The toolbar badge: how many unread messages wait, across platforms. Follows the store live
// (Dexie liveQuery runs in the service worker too) and the settings, and is written only after
// the total has held still for a moment, so a page that briefly empties or re-renders its list
// never makes the badge flicker.
import { liveQuery } from 'dexie';
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
  let settings: Settings | null = null;
  let shown: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const schedule = () => {
    if (!conversations || !settings || stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (!conversations || !settings || stopped) return;
      const text = badgeText(unreadTotal(conversations, settings));
      if (text === shown) return;
      shown = text;
      port.setText(text).catch((e) => {
        shown = null;
        log(e);
      });
    }, debounceMs);
  };

  // The unread ones only, through their index: a change to a read conversation does not even wake this.
  const sub = liveQuery(() => db.conversations.where(UNREAD_WEIGHT).above(0).toArray()).subscribe({
    next: (list) => {
      conversations = list;
      schedule();
    },
    error: (e) => log(e),
  });
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
    sub.unsubscribe();
    unwatch();
  };
}
