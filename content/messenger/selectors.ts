// Every anchor the Messenger adapter reads, in one place (field guide: live-2026.md, then
// messenger.md). Structure, roles, data-* attributes and URL shapes only: class names are generated
// and change (the one exception, `html-span`, is a stable class the unread marker's parent carries).
import type { MessageStatus } from '../../lib/shared/model';

/** Messenger lives under /messages on facebook.com (messenger.com only redirects there now). */
export const HOSTS = new Set(['www.facebook.com', 'www.messenger.com']);
export const MESSAGES_PATH = /^\/messages(\/|$)/;
/** `/messages/t/<id>/` and `/messages/e2ee/t/<id>/`: one id space, so both give the same id. */
export const THREAD_PATH = /^\/messages\/(?:e2ee\/)?t\/([A-Za-z0-9._-]{1,128})\/?(?:[?#].*)?$/;
/**
 * A real message id as the 2026 page shows it: `mid.$<token>`, or `<accountId>@msgr.<messageId>` in
 * an encrypted chat. Any other id of the same plain alphabet is taken too (a real id beats a derived
 * one); an id with other characters, too short or too long, is not trusted and the row gets a
 * derived id.
 */
export const REAL_MESSAGE_ID = /^[A-Za-z0-9._$@:+/=-]{4,200}$/;

export const SEL = {
  // ---- chat list (caprine, April 2026) ----
  /** The chat list's side (a row inside it is a chat, not a message). */
  navigation: '[role="navigation"]',
  chatGrid: '[role="navigation"] [role="grid"]',
  chatRow: '[role="row"]',
  threadLink: 'a[href*="/t/"], [role="link"][href*="/t/"]',
  openChatLink: '[role="navigation"] [aria-current="page"]',
  /** The unread marker's parent: the marker is the 1px hidden leaf inside it. */
  unreadMarkerParent: '[role="navigation"] [role="row"] .html-span',
  /** Candidates for the marker inside a row: the children of its html-span parent. */
  unreadMarkerCandidate: '.html-span > *',
  /** A picture with a name (an emoji, a named photo): not a group's avatar tile. */
  namedImage: 'img[alt]:not([alt=""])',
  /** Decoration a row's text leaves skip. */
  ariaHidden: '[aria-hidden="true"]',
  // ---- open thread ----
  main: '[role="main"]',
  /** 2026: the thread container (no role=row inside any more). */
  threadLog: '[role="main"] [role="log"]',
  /** 2026: the log and the article a message element sits in, looked up from the element. */
  log: '[role="log"]',
  article: '[role="article"]',
  /** 2026: recycled rows of the log, rendered (`false`) or placeholders (`true`). */
  virtualRow: '[data-virtualized]',
  /** 2026: a rendered row of the log; holds one message element. */
  threadArticle: '[role="main"] [role="log"] [role="article"]',
  /** 2026: one element per message, labelled "At 16:15, You: hello". */
  messageElement: '[data-message-id]',
  messageRowOrBreak:
    '[role="main"] [role="row"], [role="main"] [data-scope="messages_table"], [role="main"] [data-message-id], [role="main"] [data-scope="date_break"]',
  /** Any kind of message row (without date breaks): the health check asks for one. */
  messageAny:
    '[role="main"] [role="row"]:not([data-scope="date_break"]), [role="main"] [data-scope="messages_table"], [role="main"] [data-message-id]',
  nestedMessage: '[data-message-id] [data-message-id]',
  rowLike: '[role="row"], [data-scope="messages_table"], [data-message-id], [data-scope="date_break"]',
  dateBreak: '[data-scope="date_break"]',
  /** 2026: a reply's quoted parent, inside the message element. */
  quote: 'span[aria-hidden="true"]',
  /** 2026: "1 reaction with 👍; see who reacted to this." inside the message element. */
  reactionButton: '[role="button"][aria-label]',
  /** 2026: the hover chrome, one per message ("Message actions"): never text. */
  toolbar: '[role="toolbar"]',
  heading: 'h1, h2, h3, h4, h5, h6',
  pageHeading: '[role="main"] h1, [role="main"] h2',
  image: 'img',
  video: 'video',
  composer: '[role="main"] [contenteditable="true"][role="textbox"]',
  buttons: '[role="button"], button',
  pin: 'input[autocomplete="one-time-code"]',
  login: '#loginform, input[name="pass"], form[action*="/login"]',
  progress: '[role="progressbar"]',
} as const;

/**
 * What a sweep reads ("Read all chats", "Load older messages": content/messenger/sweep.ts), apart
 * from SEL, which every read uses:
 * - the chat list scrolls in the grid or its nearest scrolling ancestor inside the navigation
 *   (bankjaneo/caprine source/browser/selectors.ts: the list is `[role=navigation] [role=grid]`);
 * - 2026: the thread scrolls in an element two levels below `[role="log"]` (live-2026.md); older
 *   builds scrolled the thread's `[role="grid"]` (a public Messenger scraper finds the element with
 *   overflow-y auto and role grid); otherwise the nearest scrolling ancestor of a message;
 * - Meta's loading indicator, shown while a list or thread fetches more, is
 *   `[data-visualcompletion="loading-state"]`, usually with `role="progressbar"`: public 2025–26
 *   scripts that scroll Facebook and Instagram lists (an Ad Library scraper, a page-invite
 *   scroller that checks the scroll box's last child for it, follower scrapers) wait on exactly it.
 */
export const SWEEP_SEL = {
  list: '[role="navigation"]',
  threadScroller: '[role="main"] [role="log"] > * > *',
  classicThreadGrid: '[role="main"] [role="grid"]',
  spinner: '[data-visualcompletion="loading-state"], [role="progressbar"]',
  main: '[role="main"]',
} as const;

/** Translated labels the adapter accepts (en, id). Structure comes first; labels only confirm. */
export const LABELS = {
  composer: ['Message', 'Aa', 'Pesan', 'Tulis pesan...'],
  send: ['Send', 'Press Enter to send', 'Kirim', 'Tekan Enter untuk mengirim'],
  /** The hidden heading on outgoing messages in older builds (prefix match). */
  youSent: ['You sent', 'You replied', 'You unsent', 'Anda mengirim', 'Anda membalas', 'Anda batal mengirim'],
} as const;

/**
 * The grammar of the 2026 labels, one table per language. English is documented (live-2026.md:
 * "At 16:15, You: hello", "1 reaction with 👍; see who reacted to this."); the Indonesian forms were
 * never seen: `Anda` is the self word, the rest is a guess, and where a label does not parse the
 * adapter falls back to layout. `message` has the named groups h, m, ap (optional), who, text.
 */
export interface LabelGrammar {
  message: RegExp;
  self: readonly string[];
  reaction: RegExp;
  /** The status rows after the last outgoing message: they are not messages. */
  status: Readonly<Record<string, MessageStatus>>;
}

/**
 * The attributes whose change the runtime must see (the observer ignores the rest): thread links
 * (href), labels (aria-label: the message line, reactions), pictures (alt, and src for one that
 * loads late).
 */
export const OBSERVED_ATTRIBUTES = ['aria-label', 'href', 'alt', 'src'] as const;

export const GRAMMAR: Readonly<Record<'en' | 'id', LabelGrammar>> = {
  en: {
    message: /^At (?<h>\d{1,2}):(?<m>\d{2})(?:\s?(?<ap>[AaPp])\.?[Mm]\.?)?, (?<who>[^\n]+?): ?(?<text>[\s\S]*)$/u,
    self: ['You'],
    reaction: /^(?<n>\d{1,7}) reactions? with (?<emoji>.+?); see who reacted to this\.?$/u,
    status: { Seen: 'read', Sent: 'sent', Delivered: 'delivered' },
  },
  id: {
    message: /^(?:Pukul|Pada) (?<h>\d{1,2})[.:](?<m>\d{2}), (?<who>[^\n]+?): ?(?<text>[\s\S]*)$/u,
    self: ['Anda'],
    reaction: /^(?<n>\d{1,7}) reaksi dengan (?<emoji>.+?); lihat siapa yang bereaksi(?: terhadap ini)?\.?$/u,
    status: { Dilihat: 'read', Terkirim: 'sent', Diterima: 'delivered' },
  },
};
