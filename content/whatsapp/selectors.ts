// Every WhatsApp Web selector and translated label, in one place: a layout change at WhatsApp
// touches this file only. Anchored on ids, roles, data-* and aria-* attributes and structure; the
// only class names used are the long-stable `copyable-text` / `selectable-text` and the
// `message-in` / `message-out` pair, each with a structural fallback.

const DOCUMENT_ICON = '[data-icon^="document"], [data-icon^="audio-file"]';
const AUDIO_ICON = '[data-icon="audio-play"], [data-icon="ptt-play"], [data-icon="ptt-status"]';
const VIDEO_ICON = '[data-icon="media-play"], [data-icon="video-pip"]';

export const SEL = {
  // Rows are looked up inside their container (#pane-side, #main): a document-wide descendant
  // selector is matched right to left, testing every row of the page for the ancestor.
  paneSide: '#pane-side',
  chatGrid: '[role="grid"], [role="list"]',
  chatRow: '[role="row"], [role="listitem"]',
  /** A row of either list (a chat row, a message row): where a mutation lands. */
  anyRow: '[role="row"], [role="listitem"]',
  /** The chat row's clickable cell (the row itself where there is none). */
  gridCell: '[role="gridcell"]',
  /** Labelled elements of a chat row: one is the unread badge ("3 unread messages"). */
  labelled: '[aria-label]',
  /** The one data-testid that survives in 2026 chat rows (live count 36 against 59 rows). */
  chatCell: '[data-testid="cell-frame-container"]',
  chatTitle: 'span[dir="auto"][title]',
  /** The preview line: a span with the full text in its title, or the dir'd spans of the text. */
  previewSpan: 'span[title], span[dir]',
  /** A row's or header's avatar placeholder tells the kind (used by public 2025–2026 scrapers). */
  defaultGroupIcon: '[data-icon="default-group"]',
  defaultUserIcon: '[data-icon="default-user"]',
  selectedRow: '[aria-selected="true"]',
  mutedIcon: '[data-icon="muted"]',
  pinnedIcon: '[data-icon="pinned"]',
  qrCanvas: 'canvas[aria-label]',
  main: '#main',
  header: 'header',
  mainHeaderTitle: 'header span[dir="auto"]',
  /** The header's second line: a group's members ("Budi, Sari, You"), a contact's "last seen …". */
  mainHeaderSubtitle: 'header span[title]',
  messageRow: '[role="row"]',
  /** The element whose children are the thread's rows. */
  messageList: '[role="application"]',
  dataId: '[data-id]',
  prePlain: '[data-pre-plain-text]',
  /** The bubble classes, still present in 2026; system notices with a data-id have neither. */
  bubble: '.message-in, .message-out',
  selectableText: 'span.selectable-text',
  statusIcon: '[data-icon="msg-time"], [data-icon="msg-check"], [data-icon="msg-dblcheck"]',
  /** Icons, buttons and labelled elements of a bubble are each queried once and sorted out after. */
  anyIcon: '[data-icon]',
  button: '[role="button"]',
  /** Real and role buttons: Send in the footer, "Use here" on the inactive-tab screen. */
  anyButton: 'button, [role="button"]',
  buttonOrLabelled: '[role="button"], [aria-label]',
  /** What makes text more than its textContent: emoji images (their alt) and line breaks. */
  textMarkup: 'img, br',
  composer: 'footer div[contenteditable="true"][data-tab="10"], footer div[contenteditable="true"]',
  footer: 'footer',
  /** A quote block's spans: the quoted sender first, the quoted text last. */
  quoteSpan: 'span[dir="auto"], span.quoted-mention',
  quotedMention: '.quoted-mention',
  /** A document bubble's file name sits in the title of an element beside its icon. */
  titled: '[title]',
  /** Message ids of a group chat carry its @g.us jid. */
  groupMessageId: '[data-id*="@g.us"]',
  sendIcon: '[data-icon="wds-ic-send-filled"], [data-icon="send"]',
  documentIcon: DOCUMENT_ICON,
  audioIcon: AUDIO_ICON,
  videoIcon: VIDEO_ICON,
  /** Any of the three: most bubbles have none, so one test rules all three out. */
  attachmentIcon: `${DOCUMENT_ICON}, ${AUDIO_ICON}, ${VIDEO_ICON}`,
} as const;

/**
 * What a sweep reads ("Read all chats", "Load older messages": content/whatsapp/sweep.ts), apart
 * from SEL, which every read uses:
 * - the chat list scrolls in `#pane-side` itself (live-2026.md; ferdium/ferdium-recipes
 *   recipes/whatsapp/webview.js reads the rows under #pane-side; abdelrahman-assoum/
 *   whatsapp-contact-scrapper console.js and laksa19/WhatsApp-Web-Quick-Reply scroll #pane-side);
 * - the thread scrolls in the nearest scrolling ancestor of its row list inside `#main` (a public
 *   2026 WhatsApp Web locator registry names it only by test ids and tabindex, so structure it is);
 * - a loading indicator: that registry names `#main [role="progressbar"]` for older history, but
 *   no other source confirms WhatsApp's spinner markup (the fixture's is a bare circle), so a
 *   sweep does not count on seeing one here (showsLoading false: it waits for rows to stop
 *   arriving) and takes it into account where it is shown.
 */
export const SWEEP_SEL = {
  listScroller: '#pane-side',
  spinner: '[role="progressbar"]',
} as const;

/**
 * The attributes whose change the runtime must see (the observer ignores the rest): those this
 * adapter reads or matches — ids (data-id), the sender/time line (data-pre-plain-text), icons
 * (data-icon: status ticks, muted, pinned, kind), labels and titles (aria-label, title), the open
 * row (aria-selected), emoji images (alt) — and src, an image that loads late.
 */
export const OBSERVED_ATTRIBUTES = [
  'aria-label',
  'aria-selected',
  'data-icon',
  'data-id',
  'data-pre-plain-text',
  'title',
  'alt',
  'src',
] as const;

export const OUT_CLASS = 'message-out';
export const IN_CLASS = 'message-in';

/** Translated labels (English, Indonesian). Compared trimmed and case-insensitively. */
export const LABEL = {
  send: ['Send', 'Kirim'],
  quoted: ['Quoted message', 'Pesan yang dikutip'],
  readMore: ['Read more', 'Baca selengkapnya'],
  /** How a group's member line names the user. */
  self: ['You', 'Anda'],
  useHere: ['Use here', 'Gunakan di sini'],
  read: ['Read', 'Dibaca'],
  yesterday: ['Yesterday', 'Kemarin'],
  today: ['Today', 'Hari ini'],
} as const;

/** "3 unread messages" / "3 pesan belum dibaca". */
export const UNREAD_LABEL = /^(\d+)\s+(unread message|pesan belum dibaca)/i;

export const WEEKDAYS: Record<string, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  minggu: 0,
  senin: 1,
  selasa: 2,
  rabu: 3,
  kamis: 4,
  jumat: 5,
  "jum'at": 5,
  sabtu: 6,
};

export function isLabel(value: string | null | undefined, labels: readonly string[]): boolean {
  if (!value) return false;
  const v = value.trim().toLowerCase();
  return labels.some((l) => l.toLowerCase() === v);
}
