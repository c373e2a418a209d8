// Synthetic, reproducible inbox data for the benchmarks: seeded, realistic lengths (mostly short
// chat lines, some paragraphs), Indonesian and English text, emoji, groups, attachments, quotes.
// Runs in Node and in the browser (no Node imports). The same seed always gives the same data.
import {
  PLATFORMS,
  conversationId,
  messageId,
  type Conversation,
  type ConversationSnapshot,
  type Message,
  type MessageSnapshot,
  type Platform,
} from '../lib/shared/model';
import type { Ingest } from '../lib/shared/protocol';

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

export const ID_WORDS = [
  'aku',
  'kamu',
  'kita',
  'besok',
  'nanti',
  'sudah',
  'belum',
  'makan',
  'minum',
  'kopi',
  'rumah',
  'kantor',
  'jalan',
  'macet',
  'banget',
  'terima',
  'kasih',
  'sama',
  'sama',
  'sampai',
  'ketemu',
  'jam',
  'pagi',
  'siang',
  'sore',
  'malam',
  'tolong',
  'kirim',
  'foto',
  'lokasi',
  'pesanan',
  'bayar',
  'transfer',
  'rekening',
  'harga',
  'murah',
  'mahal',
  'selamat',
  'ulang',
  'tahun',
  'liburan',
  'pantai',
  'gunung',
  'hujan',
  'panas',
  'sakit',
  'dokter',
  'obat',
  'ibu',
  'bapak',
  'kakak',
  'adik',
  'teman',
  'kerja',
  'rapat',
  'jadwal',
  'ganti',
  'batal',
  'oke',
  'siap',
  'mantap',
  'wkwk',
  'gimana',
  'kenapa',
  'dimana',
  'kapan',
  'berapa',
  'semoga',
  'lancar',
  'sehat',
  'selalu',
  'maaf',
  'telat',
  'ojek',
  'kereta',
  'bandara',
  'tiket',
  'pulang',
  'kampung',
  'lebaran',
  'mudik',
  'nasi',
  'goreng',
  'sate',
  'bakso',
  'es',
  'teh',
  'manis',
  'kue',
  'listrik',
  'air',
  'kos',
  'sewa',
  'bulan',
  'minggu',
  'senin',
  'jumat',
  'sabtu',
  'kemarin',
];

export const EN_WORDS = [
  'the',
  'a',
  'to',
  'and',
  'you',
  'I',
  'we',
  'meeting',
  'tomorrow',
  'today',
  'tonight',
  'coffee',
  'lunch',
  'dinner',
  'office',
  'home',
  'traffic',
  'thanks',
  'sorry',
  'late',
  'see',
  'you',
  'soon',
  'call',
  'me',
  'when',
  'free',
  'photos',
  'flight',
  'hotel',
  'booking',
  'invoice',
  'payment',
  'sent',
  'received',
  'project',
  'deadline',
  'draft',
  'review',
  'please',
  'check',
  'the',
  'document',
  'birthday',
  'party',
  'weekend',
  'beach',
  'trip',
  'weather',
  'rain',
  'great',
  'awesome',
  'sure',
  'okay',
  'maybe',
  'later',
  'running',
  'minutes',
  'address',
  'link',
  'price',
  'order',
  'delivery',
  'tracking',
  'number',
  'happy',
  'congrats',
  'doctor',
  'appointment',
  'schedule',
  'changed',
  'cancelled',
  'moved',
  'question',
  'answer',
  'idea',
  'plan',
  'budget',
  'report',
  'slides',
  'team',
  'standup',
];

const EMOJI = ['😂', '🙏', '👍', '❤️', '😊', '🎉', '😭', '🔥', '😅', '🤣', '👌', '😍', '🥲', '💪', '📸', '☕', '🍜', '🎂'];

