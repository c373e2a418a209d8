import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  DEFAULT_SETTINGS,
  getSettings,
  isPlatformEnabled,
  mayNotify,
  normaliseSettings,
  setSettings,
  SETTINGS_KEY,
  watchSettings,
  type Settings,
} from '../../../lib/shared/settings';

beforeEach(() => fakeBrowser.reset());

describe('settings', () => {
  test('defaults when nothing is stored: every platform read and notified, language auto', async () => {
    const s = await getSettings();
    expect(s).toEqual({
      platforms: {
        whatsapp: { enabled: true, notify: true },
        instagram: { enabled: true, notify: true },
        messenger: { enabled: true, notify: true },
      },
      notifications: true,
      uiLanguage: 'auto',
      openChats: 'ask',
    });
    expect(await isPlatformEnabled('instagram')).toBe(true);
  });

  test('a patch changes only what it names and is stored under one key', async () => {
    await setSettings({ platforms: { instagram: { enabled: false } }, uiLanguage: 'id' });
    const s = await getSettings();
    expect(s.platforms.instagram).toEqual({ enabled: false, notify: true });
    expect(s.platforms.whatsapp).toEqual({ enabled: true, notify: true });
    expect(s.uiLanguage).toBe('id');
    expect(s.notifications).toBe(true);
    const raw = await fakeBrowser.storage.local.get(SETTINGS_KEY);
    expect((raw[SETTINGS_KEY] as Settings).platforms.instagram.enabled).toBe(false);
    expect(await isPlatformEnabled('instagram')).toBe(false);
  });

  test('quick successive patches all land (no lost update)', async () => {
    await Promise.all([
      setSettings({ platforms: { whatsapp: { notify: false } } }),
      setSettings({ platforms: { messenger: { enabled: false } } }),
      setSettings({ notifications: false }),
    ]);
    const s = await getSettings();
    expect(s.platforms.whatsapp.notify).toBe(false);
    expect(s.platforms.messenger.enabled).toBe(false);
    expect(s.notifications).toBe(false);
  });

  test('malformed patches are refused and change nothing', async () => {
    await expect(setSettings({ uiLanguage: 'fr' } as never)).rejects.toThrow(/invalid settings/);
    await expect(setSettings({ platforms: { telegram: { enabled: false } } } as never)).rejects.toThrow();
    await expect(setSettings({ notifications: 'yes' } as never)).rejects.toThrow();
    await expect(setSettings({ encryption: true } as never)).rejects.toThrow();
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
    // A refused patch does not block later ones.
    await setSettings({ notifications: false });
    expect((await getSettings()).notifications).toBe(false);
  });

  test('a damaged stored record falls back field by field', () => {
    expect(normaliseSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(normaliseSettings('garbage')).toEqual(DEFAULT_SETTINGS);
    const s = normaliseSettings({
      platforms: { whatsapp: { enabled: false, notify: 'x' }, instagram: 7 },
      notifications: false,
      uiLanguage: 'klingon',
      openChats: 'sometimes',
    });
    expect(s.platforms.whatsapp).toEqual({ enabled: false, notify: true });
    expect(s.platforms.instagram).toEqual({ enabled: true, notify: true });
    expect(s.platforms.messenger).toEqual({ enabled: true, notify: true });
    expect(s.notifications).toBe(false);
    expect(s.uiLanguage).toBe('auto');
    expect(s.openChats).toBe('ask');
  });

  test('"Never open chats for me" is a saved choice that can be turned back', async () => {
    await setSettings({ openChats: 'never' });
    expect((await getSettings()).openChats).toBe('never');
    await setSettings({ openChats: 'allow' });
    expect((await getSettings()).openChats).toBe('allow');
    await expect(setSettings({ openChats: 'maybe' } as never)).rejects.toThrow();
    expect((await getSettings()).openChats).toBe('allow');
  });

  test('defaults are not shared mutable state', async () => {
    const s = await getSettings();
    s.platforms.whatsapp.enabled = false;
    expect((await getSettings()).platforms.whatsapp.enabled).toBe(true);
    expect(DEFAULT_SETTINGS.platforms.whatsapp.enabled).toBe(true);
  });

  test('watchers see changes until they unsubscribe', async () => {
    const seen: Settings[] = [];
    const stop = watchSettings((s) => seen.push(s));
    await setSettings({ uiLanguage: 'en' });
    await fakeBrowser.storage.local.set({ unrelated: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.uiLanguage).toBe('en');
    stop();
    await setSettings({ uiLanguage: 'id' });
    expect(seen).toHaveLength(1);
  });

  test('notifying needs the master switch, the platform enabled and its notify switch', () => {
    const s = normaliseSettings({});
    expect(mayNotify(s, 'whatsapp')).toBe(true);
    expect(mayNotify({ ...s, notifications: false }, 'whatsapp')).toBe(false);
    const off = normaliseSettings({
      platforms: { whatsapp: { enabled: true, notify: false }, instagram: { enabled: false, notify: true } },
    });
    expect(mayNotify(off, 'whatsapp')).toBe(false);
    expect(mayNotify(off, 'instagram')).toBe(false);
    expect(mayNotify(off, 'messenger')).toBe(true);
  });
});
