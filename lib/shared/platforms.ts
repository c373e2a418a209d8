// One PlatformSpec per platform: every fact about a messenger that more than one runtime needs
// (its name, where it lives, its limits, how it counts unread). Runtime-neutral on purpose (no DOM,
// no browser API, no Dexie) so wxt.config.ts, the entrypoints, the worker, the pages and the crypto
// layer can all derive from this one table. DOM facts (selectors, observed attributes) stay in
// content/<platform>/selectors.ts: they belong to the adapter and change with the page, not here.

/** The messengers the inbox merges, in the order the UI lists them. */
export const PLATFORMS = ['whatsapp', 'instagram', 'messenger'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface PlatformSpec {
  /** Human-readable name (shown in the UI and used as accessible labels). */
  readonly label: string;
  /** The origins its content script may speak from (the worker's sender check). */
  readonly origins: readonly string[];
  /** Tab URL patterns where the content script is active (for tabs.query when posting). */
  readonly tabPatterns: readonly string[];
  /** The app's own address: what the inbox's "Open WhatsApp" (etc.) opens. Inside tabPatterns. */
  readonly appUrl: string;
  /** The content script's `matches`, and so the manifest's host permissions. */
  readonly contentMatches: readonly string[];
  /** Maximum characters the platform accepts in one message. */
  readonly textLimit: number;
  /** Characters per armored part an encrypted message is cut into when posted (lib/e2ee). */
  readonly partLimit: number;
  /** Characters per armored part the platform accepts comfortably (lib/crypto/armor's default). */
  readonly armorPartLimit: number;
  /** True when the platform shows an unread count; false when it only marks a chat unread. */
  readonly unreadIsCount: boolean;
}

export const PLATFORM_SPECS = {
  whatsapp: {
    label: 'WhatsApp',
    origins: ['https://web.whatsapp.com'],
    tabPatterns: ['https://web.whatsapp.com/*'],
    appUrl: 'https://web.whatsapp.com/',
    contentMatches: ['https://web.whatsapp.com/*'],
    textLimit: 8_000,
    // WhatsApp cuts long bubbles behind "Read more" (about 700 characters) and the scraper reads
    // only what is shown, so posted parts stay below that.
    partLimit: 640,
    armorPartLimit: 4000, // far below WhatsApp's limit
    unreadIsCount: true,
  },
  instagram: {
    label: 'Instagram',
    origins: ['https://www.instagram.com'],
    tabPatterns: ['https://www.instagram.com/direct/*'],
    appUrl: 'https://www.instagram.com/direct/inbox/',
    // The whole site: Instagram navigates client-side into and out of /direct without a page load.
    contentMatches: ['https://www.instagram.com/*'],
    textLimit: 1_000,
    partLimit: 900, // hard limit 1,000 per message
    armorPartLimit: 900,
    unreadIsCount: false,
  },
  messenger: {
    label: 'Messenger',
    // Messenger lives at facebook.com/messages since messenger.com closed (April 2026);
    // messenger.com stays so late redirects do no harm.
    origins: ['https://www.facebook.com', 'https://www.messenger.com'],
    tabPatterns: ['https://www.facebook.com/messages/*', 'https://www.messenger.com/*'],
    appUrl: 'https://www.facebook.com/messages/',
    contentMatches: ['https://www.facebook.com/*', 'https://www.messenger.com/*'],
    textLimit: 8_000,
    partLimit: 2000, // Messenger shows long texts whole
    armorPartLimit: 2000,
    unreadIsCount: false,
  },
} as const satisfies Record<Platform, PlatformSpec>;

/** One fact of every platform, e.g. `platformTable('label')`. */
export function platformTable<K extends keyof PlatformSpec>(key: K): Record<Platform, PlatformSpec[K]> {
  return {
    whatsapp: PLATFORM_SPECS.whatsapp[key],
    instagram: PLATFORM_SPECS.instagram[key],
    messenger: PLATFORM_SPECS.messenger[key],
  };
}

/** The tab URL patterns where a platform's content script runs (for tabs.query). */
export const PLATFORM_TAB_PATTERNS: Record<Platform, readonly string[]> = platformTable('tabPatterns');

/** The manifest's host permissions: every content script's matches, once (least privilege). */
export function hostPermissions(): string[] {
  const all = Object.values(PLATFORM_SPECS).flatMap((s) => s.contentMatches);
  return [...new Set(all)];
}
