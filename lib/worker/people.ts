// Link, unlink and rename people (issue 5): the writes of lib/store/people.ts's model, run only by
// the worker (the store's one writer), each on the user's explicit request from a page.
import type { InboxDb } from '../store/db';
import type { Conversation } from '../shared/model';

export type LinkResult = { ok: true; personId: string } | { ok: false; error: string };

/**
 * Link conversations into one person. If some already belong to people, those people merge into
 * the first one found (its name kept unless `name` is given); otherwise a new person is created.
 */
export async function linkConversations(
  db: InboxDb,
  conversationIds: readonly string[],
  opts: { name?: string; now?: number; newId?: () => string } = {},
): Promise<LinkResult> {
  const now = opts.now ?? Date.now();
  const ids = [...new Set(conversationIds)];
  return db.transaction('rw', [db.conversations, db.people], async (): Promise<LinkResult> => {
    const convs = (await db.conversations.bulkGet(ids)).filter((c): c is Conversation => !!c);
    if (convs.length !== ids.length) return { ok: false, error: 'unknown conversation' };
    if (convs.length < 2) return { ok: false, error: 'need two conversations' };
    if (convs.some((c) => c.isGroup)) return { ok: false, error: 'groups cannot be linked to a person' };

    const existing = [...new Set(convs.map((c) => c.personId).filter((p): p is string => !!p))];
    let person = existing.length ? await db.people.get(existing[0]!) : undefined;
    if (!person) {
      person = {
        id: `person:${opts.newId?.() ?? crypto.randomUUID()}`,
        name: opts.name?.trim() || convs[0]!.title,
        createdAt: now,
        updatedAt: now,
      };
    } else if (opts.name?.trim()) {
      person = { ...person, name: opts.name.trim(), updatedAt: now };
    }
    await db.people.put(person);
    // Everything that belonged to a person being merged moves along, not only the named rows.
    const absorbed = existing.filter((p) => p !== person!.id);
    const moving = absorbed.length ? await db.conversations.where('personId').anyOf(absorbed).toArray() : [];
    const all = new Map([...convs, ...moving].map((c) => [c.id, c]));
    for (const c of all.values()) {
      if (c.personId !== person.id) await db.conversations.put({ ...c, personId: person.id, updatedAt: now });
    }
    if (absorbed.length) await db.people.bulkDelete(absorbed);
    return { ok: true, personId: person.id };
  });
}

/**
 * Take a conversation out of its person. A person left with one conversation is dissolved (a
 * person of one is just that conversation), so unlinking right after a link undoes it.
 */
export async function unlinkConversation(db: InboxDb, conversationId: string, now = Date.now()): Promise<boolean> {
  return db.transaction('rw', [db.conversations, db.people], async () => {
    const conv = await db.conversations.get(conversationId);
    if (!conv?.personId) return false;
    const personId = conv.personId;
    await db.conversations.put({ ...conv, personId: null, updatedAt: now });
    const rest = await db.conversations.where('personId').equals(personId).toArray();
    if (rest.length <= 1) {
      for (const c of rest) await db.conversations.put({ ...c, personId: null, updatedAt: now });
      await db.people.delete(personId);
    }
    return true;
  });
}

export async function renamePerson(db: InboxDb, personId: string, name: string, now = Date.now()): Promise<boolean> {
  const clean = name.trim();
  if (!clean) return false;
  return db.transaction('rw', [db.people], async () => {
    const person = await db.people.get(personId);
    if (!person) return false;
    await db.people.put({ ...person, name: clean, updatedAt: now });
    return true;
  });
}