const FIRST = [
  'Budi',
  'Siti',
  'Agus',
  'Dewi',
  'Rizky',
  'Putri',
  'Andi',
  'Rina',
  'Hendra',
  'Lina',
  'Joko',
  'Sri',
  'Alex',
  'Chris',
  'Jordan',
  'Sam',
  'Taylor',
  'Maya',
  'Nadia',
  'Fajar',
  'Ayu',
  'Dimas',
  'Kevin',
  'Sarah',
  'Emily',
  'Bayu',
  'Wulan',
  'Yusuf',
  'Intan',
  'Reza',
];
const LAST = [
  'Santoso',
  'Wijaya',
  'Pratama',
  'Lestari',
  'Saputra',
  'Hidayat',
  'Kusuma',
  'Nugroho',
  'Chen',
  'Evans',
  'Smith',
  'Lee',
  'Tan',
  'Halim',
  'Gunawan',
  'Siregar',
  'Nasution',
  'Rahman',
];
const GROUPS = [
  'Keluarga Besar',
  'Arisan RT 05',
  'Kantor Jakarta',
  'Gym Buddies 💪',
  'Alumni SMA 3',
  'Project Alpha',
  'Trip Bali 🏖️',
  'Kos Melati',
  'Futsal Kamis',
  'Book Club',
];

/** One chat line: mostly short, sometimes a paragraph, rarely very long; language per conversation. */
export function sentence(r: Rand, indonesian: boolean): string {
  const words = indonesian ? ID_WORDS : EN_WORDS;
  const roll = r();
  const n = roll < 0.6 ? int(r, 1, 8) : roll < 0.9 ? int(r, 8, 25) : roll < 0.99 ? int(r, 25, 80) : int(r, 80, 400);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    // Some mixing: Indonesians often write English words and vice versa.
    out.push(pick(r, r() < 0.12 ? (indonesian ? EN_WORDS : ID_WORDS) : words));
    if (r() < 0.04) out.push(pick(r, EMOJI));
  }
  let text = out.join(' ');
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (r() < 0.15) text += ' ' + pick(r, EMOJI);
  if (n > 25 && r() < 0.5) text = text.replace(/ (\S+) /, ' $1.\n');
  return text;
}

export interface SynthConversation {
  platform: Platform;
  snapshot: ConversationSnapshot;
  indonesian: boolean;
  members: string[];
}

export function synthConversations(count: number, seed: number, now = Date.UTC(2026, 10, 25, 10)): SynthConversation[] {
  const r = rng(seed);
  const out: SynthConversation[] = [];
  for (let i = 0; i < count; i++) {
    const platform = PLATFORMS[i % 3]!;
    const isGroup = r() < 0.2;
    const name = `${pick(r, FIRST)} ${pick(r, LAST)}`;
    const title = isGroup ? `${pick(r, GROUPS)} ${i}` : `${name} ${i}`;
    const members = isGroup ? Array.from({ length: int(r, 3, 12) }, () => `${pick(r, FIRST)} ${pick(r, LAST)}`) : [name];
    const indonesian = r() < 0.6;
    const unreadCount = r() < 0.1 ? int(r, 1, 20) : 0;
    out.push({
      platform,
      indonesian,
      members,
      snapshot: {
        nativeId: `c${seed.toString(36)}x${i.toString(36)}`,
        title,
        isGroup,
        unread: unreadCount > 0,
        unreadCount: platform === 'whatsapp' ? unreadCount : null,
        muted: r() < 0.05,
        archived: r() < 0.03,
        pinned: i < 3,
        preview: sentence(r, indonesian).slice(0, 200),
        lastMessageAt: now - Math.floor(r() * 90 * 86_400_000),
        listRank: i,
      },
    });
  }
  return out;
}

