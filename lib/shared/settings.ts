// User settings, kept in `browser.storage.local` under one key. Every reader goes through
// `normaliseSettings`, so a missing, old or damaged record yields defaults field by field instead
// of breaking the extension. Content scripts call `isPlatformEnabled` to stay idle when switched off.
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { PLATFORMS, type Platform } from './model';

export const SETTINGS_KEY = 'settings';

export const UI_LANGUAGES = ['auto', 'en', 'id'] as const;
export type UiLanguageSetting = (typeof UI_LANGUAGES)[number];

/**
 * May the extension bring a chat up in its tab to read it ("Read this chat", "Load older
 * messages")? Opening a chat in WhatsApp or Messenger marks it read for the sender, so the first
 * use asks ('ask'); 'allow' after "Open and read", 'never' after "Never open chats for me".
 */
export const OPEN_CHATS = ['ask', 'allow', 'never'] as const;
export type OpenChatsSetting = (typeof OPEN_CHATS)[number];

export interface PlatformSettings {
  /** Read this platform's pages at all. */
  enabled: boolean;
  /** Show notifications for its new messages. */
  notify: boolean;
}

export interface Settings {
  platforms: Record<Platform, PlatformSettings>;
  /** Master switch: no notification at all when false. */
  notifications: boolean;
  /** 'auto' follows the browser's language. */
  uiLanguage: UiLanguageSetting;
  /** Whether chats may be opened in their tab to read them (see OPEN_CHATS). */
  openChats: OpenChatsSetting;
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  platforms: Object.freeze(Object.fromEntries(PLATFORMS.map((p) => [p, Object.freeze({ enabled: true, notify: true })]))) as Record<
    Platform,
    PlatformSettings
  >,
  notifications: true,
  uiLanguage: 'auto',
  openChats: 'ask',
}) as Settings;

// Stored values: each field falls back to its default on its own when invalid.
const StoredPlatformSchema = v.fallback(
  v.object({
    enabled: v.fallback(v.boolean(), true),
    notify: v.fallback(v.boolean(), true),
  }),
  { enabled: true, notify: true },
);

const StoredSettingsSchema = v.object({
  platforms: v.fallback(
    v.object(Object.fromEntries(PLATFORMS.map((p) => [p, StoredPlatformSchema])) as Record<Platform, typeof StoredPlatformSchema>),
    () => clone(DEFAULT_SETTINGS).platforms,
  ),
  notifications: v.fallback(v.boolean(), true),
  uiLanguage: v.fallback(v.picklist(UI_LANGUAGES), 'auto'),
  openChats: v.fallback(v.picklist(OPEN_CHATS), 'ask'),
});

/** A change asked for by the options page: strict, an invalid patch is refused whole. */
const PlatformPatchSchema = v.optional(v.strictObject({ enabled: v.optional(v.boolean()), notify: v.optional(v.boolean()) }));
const PatchSchema = v.strictObject({
  platforms: v.optional(
    v.strictObject(Object.fromEntries(PLATFORMS.map((p) => [p, PlatformPatchSchema])) as Record<Platform, typeof PlatformPatchSchema>),
  ),
  notifications: v.optional(v.boolean()),
  uiLanguage: v.optional(v.picklist(UI_LANGUAGES)),
  openChats: v.optional(v.picklist(OPEN_CHATS)),
});

export type SettingsPatch = {
  platforms?: Partial<Record<Platform, Partial<PlatformSettings>>>;
  notifications?: boolean;
  uiLanguage?: UiLanguageSetting;
  openChats?: OpenChatsSetting;
};

function clone(s: Settings): Settings {
  return {
    platforms: Object.fromEntries(PLATFORMS.map((p) => [p, { ...s.platforms[p] }])) as Record<Platform, PlatformSettings>,
    notifications: s.notifications,
    uiLanguage: s.uiLanguage,
    openChats: s.openChats,
  };
}

/** Whatever is stored (or nothing) as complete, valid settings. */
export function normaliseSettings(raw: unknown): Settings {
  if (typeof raw !== 'object' || raw === null) return clone(DEFAULT_SETTINGS);
  return clone(v.parse(StoredSettingsSchema, raw) as Settings);
}

/** Settings with a patch applied (pure). Throws on a malformed patch. */
export function applyPatch(current: Settings, patch: SettingsPatch): Settings {
  const checked = v.safeParse(PatchSchema, patch);
  if (!checked.success) throw new Error(`invalid settings: ${checked.issues[0]?.message ?? 'invalid'}`);
  const next = clone(current);
  const p = checked.output;
  for (const platform of PLATFORMS) {
    const change = p.platforms?.[platform];
    if (!change) continue;
    if (change.enabled !== undefined) next.platforms[platform].enabled = change.enabled;
    if (change.notify !== undefined) next.platforms[platform].notify = change.notify;
  }
  if (p.notifications !== undefined) next.notifications = p.notifications;
  if (p.uiLanguage !== undefined) next.uiLanguage = p.uiLanguage;
  if (p.openChats !== undefined) next.openChats = p.openChats;
  return next;
}

export async function getSettings(): Promise<Settings> {
  const stored = await browser.storage.local.get(SETTINGS_KEY);
  return normaliseSettings(stored[SETTINGS_KEY]);
}

// Read-modify-write calls in one context run one after another, so two quick toggles both land.
let writing: Promise<unknown> = Promise.resolve();

export function setSettings(patch: SettingsPatch): Promise<Settings> {
  const run = writing.then(async () => {
    const next = applyPatch(await getSettings(), patch);
    await browser.storage.local.set({ [SETTINGS_KEY]: next });
    return next;
  });
  writing = run.catch(() => undefined);
  return run;
}

/** Calls `cb` with the new settings whenever they change (in any context). Returns an unsubscribe. */
export function watchSettings(cb: (settings: Settings) => void): () => void {
  const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area !== 'local' || !(SETTINGS_KEY in changes)) return;
    cb(normaliseSettings(changes[SETTINGS_KEY]?.newValue));
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}

/** For content scripts: whether to read this platform's page at all. */
export async function isPlatformEnabled(platform: Platform): Promise<boolean> {
  return (await getSettings()).platforms[platform].enabled;
}

/** Whether new messages of this platform may raise a notification. */
export function mayNotify(settings: Settings, platform: Platform): boolean {
  return settings.notifications && settings.platforms[platform].enabled && settings.platforms[platform].notify;
}
