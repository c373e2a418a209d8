// Interface strings in English and Indonesian. The language follows the browser's, unless the
// user picked one in Options (stored under `uiLanguage`).
export const LANGUAGES = ['en', 'id'] as const;
export type Language = (typeof LANGUAGES)[number];

const en = {
  appName: 'Unified Inbox',
  search: 'Search',
  searchPlaceholder: 'Search conversations and messages',
  conversations: 'Conversations',
  noConversations: 'No conversations yet. Open WhatsApp Web, Instagram Direct or Messenger in a tab.',
  noMatches: 'Nothing matches your search.',
  unread: (n: number) => `${n} unread`,
  unreadNoCount: 'Unread',
  back: 'Back',
  conversationWith: (title: string) => `Conversation with ${title}`,
  message: 'Message',
  send: 'Send',
  you: 'You',
  pending: 'Pending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  retry: 'Retry',
  tooLong: (platform: string, max: string) => `Too long for ${platform}: at most ${max} characters.`,
  characters: (n: string, max: string) => `${n} of ${max} characters`,
  yesterday: 'Yesterday',
  group: 'Group',
  muted: 'Muted',
  pinned: 'Pinned',
  truncated: 'Shown cut off in the page; open “Read more” there for the rest.',
  attachment: {
    image: 'Photo',
    video: 'Video',
    audio: 'Voice message',
    document: 'Document',
    sticker: 'Sticker',
    gif: 'GIF',
    other: 'Attachment',
  },
  platformStatus: 'Platform status',
  health: {
    ok: 'connected',
    loading: 'loading…',
    'not-logged-in': 'not logged in: log in in its tab',
    'layout-unknown': 'page layout not recognised: reading paused',
    'pin-required': 'enter your PIN in its tab to read encrypted chats',
    inactive: 'paused (the tab is elsewhere or another tab is in use)',
  },
  neverSeen: 'Open it in a tab to include it.',
  emptyThread: 'No messages read yet. Open this chat in its tab to load them.',
  openInTab: 'Open in its tab',
  sendFailedNoReach: 'The extension could not queue this reply. Try again.',
};

export type Strings = typeof en;

const id: Strings = {
  appName: 'Kotak Masuk Terpadu',
  search: 'Cari',
  searchPlaceholder: 'Cari percakapan dan pesan',
  conversations: 'Percakapan',
  noConversations: 'Belum ada percakapan. Buka WhatsApp Web, Instagram Direct atau Messenger di sebuah tab.',
  noMatches: 'Tidak ada yang cocok dengan pencarian.',
  unread: (n: number) => `${n} belum dibaca`,
  unreadNoCount: 'Belum dibaca',
  back: 'Kembali',
  conversationWith: (title: string) => `Percakapan dengan ${title}`,
  message: 'Pesan',
  send: 'Kirim',
  you: 'Anda',
  pending: 'Menunggu',
  sent: 'Terkirim',
  delivered: 'Diterima',
  read: 'Dibaca',
  failed: 'Gagal',
  retry: 'Coba lagi',
  tooLong: (platform: string, max: string) => `Terlalu panjang untuk ${platform}: paling banyak ${max} karakter.`,
  characters: (n: string, max: string) => `${n} dari ${max} karakter`,
  yesterday: 'Kemarin',
  group: 'Grup',
  muted: 'Dibisukan',
  pinned: 'Disematkan',
  truncated: 'Terpotong di halaman; buka “Baca selengkapnya” di sana untuk sisanya.',
  attachment: {
    image: 'Foto',
    video: 'Video',
    audio: 'Pesan suara',
    document: 'Dokumen',
    sticker: 'Stiker',
    gif: 'GIF',
    other: 'Lampiran',
  },
  platformStatus: 'Status platform',
  health: {
    ok: 'terhubung',
    loading: 'memuat…',
    'not-logged-in': 'belum masuk: masuk di tabnya',
    'layout-unknown': 'tata letak halaman tidak dikenali: pembacaan dijeda',
    'pin-required': 'masukkan PIN di tabnya untuk membaca chat terenkripsi',
    inactive: 'dijeda (tab ada di halaman lain atau tab lain sedang dipakai)',
  },
  neverSeen: 'Buka di sebuah tab untuk menyertakannya.',
  emptyThread: 'Belum ada pesan yang terbaca. Buka chat ini di tabnya untuk memuatnya.',
  openInTab: 'Buka di tabnya',
  sendFailedNoReach: 'Ekstensi tidak dapat mengantrekan balasan ini. Coba lagi.',
};

const TABLE: Record<Language, Strings> = { en, id };

export function pickLanguage(preferred: string | null | undefined, browserLanguages: readonly string[]): Language {
  if (preferred && (LANGUAGES as readonly string[]).includes(preferred)) return preferred as Language;
  for (const l of browserLanguages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'id' || base === 'in' || base === 'ms') return 'id';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function strings(lang: Language): Strings {
  return TABLE[lang];
}
