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

/**
 * The attributes whose change the runtime must see (the observer ignores the rest): thread and
 * profile links (href), labels (aria-label), pictures (alt, and src for one that loads late).
 */
export const OBSERVED_ATTRIBUTES = ['aria-label', 'href', 'alt', 'src'] as const;

/** Translated labels the adapter accepts (en, id). Structure comes first; labels only confirm. */
export const LABELS = {
  threadList: ['Thread list', 'Chats', 'Daftar utas', 'Daftar thread', 'Daftar percakapan', 'Obrolan', 'Chat'],
  composer: ['Message', 'Message...', 'Pesan', 'Pesan...', 'Kirim pesan...'],
  send: ['Send', 'Kirim'],
  /** A visually hidden leaf some 2026 builds put in unread rows. */
  unread: ['Unread', 'Belum dibaca'],
  /** The mark next to a bubble the app failed to send (live-2026.md); the Indonesian forms are plausible, not seen. */
  notSent: ['Not sent', 'Retry', 'Tidak terkirim', 'Coba lagi', 'Gagal mengirim'],
} as const;

export function threadListSelector(): string {
  return LABELS.threadList.map((l) => `[aria-label="${l}"]`).join(', ');
}

export const SEL = {
  /** The labelled thread list (any language in LABELS; found by its rows' shape otherwise). */
  threadList: threadListSelector(),
  threadLink: 'a[href*="/direct/t/"]',
  /** A 2026 inbox row without a link (live-2026.md): only the URL carries the id once it is open. */
  anchorlessRow: 'div[role="button"][tabindex="0"]',
  linkWithHref: 'a[href]',
  /** The thread list's labelled ancestor, when its label is in a language LABELS does not know. */
  labelled: '[aria-label]',
  /** Decoration a row's text leaves skip. */
  ariaHidden: '[aria-hidden="true"]',
  /** Where the unread dot may be: a small round box without text. */
  box: 'div, span',
  messageRow: 'div[data-scope="messages_table"]',
  dateBreak: 'div[data-scope="date_break"]',
  rowOrBreak: 'div[data-scope="messages_table"], div[data-scope="date_break"]',
  bubble: '[id^="mid.$"]',
  /** The bubble's box (2026); a failed send's bubble has no mid.$ element around it. */
  presentation: '[role="presentation"]',
  /** 2026: a date break inside a messages_table cell. */
  cellDateBreak: 'div[data-scope="messages_table"] h5[dir="auto"] div[data-scope="date_break"]',
  bubbleText: '[dir="auto"]',
  senderHeading: 'h6 > span',
  profileLink: 'a[role="link"][href]',
  image: 'img',
  video: 'video',
  composer: 'div[role="textbox"][contenteditable="true"][data-lexical-editor="true"]',
  buttons: 'button, [role="button"]',
  /** A role=button in a message row: the "Not sent" / "Retry" mark of a failed send. */
  roleButton: '[role="button"]',
  submitButton: 'button[type="submit"]',
  login: 'form#loginForm, input[name="password"], input[name="username"]',
  progress: '[role="progressbar"]',
} as const;

/**
 * A row's sender heading (SEL.senderHeading, `h6 > span`) found by walking its `h6`s. Chromium
 * answers a scoped query whose selector has a combinator in time that grows with the whole
 * document (0.38 ms a row in a 20,000-row thread, against 0.005 for the tag alone), and a read asks
 * this of every row it parses.
 */
export function senderHeadingIn(row: Element): Element | null {
  // Most rows have no h6 at all, and the first one nearly always holds the span: one tag query answers.
  const first = row.querySelector('h6');
  if (!first) return null;
  for (let c = first.firstElementChild; c; c = c.nextElementSibling) if (c.localName === 'span') return c;
  const all = row.getElementsByTagName('h6');
  for (let i = 1; i < all.length; i++) {
    for (let c = all[i]!.firstElementChild; c; c = c.nextElementSibling) if (c.localName === 'span') return c;
  }
  return null;
}

/**
 * What a sweep reads ("Read all chats", "Load older messages": content/instagram/sweep.ts), apart
 * from SEL, which every read uses. The thread list and the thread scroll in the nearest scrolling
 * ancestor of their rows (no source names either element; the rows are the anchors); the thread's
 * is `column-reverse`, scrollTop 0 at the newest and negative upwards (live-2026.md), which the
 * sweep's scroll box measures for. Meta's loading indicator, shown while more is fetched, is
 * `[data-visualcompletion="loading-state"]` (with `role="progressbar"`), Instagram's holding an
 * `svg[aria-label="Loading..."]`: public 2025–26 Instagram scripts (follower and profile
 * scrapers) wait on exactly these while they scroll.
 */
export const SWEEP_SEL = {
  spinner: '[data-visualcompletion="loading-state"], [role="progressbar"], svg[aria-label="Loading..."], svg[aria-label="Memuat..."]',
} as const;
