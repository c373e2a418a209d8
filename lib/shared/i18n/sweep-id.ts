// The Indonesian strings for reading the whole inbox (issue 13), apart from the English ones
// (sweep.ts) so the pages load them only with the Indonesian table (lib/pages/i18n.ts).
import type { SweepOutcomeText, SweepStrings } from './sweep';
import { idFirst } from './first-frame';

const idOutcome: SweepOutcomeText = {
  end: (p, n, kind) => (kind === 'chats' ? `${p}: selesai, ${n} chat dibaca.` : `${p}: ${n} pesan dimuat.`),
  'start-of-conversation': (p, n) => `${p}: ${n} pesan dimuat, sampai awal percakapan.`,
  cancelled: (p) => `${p}: dibatalkan.`,
  'user-input': (p) => `${p}: dihentikan karena Anda memakai halamannya.`,
  navigation: (p) => `${p}: dihentikan karena halamannya berpindah.`,
  'step-cap': (p) => `${p}: dihentikan setelah langkah terbanyak untuk satu kali baca. Jalankan lagi untuk melanjutkan.`,
  'no-progress': (p) => `${p}: dihentikan karena halamannya berhenti memuat.`,
  'tab-lost': (p) =>
    `${p}: terputus (tab ditutup atau dimuat ulang, atau ekstensi dimulai ulang). Yang sudah dibaca tetap tersimpan; jalankan lagi untuk melanjutkan.`,
  busy: () => 'Pembacaan lain sedang berjalan. Tunggu atau batalkan.',
  'no-tab': (p) => `Tidak ada tab ${p} yang terbuka.`,
  'not-ready': (p) => `${p} belum siap (dimatikan, belum masuk, sedang memuat, atau tidak dikenali).`,
  'chat-not-found': (p) => `Chat tidak ditemukan di ${p}.`,
  'ambiguous-target': (p) => `Dua chat ${p} bernama sama: buka yang benar di ${p}.`,
  'opening-chats-off': () => 'Membuka chat dimatikan di Pengaturan.',
};

export const idSweep: SweepStrings = {
  ...idFirst.sweep,
  readChats: 'Baca chat',
  readPlatform: (p: string) => `Baca chat: ${p}`,
  openPlatform: (p: string) => `Buka ${p}`,
  lastRead: (time: string) => `Terakhir dibaca ${time}`,
  notReadYet: 'Belum dibaca sampai habis',
  reading: 'Membaca chat',
  readingValue: (n: string) => `${n} chat`,
  readingOn: (p: string, n: string) => `${p}: ${n} chat sejauh ini`,
  cancel: 'Batal',
  loadOlder: 'Muat pesan lama',
  loadingMessages: 'Memuat pesan',
  loadingValue: (n: string, of: string) => `${n} dari ${of} pesan`,
  loadingValueOpen: (n: string) => `${n} pesan`,
  readThisChat: 'Baca chat ini',
  nothingReadYet: 'Belum ada pesan yang dibaca.',
  startOfConversation: 'Awal percakapan',
  outcome: idOutcome,
  unreachable: 'Ekstensi tidak menjawab. Coba lagi.',
  noTabs: 'Tidak ada tab WhatsApp, Instagram, atau Messenger yang terbuka. Buka salah satunya di Platform.',
  noneReady: 'Tidak ada platform terbuka yang bisa dibaca sekarang: lihat masing-masing di Platform.',
  consentTitle: 'Buka chat ini di tabnya?',
  consentText:
    'Untuk membacanya, ekstensi membuka chat itu di tabnya, seolah-olah Anda yang membukanya. Membuka chat di WhatsApp atau Messenger menandai pesannya sudah dibaca bagi pengirim.',
  consentOpen: 'Buka dan baca',
  consentNever: 'Jangan pernah buka chat',
  settingsHeading: 'Membaca chat',
  openChatsLabel: 'Buka chat di tabnya untuk membacanya',
  openChatsAsk: 'Tanya saat pertama kali',
  openChatsAllow: 'Ya',
  openChatsNever: 'Jangan pernah',
  openChatsHelp:
    '“Baca chat ini” dan “Muat pesan lama” membuka chat itu di tabnya. Di WhatsApp dan Messenger, itu menandainya sudah dibaca bagi pengirim.',
  tabNote:
    'Selama membaca sebuah platform, ekstensi menjaga tab itu agar tidak ditidurkan oleh browser (jika browser mengizinkan) lalu mengembalikan pengaturannya sesudahnya.',
};
