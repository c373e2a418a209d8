// Record builders shared by the unit tests: the defaults of a plain, read, unmuted chat or message;
// each test states only what matters to it.
import { conversationId, type Conversation, type ConversationSnapshot, type MessageSnapshot, type Platform } from '../../../lib/shared/model';

/** A message as a content script reports it. */
export function snapshotMessage(nativeId: string, over: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return {
    nativeId,
    sender: { name: 'Budi', isSelf: false },
    text: `text of ${nativeId}`,
    sentAt: null,
    timePrecision: 'none',
    status: 'received',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
    ...over,
  };
}

/** A chat-list row as a content script reports it. */
export function snapshotChat(nativeId: string, over: Partial<ConversationSnapshot> = {}): ConversationSnapshot {
  return {
    nativeId,
    title: nativeId,
    isGroup: false,
    unread: false,
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview: '',
    lastMessageAt: null,
    listRank: 0,
    ...over,
  };
}

/** A conversation as the store holds it. */
export function storedConversation(platform: Platform, nativeId: string, over: Partial<Conversation> = {}): Conversation {
  return {
    id: conversationId(platform, nativeId),
    platform,
    nativeId,
    title: nativeId,
    isGroup: false,
    unread: false,
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview: '',
    lastMessageAt: null,
    listRank: 0,
    personId: null,
    firstSeenAt: 0,
    updatedAt: 0,
    ...over,
  };
}
