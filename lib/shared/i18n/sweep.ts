// Interface strings for reading the whole inbox (issue 13) in English (Indonesian: sweep-id.ts):
// the buttons, the progress, the consent for opening chats, and every run's outcome from its reason
// code (lib/shared/sweep.ts). Part of the one table (lib/shared/i18n/en.ts and id.ts, `s.sweep`).
import type { SweepKind, SweepReason } from '../sweep';
import { enFirst } from './first-frame';

/** An outcome as text: `platform` is the platform's label, `n` the count read, already formatted. */
export type SweepOutcomeText = Record<SweepReason, (platform: string, n: string, kind: SweepKind) => string>;

const enOutcome: SweepOutcomeText = {
  end: (p, n, kind) => (kind === 'chats' ? `${p}: done, ${n} chats read.` : `${p}: ${n} messages loaded.`),
  'start-of-conversation': (p, n) => `${p}: ${n} messages loaded, back to the start of the conversation.`,
  cancelled: (p) => `${p}: cancelled.`,
  'user-input': (p) => `${p}: stopped because you used the page.`,
  navigation: (p) => `${p}: stopped because the page went elsewhere.`,
  'step-cap': (p) => `${p}: stopped after the most steps one run may take. Run it again to go on.`,
  'no-progress': (p) => `${p}: stopped because the page stopped loading more.`,
  'tab-lost': (p) =>
    `${p}: interrupted (the tab closed or reloaded, or the extension restarted). What was read is kept; run it again to go on.`,
  busy: () => 'Another reading is running. Wait for it or cancel it.',
  'no-tab': (p) => `No ${p} tab is open.`,
  'not-ready': (p) => `${p} is not ready (switched off, logged out, loading or not recognised).`,
  'chat-not-found': (p) => `The chat could not be found in ${p}.`,
  'ambiguous-target': (p) => `Two ${p} chats have this name: open the right one in ${p}.`,
  'opening-chats-off': () => 'Opening chats is turned off in Settings.',
};

export const enSweep = {
  ...enFirst.sweep,
  readChats: 'Read chats',
  /** The per-platform button's name: its visible text first (label in name), then the platform. */
  readPlatform: (p: string) => `Read chats: ${p}`,
  openPlatform: (p: string) => `Open ${p}`,
  lastRead: (time: string) => `Last read ${time}`,
  notReadYet: 'Not read to the end yet',
  reading: 'Reading chats',
  readingValue: (n: string) => `${n} chats`,
  readingOn: (p: string, n: string) => `${p}: ${n} chats so far`,
  cancel: 'Cancel',
  loadOlder: 'Load older messages',
  loadingMessages: 'Loading messages',
  loadingValue: (n: string, of: string) => `${n} of ${of} messages`,
  loadingValueOpen: (n: string) => `${n} messages`,
  readThisChat: 'Read this chat',
  nothingReadYet: 'No messages read yet.',
  startOfConversation: 'Start of the conversation',
  outcome: enOutcome,
  unreachable: 'The extension did not answer. Try again.',
  noTabs: 'No WhatsApp, Instagram or Messenger tab is open. Open one under Platforms.',
  noneReady: 'No open platform could be read now: see each one under Platforms.',
  consentTitle: 'Open this chat in its tab?',
  consentText:
    'To read it, the extension brings the chat up in its tab, as if you opened it. Opening a chat in WhatsApp or Messenger marks its messages as read for the sender.',
  consentOpen: 'Open and read',
  consentNever: 'Never open chats for me',
  // Settings
  settingsHeading: 'Reading chats',
  openChatsLabel: 'Open chats in their tab to read them',
  openChatsAsk: 'Ask the first time',
  openChatsAllow: 'Yes',
  openChatsNever: 'Never',
  openChatsHelp:
    '“Read this chat” and “Load older messages” bring the chat up in its tab. In WhatsApp and Messenger that marks it read for the sender.',
  tabNote:
    'While it reads a platform, the extension keeps that tab from being put to sleep by the browser (where the browser allows it) and puts the setting back afterwards.',
};

export type SweepStrings = typeof enSweep;
