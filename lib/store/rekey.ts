// Moving stored records to another id without losing or duplicating anything: a provisional
// conversation folded into its real one, a message first stored under a derived id re-keyed to
// its real one, and the v5 migration (WhatsApp title keys, escaped ids). Every table that holds a
// conversation or message id follows: messages, outbox, people links, the search index and the
// encryption layer's rows. Works on a live database or inside a schema upgrade (same tables).
import Dexie, { type Table, type Transaction } from 'dexie';
import type { InboxDb } from './db';
import type { E2eeConversation, E2eePlain } from './records';
import {
  conversationId,
  isProvisionalKey,
  messageId,
  provisionalKey,
  titleKey,
  type Conversation,
  type Message,
  type MessageStatus,
  type OutboxEntry,
  type Person,
} from '../shared/model';
import { docOf, rankOf, type DocKey, type SearchDoc } from './search-doc';
import { dropSealedWords } from './search-blocks';

/** An id that was replaced: `from` (an old message or provisional conversation id) now means `to`. */
export interface AliasRecord {
  from: string;
  to: string;
  /** The native id behind `to` (a message alias rewrites a stale snapshot to it). */
  nativeId: string;
  kind: 'conversation' | 'message';
  at: number;
}

export interface Stores {
  conversations: Table<Conversation, string>;
  messages: Table<Message, string>;
  outbox: Table<OutboxEntry, string>;
  people: Table<Person, string>;
  searchDocs: Table<SearchDoc, DocKey>;
  e2eeSessions: Table<E2eeConversation, string>;
  e2eePlain: Table<E2eePlain, string>;
  aliases: Table<AliasRecord, [string, string]>;
  /** Keeps posting blocks true to the index records moved (a live store; absent inside the schema upgrades, which predate blocks). */
  indexChanged?: (added: SearchDoc[], removed: () => SearchDoc[]) => Promise<void>;
}

export const STORE_NAMES = ['conversations', 'messages', 'outbox', 'people', 'searchDocs', 'e2eeSessions', 'e2eePlain', 'aliases'] as const;

export function storesOf(db: InboxDb | Transaction): Stores {
  // A Dexie database and an upgrade transaction both open tables by name.
  const source = db as Pick<Transaction, 'table'>;
  const t = <T, K>(name: (typeof STORE_NAMES)[number]) => source.table<T, K>(name);
  return {
    conversations: t('conversations'),
    messages: t('messages'),
    outbox: t('outbox'),
    people: t('people'),
    searchDocs: t('searchDocs'),
    e2eeSessions: t('e2eeSessions'),
    e2eePlain: t('e2eePlain'),
    aliases: t('aliases'),
    indexChanged: db instanceof Dexie ? (added, removed) => dropSealedWords(db, added, removed) : undefined,
  };
}

/** Records of these conversations, one key range each (a range reads in one go; anyOf walks a cursor). */
async function ofConversations<T>(table: Table<T, string>, ids: readonly string[]): Promise<T[]> {
  const out: T[] = [];
  for (const id of ids) out.push(...(await table.where('conversationId').equals(id).toArray()));
  return out;
}

export interface MessageMove {
  from: Message;
  to: { id: string; nativeId: string; conversationId: string };
}

export interface ConversationMove {
  from: Conversation;
  to: { id: string; nativeId: string };
}

const STATUS_RANK: Record<MessageStatus, number> = { failed: 0, pending: 1, sent: 2, delivered: 3, read: 4, received: 5 };

/**
 * One message read under two ids: `kept` stays (its id, order and sender), and nothing the other
 * knew is lost (the earlier first sighting, the full text, the time, attachments, quote, the
 * encrypted mark, reactions, the later status).
 */
export function mergeMessages(kept: Message, other: Message): Message {
  const next: Message = { ...kept, firstSeenAt: Math.min(kept.firstSeenAt, other.firstSeenAt) };
  if (kept.truncated && !other.truncated && other.text.length >= kept.text.length) {
    next.text = other.text;
    next.truncated = false;
  }
  if (kept.sentAt === null && other.sentAt !== null) {
    next.sentAt = other.sentAt;
    next.timePrecision = other.timePrecision;
  }
  if (other.attachments.length > kept.attachments.length) next.attachments = other.attachments;
  if (!kept.quote && other.quote) next.quote = other.quote;
  if (other.encrypted && !kept.encrypted) next.encrypted = true;
  if (kept.reactions === undefined && other.reactions !== undefined) next.reactions = other.reactions;
  if (kept.status !== 'received' && other.status !== 'received' && STATUS_RANK[other.status] > STATUS_RANK[kept.status]) {
    next.status = other.status;
  }
  return next;
}

