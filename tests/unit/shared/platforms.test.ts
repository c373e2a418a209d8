// The one table of platform facts (lib/shared/platforms.ts) and every place that declares or derives
// them must agree: the manifest's host permissions, each content script's matches, the worker's
// sender check, the tab patterns used to post, the limits and the badge rule.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Runtime, Tabs } from 'webextension-polyfill';
import { unreadTotal } from '../../../lib/worker/badge';
import { classifySender } from '../../../lib/worker/senders';
import { PLATFORM_PART_LIMITS } from '../../../lib/crypto/armor';
import { POST_PART_LIMITS } from '../../../lib/worker/e2ee/common';
import { PLATFORM_LABEL, PLATFORM_TEXT_LIMIT, PLATFORMS, type Platform } from '../../../lib/shared/model';
import { hostPermissions, PLATFORM_SPECS } from '../../../lib/shared/platforms';
import { PLATFORM_ORIGINS, PLATFORM_TAB_PATTERNS } from '../../../lib/shared/protocol';
import { DEFAULT_SETTINGS } from '../../../lib/shared/settings';
import { MESSENGER_HOSTS } from '../../../wxt.config';
import { storedConversation } from '../helpers/factories';

const root = resolve(__dirname, '../../..');
const EXT_ID = 'ext-id';
const BASE = 'chrome-extension://ext-id/';

function sender(url: string): Runtime.MessageSender {
  return { id: EXT_ID, url, frameId: 0, tab: { id: 7 } as Tabs.Tab };
}

/** Match-pattern test, enough for the `https://host/path*` patterns the specs use. */
function patternMatches(pattern: string, url: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.?+^$()[\]{}|\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(url);
}

describe('PlatformSpec is the one source of platform facts', () => {
  it('has exactly one spec per platform', () => {
    expect(Object.keys(PLATFORM_SPECS).sort()).toEqual([...PLATFORMS].sort());
  });

  it("wxt.config's host permissions are the union of the specs' content matches, nothing more", () => {
    const union = new Set(PLATFORMS.flatMap((p) => PLATFORM_SPECS[p].contentMatches));
    expect(new Set(MESSENGER_HOSTS)).toEqual(union);
    expect(MESSENGER_HOSTS).toHaveLength(union.size);
    expect(hostPermissions()).toEqual(MESSENGER_HOSTS);
  });

  it.each(PLATFORMS)('entrypoints/%s.content.ts takes its matches from its own spec', (p) => {
    const src = readFileSync(resolve(root, `entrypoints/${p}.content.ts`), 'utf8');
    const matches = /^\s*matches:\s*(.+),\s*$/m.exec(src)?.[1];
    expect(matches).toBe(`[...PLATFORM_SPECS.${p}.contentMatches]`);
  });

  it('each app URL (the inbox\'s "Open WhatsApp") is one of its own tab patterns, so the opened tab is found', () => {
    for (const p of PLATFORMS) {
      const s = PLATFORM_SPECS[p];
      expect(s.tabPatterns.some((t) => patternMatches(t, s.appUrl))).toBe(true);
      expect(s.origins).toContain(new URL(s.appUrl).origin);
    }
  });

  it("each origin and tab pattern lies inside that platform's content matches (the script runs there)", () => {
    for (const p of PLATFORMS) {
      const s = PLATFORM_SPECS[p];
      for (const o of s.origins) expect(s.contentMatches.some((m) => patternMatches(m, `${o}/`))).toBe(true);
      for (const t of s.tabPatterns) expect(s.contentMatches.some((m) => patternMatches(m, t.replace(/\*$/, 'x')))).toBe(true);
    }
  });

  it("the sender check accepts exactly the spec's origins, each as its own platform", () => {
    for (const p of PLATFORMS) {
      for (const o of PLATFORM_SPECS[p].origins) {
        expect(classifySender(sender(`${o}/some/path`), EXT_ID, BASE)).toEqual({ kind: 'content', platform: p, tabId: 7 });
      }
    }
    const near = [
      'https://whatsapp.com',
      'https://instagram.com',
      'https://m.facebook.com',
      'http://web.whatsapp.com',
      'https://web.whatsapp.com.evil.example',
    ];
    for (const o of near) expect(classifySender(sender(`${o}/`), EXT_ID, BASE).kind).toBe('rejected');
  });

  it('the derived constants equal the specs', () => {
    for (const p of PLATFORMS) {
      const s = PLATFORM_SPECS[p];
      expect(PLATFORM_LABEL[p]).toBe(s.label);
      expect(PLATFORM_TEXT_LIMIT[p]).toBe(s.textLimit);
      expect(PLATFORM_ORIGINS[p]).toEqual(s.origins);
      expect(PLATFORM_TAB_PATTERNS[p]).toEqual(s.tabPatterns);
      expect(POST_PART_LIMITS[p]).toBe(s.partLimit);
      expect(PLATFORM_PART_LIMITS[p]).toBe(s.armorPartLimit);
      // A posted part must fit in one message.
      expect(s.partLimit).toBeLessThanOrEqual(s.textLimit);
    }
  });

  it('the badge counts numbers only where the spec says unread is a count', () => {
    const conv = (platform: Platform) => storedConversation(platform, 'x', { unread: true, unreadCount: 5 });
    for (const p of PLATFORMS) {
      expect(unreadTotal([conv(p)], DEFAULT_SETTINGS)).toBe(PLATFORM_SPECS[p].unreadIsCount ? 5 : 1);
    }
  });
});
