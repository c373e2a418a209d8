// Writing an export file into the store, and wiping the store: the worker's half of issue 5's data
// controls (the store's only writer). The file's format and its checks are lib/store/export.ts.
//
// Import merges by id and never duplicates: a new record is added; an existing conversation is
// updated only when the import's lastMessageAt is newer (title, unread, lastMessageAt) and never
// changes person (links are the user's own: a crafted file must not re-route replies); a person
// from the file is created only for two or more conversations the import itself adds, and only if
// the store has no person of that id; an existing message only moves forward in status
// (pending → sent → delivered → read). New messages are placed in file order among the stored
// ones by the merge's own algorithm (lib/store/order.ts).
import type { InboxDb } from '../store/db';
import type { Conversation, Message, MessageStatus, Person } from '../shared/model';
import { parseExport, type ExportedMessage } from '../store/export';
import { assignOrders } from '../store/order';
import { forgetWords, indexMessages } from '../store/search-index';
import { previewOf } from '../shared/text';
import type { ImportSummary } from '../shared/requests';

export type { ImportSummary };

const ms = (s: string | null): number | null => (s === null ? null : Date.parse(s));

/** Forward-only status, as the merge does: a received message stays received. */
const STATUS_RANK: Record<MessageStatus, number> = { failed: 0, pending: 1, sent: 2, delivered: 3, read: 4, received: 5 };
function laterStatus(old: MessageStatus, imported: MessageStatus): MessageStatus {
  if (old === 'received' || imported === 'received') return old;
  return STATUS_RANK[imported] > STATUS_RANK[old] ? imported : old;
}

/** Write an import into the store, merging by id. Throws ImportError on a malformed file. */
export async function importData(db: InboxDb, input: unknown, now = Date.now()): Promise<ImportSummary> {
  const file = parseExport(input);
  const summary: ImportSummary = { conversations: 0, messages: 0, people: 0 };
  await db.transaction('rw', [db.conversations, db.messages, db.people, db.searchDocs, db.searchWords, db.searchDense], async () => {
    // Links come only from the user (issue 12 item 5): an import never links, unlinks or relinks a
    // conversation the store already has, and never adds to a person the store already has (either
    // would change where the user's replies to someone go). A person in the file is kept only among
    // the conversations this import creates, and only if it still links two of them.
    const ids = file.conversations.map((c) => c.id);
    const existing = await db.conversations.bulkGet(ids);
    const isNew = new Set(ids.filter((_, i) => !existing[i]));
    const personOf = new Map<string, string>();
    for (const p of file.people) for (const cid of p.conversationIds) if (isNew.has(cid)) personOf.set(cid, p.id);
    for (const c of file.conversations) if (c.personId && isNew.has(c.id)) personOf.set(c.id, c.personId);
    const members = new Map<string, string[]>();
    for (const [cid, pid] of personOf) members.set(pid, [...(members.get(pid) ?? []), cid]);
    const known = await db.people.bulkGet([...members.keys()]);
    [...members.keys()].forEach((pid, i) => {
      if (known[i] || members.get(pid)!.length < 2) for (const cid of members.get(pid)!) personOf.delete(cid);
    });
    const names = new Map(file.people.map((p) => [p.id, p.name]));
    const newPeople: Person[] = [];
    for (const pid of new Set(personOf.values())) {
      const first = file.conversations.find((c) => personOf.get(c.id) === pid);
      newPeople.push({ id: pid, name: names.get(pid) ?? (first?.title || pid), createdAt: now, updatedAt: now });
    }
    await db.people.bulkPut(newPeople);
    summary.people = newPeople.length;

    const lastMessage = new Map<string, ExportedMessage>();
    for (const m of file.messages) lastMessage.set(m.conversationId, m);
    const toPut: Conversation[] = [];
    file.conversations.forEach((c, i) => {
      const old = existing[i];
      const personId = personOf.get(c.id) ?? null;
      const at = ms(c.lastMessageAt);
      if (!old) {
        const last = lastMessage.get(c.id);
        toPut.push({
          id: c.id,
          platform: c.platform,
          nativeId: c.nativeId,
          title: c.title,
          isGroup: c.isGroup,
          unread: c.unread,
          unreadCount: null,
          muted: false,
          archived: false,
          pinned: false,
          preview: last ? previewOf({ text: last.text, attachments: [], encrypted: last.encrypted }) : '',
          lastMessageAt: at,
          listRank: null,
          personId,
          firstSeenAt: now,
          updatedAt: now,
        });
        return;
      }
      const next: Conversation = { ...old };
      if (at !== null && (old.lastMessageAt === null || at > old.lastMessageAt)) {
        next.title = c.title || old.title;
        next.unread = c.unread;
        next.lastMessageAt = at;
      }
      if (
        next.title !== old.title ||
        next.unread !== old.unread ||
        next.lastMessageAt !== old.lastMessageAt ||
        next.personId !== old.personId
      ) {
        next.updatedAt = now;
        toPut.push(next);
      }
    });
    await db.conversations.bulkPut(toPut);
    summary.conversations = toPut.length;

    summary.messages = await importMessages(db, file.messages, now);
  });
  return summary;
}

async function importMessages(db: InboxDb, messages: readonly ExportedMessage[], now: number): Promise<number> {
  const groups = new Map<string, ExportedMessage[]>();
  for (const m of messages) {
    const list = groups.get(m.conversationId) ?? [];
    list.push(m);
    groups.set(m.conversationId, list);
  }
  let written = 0;
  for (const [convId, list] of groups) {
    const existing = await db.messages.bulkGet(list.map((m) => m.id));
    // File order is thread order: known messages anchor the new ones (and may be shifted up to
    // open a gap, so a known message is written with its order from `orders`).
    const orders = existing.map((m) => m?.order);
    await assignOrders(
      db,
      convId,
      list.map((m) => ({ sentAt: ms(m.sentAt) })),
      orders,
    );
    const toPut: Message[] = [];
    list.forEach((m, i) => {
      const old = existing[i];
      if (old) {
        const status = laterStatus(old.status, m.status);
        if (status !== old.status) toPut.push({ ...old, order: orders[i]!, status, updatedAt: now });
        return;
      }
      const sentAt = ms(m.sentAt);
      toPut.push({
        id: m.id,
        conversationId: m.conversationId,
        platform: m.platform,
        nativeId: m.nativeId,
        sender: { name: m.sender.name, isSelf: m.sender.isSelf },
        text: m.text,
        sentAt,
        timePrecision: sentAt === null ? 'none' : 'minute',
        order: orders[i]!,
        status: m.status,
        attachments: [],
        quote: null,
        system: false,
        truncated: false,
        ...(m.encrypted ? { encrypted: true } : {}),
        firstSeenAt: now,
        updatedAt: now,
      });
    });
    await db.messages.bulkPut(toPut);
    // Known messages only change status here (same words, same time): only new ones are indexed.
    const known = new Set(existing.flatMap((m) => (m ? [m.id] : [])));
    await indexMessages(
      db,
      toPut.filter((m) => !known.has(m.id)),
    );
    written += toPut.length;
  }
  return written;
}

/** Wipe every table of the store (settings in browser storage are kept). */
export async function deleteAllData(db: InboxDb): Promise<void> {
  await db.transaction('rw', db.tables, async () => {
    await Promise.all(db.tables.map((t) => t.clear()));
  });
  forgetWords(db);
}