/**
 * Move messages to new ids. Targets already stored (and not themselves moving) are merged with
 * what moves onto them; all old records go before the new ones are written, so a move onto an id
 * another move frees (the escaping migration) never merges two different messages.
 * References follow: outbox entries' messageId, encryption rows keyed by message id (and their
 * `mainId`), a pending invite's messageId, message aliases, the search index.
 */
export async function moveMessages(s: Stores, moves: readonly MessageMove[]): Promise<Map<string, string>> {
  const real = moves.filter((m) => m.from.id !== m.to.id);
  const idMap = new Map(real.map((m) => [m.from.id, m.to.id]));
  if (real.length === 0) return idMap;
  const moving = new Set(idMap.keys());
  const stored = await s.messages.bulkGet(real.map((m) => m.to.id));
  const merged = new Map<string, Message>();
  const staleDocs: DocKey[] = [];
  const staleMessages: Message[] = [];
  real.forEach((m, i) => {
    const target = stored[i];
    if (target && !moving.has(target.id) && !merged.has(target.id)) {
      merged.set(target.id, target);
      staleDocs.push([rankOf(target), target.id]);
      staleMessages.push(target);
    }
    const moved: Message = { ...m.from, id: m.to.id, nativeId: m.to.nativeId, conversationId: m.to.conversationId };
    const kept = merged.get(m.to.id);
    merged.set(m.to.id, kept ? mergeMessages(kept, moved) : moved);
    staleDocs.push([rankOf(m.from), m.from.id]);
    staleMessages.push(m.from);
  });
  const docs = [...merged.values()].flatMap((m) => docOf(m) ?? []);
  await s.indexChanged?.(docs, () => staleMessages.flatMap((m) => docOf(m) ?? []));
  await s.messages.bulkDelete([...moving]);
  await s.searchDocs.bulkDelete(staleDocs);
  await s.messages.bulkPut([...merged.values()]);
  await s.searchDocs.bulkPut(docs);

  const convIds = [...new Set(real.flatMap((m) => [m.from.conversationId, m.to.conversationId]))];
  const entries = await ofConversations(s.outbox, convIds);
  const repointed = entries.filter((e) => e.messageId && idMap.has(e.messageId));
  if (repointed.length) await s.outbox.bulkPut(repointed.map((e) => ({ ...e, messageId: idMap.get(e.messageId!)! })));

  await movePlainRows(s, idMap, new Map(real.map((m) => [m.to.id, m.to.conversationId])), convIds);
  const sessions = (await s.e2eeSessions.bulkGet(convIds)).filter(
    (x): x is E2eeConversation => !!x?.incomingInvite && idMap.has(x.incomingInvite.messageId),
  );
  if (sessions.length) {
    await s.e2eeSessions.bulkPut(
      sessions.map((x) => ({ ...x, incomingInvite: { ...x.incomingInvite!, messageId: idMap.get(x.incomingInvite!.messageId)! } })),
    );
  }
  const aliases = await s.aliases
    .where('to')
    .anyOf([...moving])
    .toArray();
  if (aliases.length) {
    await s.aliases.bulkDelete(aliases.map((a): [string, string] => [a.from, a.to]));
    const nativeOf = new Map(real.map((m) => [m.to.id, m.to.nativeId]));
    await s.aliases.bulkPut(aliases.map((a) => ({ ...a, to: idMap.get(a.to)!, nativeId: nativeOf.get(idMap.get(a.to)!)! })));
  }
  return idMap;
}

/** Encryption rows keyed by a moved message id follow it (a row already at the target wins). */
async function movePlainRows(
  s: Stores,
  idMap: ReadonlyMap<string, string>,
  convOf: ReadonlyMap<string, string>,
  convIds: string[],
): Promise<void> {
  const olds = (await s.e2eePlain.bulkGet([...idMap.keys()])).filter((r): r is E2eePlain => !!r);
  const targetIds = olds.map((r) => idMap.get(r.id)!);
  const targets = await s.e2eePlain.bulkGet(targetIds);
  const puts: E2eePlain[] = [];
  olds.forEach((r, i) => {
    const taken = targets[i] && !idMap.has(targets[i]!.id);
    if (!taken) puts.push({ ...r, id: targetIds[i]!, conversationId: convOf.get(targetIds[i]!)!, sealedFor: r.sealedFor ?? r.id });
  });
  await s.e2eePlain.bulkDelete(olds.map((r) => r.id));
  if (puts.length) await s.e2eePlain.bulkPut(puts);
  const parts = (await ofConversations(s.e2eePlain, convIds)).filter((r) => r.mainId && idMap.has(r.mainId));
  if (parts.length) await s.e2eePlain.bulkPut(parts.map((r) => ({ ...r, mainId: idMap.get(r.mainId!)! })));
}

