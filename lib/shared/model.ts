// The platform-neutral model shared by content scripts, the background and the UI.
// Ids are derived from platform ids so the same thing seen twice gets the same id.
import { LIMITS } from './limits';
import { PLATFORMS, platformTable, type Platform } from './platforms';
// What content scripts report (snapshots), and the fields stored records share with them, are
// inferred from the schemas in lib/shared/schemas.ts, the one source of those shapes. Type-only:
// model.ts stays free of valibot at run time (content scripts import its constants and helpers).
import type {
  AdapterHealthState,
  Attachment,
  AttachmentKind,
  ConversationSnapshot,
  MessageSnapshot,
  MessageStatus,
  Quote,
  Reaction,
  SendFailureReason,
  Sender,
  ThreadSnapshot,
  TimePrecision,
} from './schemas';

// The model is the one place the rest of the code takes its vocabulary from.
export { LIMITS, PLATFORMS, type Platform };
export type {
  AdapterHealthState,
  Attachment,
  AttachmentKind,
  ConversationSnapshot,
  MessageSnapshot,
  MessageStatus,
  Quote,
  Reaction,
  SendFailureReason,
  Sender,
  ThreadSnapshot,
  TimePrecision,
};

/** Human-readable platform names (shown in the UI and used as accessible labels). From lib/shared/platforms.ts. */
export const PLATFORM_LABEL: Record<Platform, string> = platformTable('label');

/** Maximum characters each platform accepts in one message. From lib/shared/platforms.ts. */
export const PLATFORM_TEXT_LIMIT: Record<Platform, number> = platformTable('textLimit');

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

/**
 * A stored conversation: the chat-list row's fields (ConversationSnapshot, minus `provisional`,
 * which the store resolves before it stores anything) plus what the store adds.
 */
export interface Conversation extends Omit<ConversationSnapshot, 'provisional'> {
  /** conversationId(platform, nativeId): `${platform}:${escaped nativeId}` */
  id: string;
  platform: Platform;
  /** Set when the user linked this conversation to a person (see Person). */
  personId?: string | null;
  /** Epoch ms when we first saw it, and last changed it. */
  firstSeenAt: number;
  updatedAt: number;
  /** What it adds to the toolbar badge, kept by the store on every write (lib/store/unread-weight.ts); absent for 0. */
  unreadWeight?: number;
}

/**
 * A stored message: the message row's fields (MessageSnapshot, minus `formerIds`, which the store
 * folds into one message) plus what the store adds.
 */
export interface Message extends Omit<MessageSnapshot, 'formerIds'> {
  /** messageId(conversationId, nativeId): `${conversationId}:${escaped nativeId}` */
  id: string;
  conversationId: string;
  platform: Platform;
  /** Sort key within the conversation (ascending = older first). Assigned by the merge. */
  order: number;
  /** Set by the encryption layer (lib/worker/e2ee). */
  encrypted?: boolean;
  firstSeenAt: number;
  updatedAt: number;
}

/**
 * The provisional native id of a chat-list row that carries no platform id: made from its title,
 * so the same row read twice gets the same key, and a thread read (whose URL or header gives the
 * real id) can name the key it replaces (ThreadSnapshot.conversation.provisionalKey).
 */
export function provisionalKey(title: string): string {
  return (
    '~' +
    title
      .normalize('NFC')
      .trim()
      .slice(0, LIMITS.nativeIdChars - 1)
  );
}

export function isProvisionalKey(nativeId: string): boolean {
  return nativeId.startsWith('~');
}

/**
 * The native id of a conversation on a platform whose pages carry no chat id at all (WhatsApp in
 * 2026): its title qualified by kind, so a group and a 1:1 chat with the same name never share an id.
 */
export function titleKey(title: string, isGroup: boolean): string {
  return (
    (isGroup ? 'group/' : 'dm/') +
    title
      .normalize('NFC')
      .trim()
      .slice(0, LIMITS.nativeIdChars - 6)
  );
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
