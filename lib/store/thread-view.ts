// What the thread view shows, read as one snapshot of the store: the conversation's person, the
// person's linked conversations, the messages (one conversation's, or the person's merged
// timeline) and the replies on their way. Read by separate live queries, these saw the store at
// different moments: right after a link's Undo the view could show the merged messages without
// their platform marks, or an empty log, until the slower query caught up.
import type { InboxDb } from './db';
import type { Conversation, Message, OutboxEntry, Person } from '../shared/model';
import { conversationsOf, timelineOf } from './people';
import { outboxOf, thread } from './queries';

export interface ThreadView {
  /** The person the conversation is linked to, if any. */
  person: Person | null;
  /** The person's conversations, by platform ([] when not linked). */
  linked: Conversation[];
  /** One timeline across the person's platforms (the person has two conversations or more). */
  merged: boolean;
  /** Where a reply can go: the linked conversations when merged, else the conversation alone. */
  targets: Conversation[];
  messages: Message[];
  /** The user's replies to `targets` not yet confirmed, oldest first. */
  outbox: OutboxEntry[];
}

/**
 * The view of `conversation` (the record the view was opened on: the store's own copy decides
 * the person, so a link or unlink shows in one step). `focusId`: a message the window must hold (a
 * search result), in a merged timeline too.
 */
export function threadView(db: InboxDb, conversation: Conversation, focusId: string | null = null): Promise<ThreadView> {
  return db.transaction('r', [db.conversations, db.people, db.messages, db.outbox], async (): Promise<ThreadView> => {
    const stored = (await db.conversations.get(conversation.id)) ?? conversation;
    const person = stored.personId ? ((await db.people.get(stored.personId)) ?? null) : null;
    const linked = person ? (await conversationsOf(db, person.id)).sort((a, b) => a.platform.localeCompare(b.platform)) : [];
    const merged = linked.length > 1;
    const targets = merged ? linked : [stored];
    const messages = merged
      ? await timelineOf(
          db,
          linked.map((c) => c.id),
          focusId,
        )
      : await thread(db, stored.id, focusId);
    const outbox = await outboxOf(
      db,
      targets.map((c) => c.id),
    );
    return { person, linked, merged, targets, messages, outbox };
  });
}