/**
 * Two records of one conversation: `kept` (the real one) takes what only `other` knew. The list's
 * state (unread, rank, pins) comes from whichever the chat list last showed; the newest preview and
 * time win; the earliest first sighting; a person link is kept (see movePeople for two links).
 */
export function mergeConversations(kept: Conversation, other: Conversation, now: number): Conversation {
  const next: Conversation = {
    ...kept,
    title: kept.title || other.title,
    personId: kept.personId ?? other.personId ?? null,
    firstSeenAt: Math.min(kept.firstSeenAt, other.firstSeenAt),
    updatedAt: now,
  };
  if (kept.listRank === null && other.listRank !== null) {
    Object.assign(next, {
      unread: other.unread,
      unreadCount: other.unreadCount,
      muted: other.muted,
      archived: other.archived,
      pinned: other.pinned,
      listRank: other.listRank,
    });
  }
  const otherNewer = (other.lastMessageAt ?? -Infinity) > (kept.lastMessageAt ?? -Infinity);
  if (other.preview !== '' && (kept.preview === '' || otherNewer)) next.preview = other.preview;
  if (otherNewer) next.lastMessageAt = other.lastMessageAt;
  return next;
}

/**
 * Move conversations to new ids (merging into one already stored there), with everything keyed by
 * them: their messages (re-keyed by native id; a native id both have is one message), outbox
 * entries, encryption state, person links. Orders are kept as stored.
 */
export async function moveConversations(
  s: Stores,
  moves: readonly ConversationMove[],
  now: number,
  extraMessageMoves: readonly MessageMove[] = [],
): Promise<void> {
  const real = moves.filter((m) => m.from.id !== m.to.id);
  const idMap = new Map(real.map((m) => [m.from.id, m.to.id]));
  const moving = new Set(idMap.keys());
  const stored = await s.conversations.bulkGet(real.map((m) => m.to.id));
  const merged = new Map<string, Conversation>();
  const personMerges: [string, string][] = [];
  real.forEach((m, i) => {
    const target = stored[i];
    if (target && !moving.has(target.id) && !merged.has(target.id)) merged.set(target.id, target);
    const moved: Conversation = { ...m.from, id: m.to.id, nativeId: m.to.nativeId };
    const kept = merged.get(m.to.id);
    if (kept?.personId && moved.personId && kept.personId !== moved.personId) personMerges.push([moved.personId, kept.personId]);
    merged.set(m.to.id, kept ? mergeConversations(kept, moved, now) : moved);
  });
  if (real.length) {
    await s.conversations.bulkDelete([...moving]);
    await s.conversations.bulkPut([...merged.values()]);
  }
  for (const [from, into] of personMerges) await mergePeople(s, from, into, now);

  const fromIds = [...moving];
  if (fromIds.length) {
    const entries = await ofConversations(s.outbox, fromIds);
    if (entries.length) await s.outbox.bulkPut(entries.map((e) => ({ ...e, conversationId: idMap.get(e.conversationId)! })));
    await moveSessions(s, idMap);
    const plains = await ofConversations(s.e2eePlain, fromIds);
    if (plains.length) await s.e2eePlain.bulkPut(plains.map((r) => ({ ...r, conversationId: idMap.get(r.conversationId)! })));
  }

  const messages = await ofConversations(s.messages, fromIds);
  const messageMoves: MessageMove[] = messages.map((m) => {
    const to = idMap.get(m.conversationId)!;
    return { from: m, to: { id: messageId(to, m.nativeId), nativeId: m.nativeId, conversationId: to } };
  });
  const already = new Set(messageMoves.map((m) => m.from.id));
  await moveMessages(s, [...messageMoves, ...extraMessageMoves.filter((m) => !already.has(m.from.id))]);
}

