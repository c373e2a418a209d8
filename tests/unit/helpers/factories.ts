// Record builders shared by the unit tests: the defaults of a plain, read, unmuted chat or message;
// each test states only what matters to it.
import {
  conversationId,
  messageId,
  type Conversation,
  type ConversationSnapshot,
  type Message,
  type MessageSnapshot,
  type Platform,
} from '../../../lib/shared/model';
import type { SendCommand } from '../../../lib/shared/protocol';

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

/** A message as the store holds it: received from the conversation's title, at minute precision. */
export function storedMessage(c: Conversation, nativeId: string, order: number, over: Partial<Message> = {}): Message {
  return {
    id: messageId(c.id, nativeId),
    conversationId: c.id,
    platform: c.platform,
    nativeId,
    sender: { name: c.title, isSelf: false },
    text: `text of ${nativeId}`,
    sentAt: null,
    timePrecision: 'minute',
    order,
    status: 'received',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
    firstSeenAt: 0,
    updatedAt: 0,
    ...over,
  };
}

/** A send command as the background gives it to a content script: a first attempt, started now. */
export function sendCommand(
  conversationNativeId: string,
  conversationTitle: string,
  text: string,
  over: Partial<SendCommand> = {},
): SendCommand {
  return {
    type: 'send',
    outboxId: `ob-${Math.random().toString(36).slice(2)}`,
    conversationNativeId,
    conversationTitle,
    text,
    attemptStartedAt: Date.now(),
    checkEchoFirst: false,
    ...over,
  };
}
