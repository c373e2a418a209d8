// The platform-neutral model shared by content scripts, the background and the UI.
// Ids are derived from platform ids so the same thing seen twice gets the same id.
import { platformTable } from './platforms';

export const PLATFORMS = ['whatsapp', 'instagram', 'messenger'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Human-readable platform names (shown in the UI and used as accessible labels). From lib/shared/platforms.ts. */
export const PLATFORM_LABEL: Record<Platform, string> = platformTable('label');

/** Hard caps on anything scraped from a page (untrusted input). */
export const LIMITS = {
  /** A message's text; 100,000 characters must survive unchanged. */
  textChars: 200_000,
  titleChars: 1_000,
  previewChars: 2_000,
  nativeIdChars: 512,
  conversationsPerBatch: 2_000,
  messagesPerBatch: 2_000,
  attachmentsPerMessage: 32,
  /** What a user may send in one reply, before platform limits. */
  outgoingChars: 8_000,
  /** A layout report (content/layout-report.ts): the page's structure, sent when it is not recognised. */
  layoutReportChars: 20_000,
} as const;

/** Maximum characters each platform accepts in one message. From lib/shared/platforms.ts. */
export const PLATFORM_TEXT_LIMIT: Record<Platform, number> = platformTable('textLimit');

export type AdapterHealthState =
  | 'ok'
  | 'loading'
  | 'not-logged-in'
  | 'layout-unknown'
  | 'pin-required'
  | 'inactive'; // e.g. "Use here" takeover, or a page outside the messages area

export interface AdapterHealth {
  platform: Platform;
  state: AdapterHealthState;
  /** Why, in words (e.g. which anchor stopped matching). */
  reason?: string;
  checkedAt: number;
  /**
   * The layout report the page sent with this state (content/layout-report.ts): its structure,
   * no text. Only while the state is not ok; a new state replaces the record and so drops it.
   */
  layoutReport?: string;
}

export type AttachmentKind = 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'gif' | 'other';

export interface Attachment {
  kind: AttachmentKind;
  /** A label for the placeholder, e.g. "Photo", a file name or the caption. */
  label: string;
}

export interface Quote {
  sender: string;
  text: string;
}

/** A reaction the page shows under a message ("👍 1"): never part of its text. */
export interface Reaction {
  emoji: string;
  count: number;
}

export interface Sender {
  name: string;
  isSelf: boolean;
}

/**
 * How a message reached its current state.
 * received: an incoming message. pending/sent/delivered/read: our own, as the page shows it.
 */
export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** How precise `sentAt` is: WhatsApp gives minutes, Instagram/Messenger only days or nothing. */
export type TimePrecision = 'minute' | 'day' | 'none';

export interface Conversation {
  /** conversationId(platform, nativeId): `${platform}:${escaped nativeId}` */
  id: string;
  platform: Platform;
  /** The platform's own id (WhatsApp: derived from the chat, see the adapter; IG/Messenger: thread id). */
  nativeId: string;
  title: string;
  isGroup: boolean;
  /** Whether the platform shows the conversation as unread. */
  unread: boolean;
  /** Unread number where the platform shows one (WhatsApp); null where it only shows read/unread. */
  unreadCount: number | null;
  muted: boolean;
  archived: boolean;
  pinned: boolean;
  /** Last message preview (from the chat list or the newest thread message). */
  preview: string;
  /** Epoch ms of the newest message known (list time or thread), null if unknown. */
  lastMessageAt: number | null;
  /** Position in the platform's own chat list at the last scrape (0 = top); tie-breaker for ordering. */
  listRank: number | null;
  /** Set when the user linked this conversation to a person (issue 5). */
  personId?: string | null;
  /** Epoch ms when we first saw it, and last changed it. */
  firstSeenAt: number;
  updatedAt: number;
}

export interface Message {
  /** messageId(conversationId, nativeId): `${conversationId}:${escaped nativeId}` */
  id: string;
  conversationId: string;
  platform: Platform;
  /** Platform message id (WhatsApp msgid from data-id, Instagram mid.$…, Messenger derived). */
  nativeId: string;
  sender: Sender;
  text: string;
  /** Epoch ms, null when the page shows no time for it. */
  sentAt: number | null;
  timePrecision: TimePrecision;
  /** Sort key within the conversation (ascending = older first). Assigned by the merge. */
  order: number;
  status: MessageStatus;
  attachments: Attachment[];
  quote: Quote | null;
  /** A row that is a notice rather than a message (kept out of previews). */
  system: boolean;
  /** True when the page showed the text cut ("Read more") and we may not have all of it. */
  truncated: boolean;
  /** Set by the encryption layer (issue 4). */
  encrypted?: boolean;
  /** Reactions as the page last showed them (absent: none seen). */
  reactions?: Reaction[];
  firstSeenAt: number;
  updatedAt: number;
}

// ---- What content scripts report (snapshots of what the page shows) ----

/** One chat-list row as the page shows it. */
export interface ConversationSnapshot {
  nativeId: string;
  title: string;
  isGroup: boolean;
  unread: boolean;
  unreadCount: number | null;
  muted: boolean;
  archived: boolean;
  pinned: boolean;
  preview: string;
  /** Best-effort parse of the row's time label, epoch ms; null if unparseable. */
  lastMessageAt: number | null;
  /** Index in the rendered list, top = 0. */
  listRank: number | null;
  /**
   * True when `nativeId` is a provisional key made from what the row shows (a title), because the
   * row carries no platform id (Instagram's anchorless rows, WhatsApp's list). The store resolves
   * it to the conversation a thread read tied that key to (ThreadSnapshot.conversation.provisionalKey).
   */
  provisional?: boolean;
}

/** One message row as the page shows it. */
export interface MessageSnapshot {
  nativeId: string;
  sender: Sender;
  text: string;
  sentAt: number | null;
  timePrecision: TimePrecision;
  status: MessageStatus;
  attachments: Attachment[];
  quote: Quote | null;
  system: boolean;
  truncated: boolean;
  /** Reactions shown under the message; absent when the adapter cannot see any. */
  reactions?: Reaction[];
  /**
   * Native ids this same message was read under before (Messenger's derived day/text/position id,
   * when the page now also shows its real `data-message-id`): the store keeps one message.
   */
  formerIds?: string[];
}

/** The open thread: which conversation, and its rendered messages in DOM (top-to-bottom) order. */
export interface ThreadSnapshot {
  conversation: Pick<ConversationSnapshot, 'nativeId' | 'title' | 'isGroup'> & {
    /**
     * The provisional key a chat-list row of this conversation carries when the row has no id
     * (see ConversationSnapshot.provisional): the store merges that conversation into this one.
     */
    provisionalKey?: string;
  };
  /** Contiguous run of rendered messages, oldest first, exactly as they stand in the DOM. */
  messages: MessageSnapshot[];
}

/**
 * The provisional native id of a chat-list row that carries no platform id: made from its title,
 * so the same row read twice gets the same key, and a thread read (whose URL or header gives the
 * real id) can name the key it replaces (ThreadSnapshot.conversation.provisionalKey).
 */
export function provisionalKey(title: string): string {
  return '~' + title.normalize('NFC').trim().slice(0, LIMITS.nativeIdChars - 1);
}

export function isProvisionalKey(nativeId: string): boolean {
  return nativeId.startsWith('~');
}

/**
 * The native id of a conversation on a platform whose pages carry no chat id at all (WhatsApp in
 * 2026): its title qualified by kind, so a group and a 1:1 chat with the same name never share an id.
 */
export function titleKey(title: string, isGroup: boolean): string {
  return (isGroup ? 'group/' : 'dm/') + title.normalize('NFC').trim().slice(0, LIMITS.nativeIdChars - 6);
}

/**
 * One part of a stored id. Ids join their parts with `:` and native ids come from pages (they may
 * contain `:`), so `%` and `:` are escaped: conversation `a:b` + message `c` and conversation `a` +
 * message `b:c` can never share an id. Parts without those characters stay as they are.
 */
export function idPart(nativeId: string): string {
  return nativeId.replace(/%/g, '%25').replace(/:/g, '%3A');
}

/** A conversation's stored id: `platform:<escaped native id>` (see idPart). */
export function conversationId(platform: Platform, nativeId: string): string {
  return `${platform}:${idPart(nativeId)}`;
}

/** A message's stored id: `<conversation id>:<escaped native id>` (see idPart). */
export function messageId(convId: string, nativeId: string): string {
  return `${convId}:${idPart(nativeId)}`;
}

/** One person the user linked across platforms (issue 5). Conversations point at it by `personId`. */
export interface Person {
  /** `person:<random>` */
  id: string;
  /** What the user calls them (defaults to the title of the conversation the link started from). */
  name: string;
  createdAt: number;
  updatedAt: number;
}

/** Outgoing replies, durable in the store so a send survives the worker being stopped. */
export type OutboxState = 'queued' | 'posting' | 'sent' | 'failed';

export type SendFailureReason =
  | 'no-tab' // no tab of that platform is open
  | 'chat-not-found' // the conversation could not be opened in the page
  | 'composer-rejected' // the composer did not accept the text
  | 'draft-present' // the user has a draft in the page's composer; we never clobber it
  | 'too-long' // longer than the platform accepts
  | 'no-echo' // the message never appeared as an outgoing bubble
  | 'not-ready' // the page is logged out, loading or its layout is not recognised
  | 'interrupted' // the tab went away mid-post
  | 'ambiguous-target' // two chats in the page match the target and nothing tells them apart
  | 'app-not-sent'; // the app itself marked the bubble "Not sent" / "Retry"

export interface OutboxEntry {
  /** Random id chosen when the user pressed Send. */
  id: string;
  conversationId: string;
  platform: Platform;
  text: string;
  state: OutboxState;
  /** Why it failed, as a code: the pages word it in the user's language (lib/shared/i18n/ `sendFailure`). */
  reason?: SendFailureReason;
  /**
   * A page's free-text exception message for a failure, kept for diagnosis; never shown when there
   * is a `reason`. (Entries stored before codes-only also hold the English reason text here.)
   */
  detail?: string;
  createdAt: number;
  updatedAt: number;
  /** When the current posting attempt began (used to look for an echo before re-posting). */
  attemptStartedAt?: number;
  attempts: number;
  /** The stored message the echo became, once seen. */
  messageId?: string;
  /** The tab the current attempt was handed to (so a closed tab can be noticed). */
  tabId?: number;
}