/** Encryption state follows its conversation; where both have one, an active session wins, then the newer. */
async function moveSessions(s: Stores, idMap: ReadonlyMap<string, string>): Promise<void> {
  const olds = (await s.e2eeSessions.bulkGet([...idMap.keys()])).filter((r): r is E2eeConversation => !!r);
  if (!olds.length) return;
  const targets = await s.e2eeSessions.bulkGet(olds.map((r) => idMap.get(r.conversationId)!));
  const puts: E2eeConversation[] = [];
  olds.forEach((r, i) => {
    const t = targets[i] && !idMap.has(targets[i]!.conversationId) ? targets[i]! : null;
    const moved = { ...r, conversationId: idMap.get(r.conversationId)!, sessionsSealedFor: r.sessionsSealedFor ?? r.conversationId };
    const better =
      !t || (moved.status === 'active' && t.status !== 'active') || (moved.status === t.status && moved.updatedAt > t.updatedAt);
    if (better) puts.push(moved);
  });
  await s.e2eeSessions.bulkDelete(olds.map((r) => r.conversationId));
  if (puts.length) await s.e2eeSessions.bulkPut(puts);
}

/**
 * Two records of one chat linked to different people: those people are one person. Everything
 * linked to `from` joins `into` (as linking does), and the absorbed person record goes.
 */
async function mergePeople(s: Stores, from: string, into: string, now: number): Promise<void> {
  const linked = await s.conversations.where('personId').equals(from).toArray();
  if (linked.length) await s.conversations.bulkPut(linked.map((c) => ({ ...c, personId: into, updatedAt: now })));
  if (await s.people.get(into)) await s.people.delete(from);
}

/** A WhatsApp native id already in the 2026 form (titleKey in lib/shared/model.ts). */
function isTitleKey(nativeId: string): boolean {
  return nativeId.startsWith('dm/') || nativeId.startsWith('group/');
}

const colons = (id: string) => id.split('').filter((ch) => ch === ':').length;

/**
 * Schema v5's upgrade. WhatsApp conversations stored under their title (the adapter before 2026)
 * move to titleKey(title, isGroup); every id whose parts contain `%` or `:` is rewritten in the
 * escaped form (lib/shared/model.ts idPart). Ids without those characters are untouched, so in most
 * stores only WhatsApp records move. Two old conversations that land on one id are folded. Each
 * moved WhatsApp chat is tied to its title's provisional key (lib/worker/merge.ts), as a thread read would.
 * Also usable on a live database inside a 'rw' transaction over STORE_NAMES (e.g. after importing
 * a file exported by an older version): records already in the current form are left alone.
 */
export async function migrateIdsV5(source: InboxDb | Transaction, now = Date.now()): Promise<void> {
  const s = storesOf(source);
  const moves: ConversationMove[] = [];
  const ties: AliasRecord[] = [];
  for (const c of await s.conversations.toArray()) {
    let nativeId = c.nativeId;
    if (c.platform === 'whatsapp' && !isTitleKey(nativeId) && !isProvisionalKey(nativeId)) {
      nativeId = titleKey(nativeId, c.isGroup);
      // WhatsApp list rows whose kind the adapter cannot tell come with the title's provisional key:
      // the chat stored under that title is the one they mean (two chats of one title: ambiguous).
      const to = conversationId(c.platform, nativeId);
      for (const title of new Set([c.nativeId, c.title])) {
        ties.push({ from: conversationId(c.platform, provisionalKey(title)), to, nativeId, kind: 'conversation', at: now });
      }
    }
    const id = conversationId(c.platform, nativeId);
    if (id !== c.id) moves.push({ from: c, to: { id, nativeId } });
  }
  if (ties.length) await s.aliases.bulkPut(ties);
  const movedConvs = new Set(moves.map((m) => m.from.id));
  // A message id of two plain parts has exactly two colons and no `%`: anything else may need escaping.
  const keys = await s.messages.toCollection().primaryKeys();
  const suspects = (await s.messages.bulkGet(keys.filter((k) => k.includes('%') || colons(k) !== 2))).filter(
    (m): m is Message => !!m && !movedConvs.has(m.conversationId),
  );
  const extra: MessageMove[] = suspects
    .map((m) => ({ from: m, to: { id: messageId(m.conversationId, m.nativeId), nativeId: m.nativeId, conversationId: m.conversationId } }))
    .filter((m) => m.to.id !== m.from.id);
  await moveConversations(s, moves, now, extra);
}
