// Every anchor the Instagram Direct adapter reads, in one place (field guide: instagram.md).
// Structure, roles, data-* attributes and URL shapes only: class names are generated and change.

/** A thread link's path: `/direct/t/<15–17 digit id>/` (group threads have longer ids). */
export const THREAD_PATH = /^\/direct\/t\/(\d{6,40})\/?(?:[?#].*)?$/;
/** The whole Direct area (inbox, requests, a thread). */
export const DIRECT_PATH = /^\/direct(\/|$)/;
/** A profile link: a single path segment like `/budi.santoso/`. */
export const PROFILE_PATH = /^\/([A-Za-z0-9._]{1,30})\/?$/;
/** Single-segment paths that are app sections, not profiles. */
export const NOT_PROFILES = new Set(['direct', 'explore', 'reels', 'accounts', 'stories', 'p', 'reel']);

export const SEL = {
  threadLink: 'a[href*="/direct/t/"]',
  linkWithHref: 'a[href]',
  messageRow: 'div[data-scope="messages_table"]',
  dateBreak: 'div[data-scope="date_break"]',
  rowOrBreak: 'div[data-scope="messages_table"], div[data-scope="date_break"]',
  bubble: '[id^="mid.$"]',
  bubbleText: '[dir="auto"]',
  senderHeading: 'h6 > span',
  profileLink: 'a[role="link"][href]',
  image: 'img',
  video: 'video',
  composer: 'div[role="textbox"][contenteditable="true"][data-lexical-editor="true"]',
  buttons: 'button, [role="button"]',
  submitButton: 'button[type="submit"]',
  login: 'form#loginForm, input[name="password"], input[name="username"]',
  progress: '[role="progressbar"]',
} as const;

/** Translated labels the adapter accepts (en, id). Structure comes first; labels only confirm. */
export const LABELS = {
  threadList: ['Thread list', 'Chats', 'Daftar utas', 'Daftar thread', 'Obrolan', 'Chat'],
  composer: ['Message', 'Message...', 'Pesan', 'Pesan...', 'Kirim pesan...'],
  send: ['Send', 'Kirim'],
} as const;

export function threadListSelector(): string {
  return LABELS.threadList.map((l) => `[aria-label="${l}"]`).join(', ');
}
