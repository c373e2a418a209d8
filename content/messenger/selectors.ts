// Every anchor the Messenger adapter reads, in one place (field guide: messenger.md).
// Structure, roles, data-* attributes and URL shapes only: class names are generated and change.

/** Messenger lives under /messages on facebook.com (messenger.com only redirects there now). */
export const HOSTS = new Set(['www.facebook.com', 'www.messenger.com']);
export const MESSAGES_PATH = /^\/messages(\/|$)/;
/** `/messages/t/<id>/` and `/messages/e2ee/t/<id>/`: one id space, so both give the same id. */
export const THREAD_PATH = /^\/messages\/(?:e2ee\/)?t\/([A-Za-z0-9._-]{1,128})\/?(?:[?#].*)?$/;

export const SEL = {
  chatGrid: '[role="navigation"] [role="grid"]',
  chatRow: '[role="row"]',
  threadLink: 'a[href*="/t/"]',
  main: '[role="main"]',
  messageRowOrBreak: '[role="main"] [role="row"], [role="main"] [data-scope="messages_table"], [role="main"] [data-scope="date_break"]',
  rowLike: '[role="row"], [data-scope="messages_table"], [data-scope="date_break"]',
  dateBreak: '[data-scope="date_break"]',
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

/** Translated labels the adapter accepts (en, id). Structure comes first; labels only confirm. */
export const LABELS = {
  composer: ['Message', 'Aa', 'Pesan', 'Tulis pesan...'],
  send: ['Send', 'Press Enter to send', 'Kirim', 'Tekan Enter untuk mengirim'],
  /** The hidden heading on outgoing messages (prefix match). */
  youSent: ['You sent', 'You replied', 'You unsent', 'Anda mengirim', 'Anda membalas', 'Anda batal mengirim'],
} as const;
