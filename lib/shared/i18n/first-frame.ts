// The strings the popup's and side panel's first frame shows (lib/pages/first-paint.ts), in a table
// of their own: the early script that paints that frame carries these (~1 KB) instead of every
// table. en.ts, id.ts and sweep.ts take them from here, so each string still has one source.

export const enFirst = {
  appName: 'Unified Inbox',
  search: 'Search',
  searchPlaceholder: 'Search conversations and messages',
  conversations: 'Conversations',
  unread: (n: number) => `${n} unread`,
  unreadNoCount: 'Unread',
  yesterday: 'Yesterday',
  platformStatus: 'Platform status',
  openSidePanel: 'Open side panel',
  keyboardHelp: 'Keys: ↑/↓ or j/k move, Enter opens, Esc goes back, / searches.',
  openOptions: 'Settings',
  sweep: {
    heading: 'Reading chats',
    readAll: 'Read all chats',
    platforms: 'Platforms',
  },
  e2ee: {
    preview: 'Encrypted message',
  },
};

export type FirstFrameStrings = typeof enFirst;

export const idFirst: FirstFrameStrings = {
  appName: 'Kotak Masuk Terpadu',
  search: 'Cari',
  searchPlaceholder: 'Cari percakapan dan pesan',
  conversations: 'Percakapan',
  unread: (n: number) => `${n} belum dibaca`,
  unreadNoCount: 'Belum dibaca',
  yesterday: 'Kemarin',
  platformStatus: 'Status platform',
  openSidePanel: 'Buka panel samping',
  keyboardHelp: 'Tombol: ↑/↓ atau j/k untuk berpindah, Enter membuka, Esc kembali, / mencari.',
  openOptions: 'Pengaturan',
  sweep: {
    heading: 'Membaca chat',
    readAll: 'Baca semua chat',
    platforms: 'Platform',
  },
  e2ee: {
    preview: 'Pesan terenkripsi',
  },
};
