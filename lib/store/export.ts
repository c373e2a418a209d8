// The export file: its format, its schema, reading one (parseExport) and writing one (exportData).
// Reads only: writing an import into the store is the worker's (lib/worker/import.ts).
//
// Format (issue 5, documented in the README), times as ISO strings or null:
//   { format: "unified-inbox-export", version: 1, exportedAt,
//     conversations: [{ id, platform, nativeId, title, isGroup, unread, lastMessageAt, personId }],
//     messages: [{ id, conversationId, platform, nativeId, sender: { name, isSelf }, text, sentAt,
//                  status, encrypted }],
//     people: [{ id, name, conversationIds }] }
// Messages are written per conversation in thread order, and import restores that order from their
// position in the file. Fields outside the format (unread numbers, muted/archived, attachments,
// quotes, ...) are not exported; the next scrape of the page fills them in again. Keys and any
// other encryption material are never exported (they do not live in these tables).
//
// People: each `people` record, with the conversations whose `personId` points at it. A personId
// with no people record (older stores) still becomes a person: named by a `meta` record
// `person:<id>` holding `{ name }` or a string, else by the title of its first conversation.
import * as v from 'valibot';
import type { InboxDb } from './db';
import { LIMITS, PLATFORMS, conversationId as convIdOf, isProvisionalKey, messageId as msgIdOf, titleKey } from '../shared/model';
import { MAX_IMPORT_CHARS } from '../shared/protocol';

export const EXPORT_FORMAT = 'unified-inbox-export';
export const EXPORT_VERSION = 1;
export { MAX_IMPORT_CHARS };

/** Upper bounds on what one import may hold (a sanity limit, far above real inboxes). */
export const IMPORT_LIMITS = { conversations: 100_000, messages: 2_000_000, people: 100_000 } as const;

const STATUSES = ['received', 'pending', 'sent', 'delivered', 'read', 'failed'] as const;

const str = (max: number) => v.pipe(v.string(), v.maxLength(max));
// Escaping (`%3A`) can triple a native id within a stored id.
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.nativeIdChars * 6 + 64));
const isoTime = v.nullable(
  v.pipe(
    v.string(),
    v.maxLength(40),
    v.check((s) => Number.isFinite(Date.parse(s)), 'not a valid ISO time'),
  ),
);

const ExportConversationSchema = v.object({
  id,
  platform: v.picklist(PLATFORMS),
  nativeId: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.nativeIdChars)),
  title: str(LIMITS.titleChars),
  isGroup: v.boolean(),
  unread: v.boolean(),
  lastMessageAt: isoTime,
  personId: v.nullable(id),
});

const ExportMessageSchema = v.object({
  id,
  conversationId: id,
  platform: v.picklist(PLATFORMS),
  nativeId: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.nativeIdChars)),
  sender: v.object({ name: str(LIMITS.titleChars), isSelf: v.boolean() }),
  text: str(LIMITS.textChars),
  sentAt: isoTime,
  status: v.picklist(STATUSES),
  encrypted: v.boolean(),
});

const ExportPersonSchema = v.object({
  id,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.titleChars)),
  conversationIds: v.pipe(v.array(id), v.maxLength(1_000)),
});

export const ExportSchema = v.object({
  format: v.literal(EXPORT_FORMAT),
  version: v.literal(EXPORT_VERSION),
  exportedAt: v.pipe(
    v.string(),
    v.check((s) => Number.isFinite(Date.parse(s)), 'not a valid ISO time'),
  ),
  conversations: v.pipe(v.array(ExportConversationSchema), v.maxLength(IMPORT_LIMITS.conversations)),
  messages: v.pipe(v.array(ExportMessageSchema), v.maxLength(IMPORT_LIMITS.messages)),
  people: v.pipe(v.array(ExportPersonSchema), v.maxLength(IMPORT_LIMITS.people)),
});

export type ExportFile = v.InferOutput<typeof ExportSchema>;
export type ExportedConversation = ExportFile['conversations'][number];
export type ExportedMessage = ExportFile['messages'][number];
export type ExportedPerson = ExportFile['people'][number];

