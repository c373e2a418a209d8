// The notifications' strings, the only ones the background shows: a table of their own so the
// worker's bundle carries these three (not both languages' whole tables, ~23 KB minified that
// every cold start would parse). Part of the one table too (en.ts and id.ts spread them in).
import type { Language } from './language';

export const enNotify = {
  notificationTitle: (name: string, platform: string) => `${name} (${platform})`,
  notificationGroupTitle: (sender: string, group: string, platform: string) => `${sender} in ${group} (${platform})`,
  notificationNewMessage: 'New message',
};

export type NotifyStrings = typeof enNotify;

export const idNotify: NotifyStrings = {
  notificationTitle: (name, platform) => `${name} (${platform})`,
  notificationGroupTitle: (sender, group, platform) => `${sender} di ${group} (${platform})`,
  notificationNewMessage: 'Pesan baru',
};

export function notifyStrings(lang: Language): NotifyStrings {
  return lang === 'id' ? idNotify : enNotify;
}
