// A message snapshot becomes a stored message, or updates one: status only moves forward, text
// only grows past a truncated render, and nothing the page stopped showing is dropped.
import type { Conversation, Message, MessageSnapshot, MessageStatus, Reaction } from '../../shared/model';

/** Forward-only status: a later scrape showing an older state (re-render) never downgrades. */
const STATUS_RANK: Record<MessageStatus, number> = {
  failed: 0,
  pending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  received: 5,
};

function laterStatus(a: MessageStatus, b: MessageStatus): MessageStatus {
  if (a === 'received' || b === 'received') return b;
  return STATUS_RANK[b] >= STATUS_RANK[a] ? b : a;
}

export function newMessage(conv: Conversation, s: MessageSnapshot, id: string, order: number, now: number): Message {
  return {
    id,
    conversationId: conv.id,
    platform: conv.platform,
    nativeId: s.nativeId,
    sender: s.sender,
    text: s.text,
    sentAt: s.sentAt,
    timePrecision: s.timePrecision,
    order,
    status: s.status,
    attachments: s.attachments,
    quote: s.quote,
    system: s.system,
    truncated: s.truncated,
    ...(s.reactions ? { reactions: s.reactions } : {}),
    firstSeenAt: now,
    updatedAt: now,
  };
}

export function updatedMessage(old: Message, s: MessageSnapshot, order: number, now: number): Message | null {
  const next: Message = { ...old, order };
  next.status = laterStatus(old.status, s.status);
  // Text changes when "Read more" was expanded, or the platform edited the message. A truncated
  // re-render of a message we already have in full never shortens it.
  if (s.text !== old.text && !(s.truncated && !old.truncated)) {
    next.text = s.text;
    next.truncated = s.truncated;
  }
  if (old.sentAt === null && s.sentAt !== null) {
    next.sentAt = s.sentAt;
    next.timePrecision = s.timePrecision;
  }
  if (s.attachments.length > old.attachments.length) next.attachments = s.attachments;
  if (!old.quote && s.quote) next.quote = s.quote;
  // Reactions are replaced as the page shows them (absent: the adapter could not see any); they
  // never touch the text, id or order.
  if (s.reactions && !sameReactions(old.reactions, s.reactions)) next.reactions = s.reactions;
  const changed =
    next.order !== old.order ||
    next.status !== old.status ||
    next.text !== old.text ||
    next.sentAt !== old.sentAt ||
    next.attachments !== old.attachments ||
    next.quote !== old.quote ||
    next.reactions !== old.reactions;
  if (!changed) return null;
  next.updatedAt = now;
  return next;
}

function sameReactions(a: Reaction[] | undefined, b: Reaction[]): boolean {
  return !!a && a.length === b.length && a.every((r, i) => r.emoji === b[i]!.emoji && r.count === b[i]!.count);
}