/** `count` messages of one conversation, oldest first, ending at its lastMessageAt. */
export function synthMessages(conv: SynthConversation, count: number, seed: number): MessageSnapshot[] {
  const r = rng(seed);
  const end = conv.snapshot.lastMessageAt ?? Date.UTC(2026, 10, 25);
  let at = end - count * 7 * 60_000;
  const out: MessageSnapshot[] = [];
  for (let i = 0; i < count; i++) {
    at += int(r, 10_000, 14 * 60_000);
    const self = r() < 0.4;
    const text = sentence(r, conv.indonesian);
    const media = r() < 0.05;
    const quoted = !media && r() < 0.03 && out.length > 0;
    out.push({
      nativeId: `m${seed.toString(36)}${i.toString(36).padStart(4, '0')}${Math.floor(r() * 1e6).toString(36)}`,
      sender: { name: self ? '' : pick(r, conv.members), isSelf: self },
      text: media ? (r() < 0.5 ? '' : text.slice(0, 60)) : text,
      sentAt: conv.platform === 'whatsapp' ? Math.floor(at / 60_000) * 60_000 : r() < 0.7 ? at : null,
      timePrecision: conv.platform === 'whatsapp' ? 'minute' : 'day',
      status: self ? pick(r, ['sent', 'delivered', 'read', 'read'] as const) : 'received',
      attachments: media ? [{ kind: pick(r, ['image', 'video', 'document', 'audio'] as const), label: r() < 0.5 ? 'Foto' : 'Photo' }] : [],
      quote: quoted ? { sender: out[out.length - 1]!.sender.name || 'You', text: out[out.length - 1]!.text.slice(0, 100) } : null,
      system: false,
      truncated: false,
    });
  }
  return out;
}

export interface DataSize {
  conversations: number;
  messages: number;
}

/**
 * What content scripts would send for this inbox: per conversation its list row and its thread in
 * runs of at most `batchMessages` (a first scrape, or scrolling back through history).
 */
export function synthIngests(size: DataSize, seed: number, batchMessages = 200): Ingest[] {
  const convs = synthConversations(size.conversations, seed);
  const per = Math.floor(size.messages / size.conversations);
  const batches: Ingest[] = [];
  convs.forEach((c, i) => {
    const msgs = synthMessages(c, per, seed * 7919 + i);
    for (let k = 0; k < Math.max(1, msgs.length); k += batchMessages) {
      batches.push({
        type: 'ingest',
        platform: c.platform,
        batchId: `b${i}-${k}`,
        health: { state: 'ok' },
        conversations: k === 0 ? [c.snapshot] : [],
        thread: {
          conversation: { nativeId: c.snapshot.nativeId, title: c.snapshot.title, isGroup: c.snapshot.isGroup },
          messages: msgs.slice(k, k + batchMessages),
        },
      });
    }
  });
  return batches;
}

/**
 * The stored records those batches become, built directly (no merge): the raw baseline writes
 * these, and the popup/search benchmarks fill the store with them.
 */
export function recordsOf(
  batches: readonly Ingest[],
  now = Date.UTC(2026, 10, 25, 10),
): { conversations: Conversation[]; messages: Message[] } {
  const conversations = new Map<string, Conversation>();
  const messages: Message[] = [];
  let order = 0;
  for (const b of batches) {
    for (const s of b.conversations) {
      const id = conversationId(b.platform, s.nativeId);
      conversations.set(id, { ...s, id, platform: b.platform, personId: null, firstSeenAt: now, updatedAt: now });
    }
    if (!b.thread) continue;
    const convId = conversationId(b.platform, b.thread.conversation.nativeId);
    for (const s of b.thread.messages) {
      messages.push({
        ...s,
        id: messageId(convId, s.nativeId),
        conversationId: convId,
        platform: b.platform,
        order: order++,
        firstSeenAt: now,
        updatedAt: now,
      });
    }
  }
  return { conversations: [...conversations.values()], messages };
}

/** Search queries as people type them: whole words, prefixes, two-word Indonesian and English phrases. */
export function synthQueries(count: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 5;
    const id = pick(r, ID_WORDS);
    const en = pick(
      r,
      EN_WORDS.filter((w) => w.length > 3),
    );
    if (kind === 0) out.push(id);
    else if (kind === 1) out.push(en);
    else if (kind === 2)
      out.push(id.slice(0, Math.max(2, Math.ceil(id.length / 2)))); // prefix while typing
    else if (kind === 3) out.push(`${pick(r, ID_WORDS)} ${id}`);
    else out.push(r() < 0.5 ? `${en} ${pick(r, EN_WORDS)}`.toUpperCase() : `Kopí ${id.slice(0, 3)}`); // case, accents
  }
  return out;
}