export class ImportError extends Error {
  override name = 'ImportError';
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function exportFileName(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${EXPORT_FORMAT}-${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}.json`;
}

export async function exportData(db: InboxDb, now = Date.now()): Promise<ExportFile> {
  return db.transaction('r', [db.conversations, db.messages, db.people, db.meta], async () => {
    const conversations = await db.conversations.orderBy('id').toArray();
    const messages = await db.messages.orderBy('[conversationId+order]').toArray();
    const people = await db.people.toArray();

    const byPerson = new Map<string, string[]>();
    for (const c of conversations) {
      if (!c.personId) continue;
      const list = byPerson.get(c.personId) ?? [];
      list.push(c.id);
      byPerson.set(c.personId, list);
    }
    const exportedPeople: ExportedPerson[] = people.map((p) => ({ id: p.id, name: p.name, conversationIds: byPerson.get(p.id) ?? [] }));
    const known = new Set(people.map((p) => p.id));
    for (const [personId, conversationIds] of byPerson) {
      if (known.has(personId)) continue;
      const meta = await db.meta.get(`person:${personId}`);
      const metaName = typeof meta?.value === 'string' ? meta.value : (meta?.value as { name?: unknown } | undefined)?.name;
      const firstTitle = conversations.find((c) => c.id === conversationIds[0])?.title;
      const name = (typeof metaName === 'string' && metaName.trim()) || firstTitle || personId;
      exportedPeople.push({ id: personId, name, conversationIds });
    }
    exportedPeople.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date(now).toISOString(),
      conversations: conversations.map((c): ExportedConversation => ({
        id: c.id,
        platform: c.platform,
        nativeId: c.nativeId,
        title: c.title,
        isGroup: c.isGroup,
        unread: c.unread,
        lastMessageAt: iso(c.lastMessageAt),
        personId: c.personId ?? null,
      })),
      messages: messages.map((m): ExportedMessage => ({
        id: m.id,
        conversationId: m.conversationId,
        platform: m.platform,
        nativeId: m.nativeId,
        sender: { name: m.sender.name, isSelf: m.sender.isSelf },
        text: m.text,
        sentAt: iso(m.sentAt),
        status: m.status,
        encrypted: m.encrypted === true,
      })),
      people: exportedPeople,
    };
  });
}

/** Parse and check an import (a JSON string or an already parsed value). Throws ImportError. */
export function parseExport(input: unknown): ExportFile {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > MAX_IMPORT_CHARS) throw new ImportError(`The file is too large (over ${MAX_IMPORT_CHARS} characters).`);
    try {
      value = JSON.parse(input);
    } catch {
      throw new ImportError('The file is not valid JSON.');
    }
  }
  if (typeof value !== 'object' || value === null) throw new ImportError('Not a Unified Inbox export.');
  const head = value as { format?: unknown; version?: unknown };
  if (head.format !== EXPORT_FORMAT) throw new ImportError('Not a Unified Inbox export (wrong "format").');
  if (head.version !== EXPORT_VERSION)
    throw new ImportError(`Unsupported export version ${String(head.version)} (expected ${EXPORT_VERSION}).`);
  const r = v.safeParse(ExportSchema, value);
  if (!r.success) {
    const first = r.issues[0];
    const path = first?.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new ImportError(`Invalid export${path ? ` at ${path}` : ''}: ${first?.message ?? 'invalid'}`);
  }
  const file = upgradeIds(r.output);
  checkConsistency(file);
  return file;
}

/** A WhatsApp native id from before chats were keyed by kind: the bare title. */
function isBareWhatsAppTitle(c: ExportedConversation): boolean {
  return c.platform === 'whatsapp' && !isProvisionalKey(c.nativeId) && !/^(?:dm|group)\//.test(c.nativeId);
}

/**
 * Files written before store schema v5 carry ids in the old form (parts joined by `:` without
 * escaping; WhatsApp chats keyed by bare title): rewrite them to today's, as the store's own
 * migration does, so an older export meets the records a scrape makes today. Ids in neither form
 * are left for checkConsistency to refuse.
 */
function upgradeIds(file: ExportFile): ExportFile {
  const convMap = new Map<string, string>();
  const conversations = file.conversations.map((c) => {
    const legacyId = `${c.platform}:${c.nativeId}`;
    if (c.id !== legacyId || (c.id === convIdOf(c.platform, c.nativeId) && !isBareWhatsAppTitle(c))) return c;
    const nativeId = isBareWhatsAppTitle(c) ? titleKey(c.nativeId, c.isGroup) : c.nativeId;
    const next = { ...c, nativeId, id: convIdOf(c.platform, nativeId) };
    convMap.set(c.id, next.id);
    return next;
  });
  if (convMap.size === 0 && file.messages.every((m) => m.id === msgIdOf(m.conversationId, m.nativeId))) return file;
  const messages = file.messages.map((m) => {
    const conversationId = convMap.get(m.conversationId) ?? m.conversationId;
    if (m.id !== `${m.conversationId}:${m.nativeId}`) return { ...m, conversationId };
    return { ...m, conversationId, id: msgIdOf(conversationId, m.nativeId) };
  });
  const people = file.people.map((p) => ({ ...p, conversationIds: p.conversationIds.map((cid) => convMap.get(cid) ?? cid) }));
  return { ...file, conversations, messages, people };
}

/** Ids must be the ones the extension would derive, so imported records meet scraped ones. */
function checkConsistency(file: ExportFile): void {
  const convs = new Map<string, ExportedConversation>();
  for (const c of file.conversations) {
    if (c.id !== convIdOf(c.platform, c.nativeId))
      throw new ImportError(`Conversation ${c.id}: id does not match its platform and nativeId.`);
    if (convs.has(c.id)) throw new ImportError(`Conversation ${c.id} appears twice.`);
    convs.set(c.id, c);
  }
  const seen = new Set<string>();
  for (const m of file.messages) {
    if (m.id !== msgIdOf(m.conversationId, m.nativeId))
      throw new ImportError(`Message ${m.id}: id does not match its conversation and nativeId.`);
    if (seen.has(m.id)) throw new ImportError(`Message ${m.id} appears twice.`);
    seen.add(m.id);
    const c = convs.get(m.conversationId);
    if (!c) throw new ImportError(`Message ${m.id} belongs to no conversation in the file.`);
    if (c.platform !== m.platform) throw new ImportError(`Message ${m.id}: platform differs from its conversation's.`);
  }
  const people = new Set<string>();
  for (const p of file.people) {
    if (people.has(p.id)) throw new ImportError(`Person ${p.id} appears twice.`);
    people.add(p.id);
  }
}
