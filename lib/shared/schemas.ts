// What content scripts report (snapshots of what the page shows), as valibot schemas: the one
// source of these shapes. The types are inferred from the schemas here and re-exported by
// lib/shared/model.ts (type-only, so model.ts, which content scripts import at run time, never
// pulls valibot in); the stored Conversation and Message extend them. lib/shared/protocol.ts
// builds the messages that carry them.
import * as v from 'valibot';
import { LIMITS } from './limits';
import { PLATFORMS } from './platforms';

const str = (max: number) => v.pipe(v.string(), v.maxLength(max));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.nativeIdChars));
const time = v.nullable(v.pipe(v.number(), v.finite()));

export const PlatformSchema = v.picklist(PLATFORMS);

/** How an adapter reads its page. */
export const HealthStateSchema = v.picklist([
  'ok',
  'loading',
  'not-logged-in',
  'layout-unknown',
  'pin-required',
  'inactive', // e.g. "Use here" takeover, or a page outside the messages area
]);

export const AttachmentKindSchema = v.picklist(['image', 'video', 'audio', 'document', 'sticker', 'gif', 'other']);

export const AttachmentSchema = v.strictObject({
  kind: AttachmentKindSchema,
  /** A label for the placeholder, e.g. "Photo", a file name or the caption. */
  label: str(LIMITS.titleChars),
});

export const QuoteSchema = v.strictObject({ sender: str(LIMITS.titleChars), text: str(LIMITS.previewChars) });

/** A reaction the page shows under a message ("👍 1"): never part of its text. */
export const ReactionSchema = v.strictObject({
  emoji: str(64),
  count: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)),
});

export const SenderSchema = v.strictObject({ name: str(LIMITS.titleChars), isSelf: v.boolean() });

/**
 * How a message reached its current state.
 * received: an incoming message. pending/sent/delivered/read: our own, as the page shows it.
 */
export const MessageStatusSchema = v.picklist(['received', 'pending', 'sent', 'delivered', 'read', 'failed']);

/** How precise `sentAt` is: WhatsApp gives minutes, Instagram/Messenger only days or nothing. */
export const TimePrecisionSchema = v.picklist(['minute', 'day', 'none']);

/** One message row as the page shows it. */
export const MessageSnapshotSchema = v.strictObject({
  /** Platform message id (WhatsApp msgid from data-id, Instagram mid.$…, Messenger derived). */
  nativeId: id,
  sender: SenderSchema,
  text: str(LIMITS.textChars),
  /** Epoch ms, null when the page shows no time for it. */
  sentAt: time,
  timePrecision: TimePrecisionSchema,
  status: MessageStatusSchema,
  attachments: v.pipe(v.array(AttachmentSchema), v.maxLength(LIMITS.attachmentsPerMessage)),
  quote: v.nullable(QuoteSchema),
  /** A row that is a notice rather than a message (kept out of previews). */
  system: v.boolean(),
  /** True when the page showed the text cut ("Read more") and we may not have all of it. */
  truncated: v.boolean(),
  /** Reactions shown under the message (stored: as the page last showed them); absent when none are seen. */
  reactions: v.optional(v.pipe(v.array(ReactionSchema), v.maxLength(32))),
  /**
   * Native ids this same message was read under before (Messenger's derived day/text/position id,
   * when the page now also shows its real `data-message-id`): the store keeps one message.
   */
  formerIds: v.optional(v.pipe(v.array(id), v.maxLength(4))),
});

/** One chat-list row as the page shows it. */
export const ConversationSnapshotSchema = v.strictObject({
  /** The platform's own id (WhatsApp: derived from the chat, see the adapter; IG/Messenger: thread id). */
  nativeId: id,
  title: str(LIMITS.titleChars),
  isGroup: v.boolean(),
  /** Whether the platform shows the conversation as unread. */
  unread: v.boolean(),
  /** Unread number where the platform shows one (WhatsApp); null where it only shows read/unread. */
  unreadCount: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000))),
  muted: v.boolean(),
  archived: v.boolean(),
  pinned: v.boolean(),
  /** Last message preview (stored: from the chat list or the newest thread message). */
  preview: str(LIMITS.previewChars),
  /**
   * Epoch ms; null if unknown. A snapshot's is a best-effort parse of the row's time label; a stored
   * conversation's is the newest message known (list time or thread).
   */
  lastMessageAt: time,
  /** Index in the platform's own chat list at the last read, top = 0; a tie-breaker for ordering. */
  listRank: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /**
   * True when `nativeId` is a provisional key made from what the row shows (a title), because the
   * row carries no platform id (Instagram's anchorless rows, WhatsApp's list). The store resolves
   * it to the conversation a thread read tied that key to (ThreadSnapshot.conversation.provisionalKey).
   */
  provisional: v.optional(v.boolean()),
});

/** The open thread: which conversation, and its rendered messages in DOM (top-to-bottom) order. */
export const ThreadSnapshotSchema = v.strictObject({
  conversation: v.strictObject({
    nativeId: id,
    title: str(LIMITS.titleChars),
    isGroup: v.boolean(),
    /**
     * The provisional key a chat-list row of this conversation carries when the row has no id
     * (see ConversationSnapshot.provisional): the store merges that conversation into this one.
     */
    provisionalKey: v.optional(id),
  }),
  /** Contiguous run of rendered messages, oldest first, exactly as they stand in the DOM. */
  messages: v.pipe(v.array(MessageSnapshotSchema), v.maxLength(LIMITS.messagesPerBatch)),
});

/** Why a reply failed, as a code: the pages word it in the user's language (lib/shared/i18n/). */
export const SendFailureReasonSchema = v.picklist([
  'no-tab', // no tab of that platform is open
  'chat-not-found', // the conversation could not be opened in the page
  'composer-rejected', // the composer did not accept the text
  'draft-present', // the user has a draft in the page's composer; we never clobber it
  'too-long', // longer than the platform accepts
  'no-echo', // the message never appeared as an outgoing bubble
  'not-ready', // the page is logged out, loading or its layout is not recognised
  'interrupted', // the tab went away mid-post
  'ambiguous-target', // two chats in the page match the target and nothing tells them apart
  'app-not-sent', // the app itself marked the bubble "Not sent" / "Retry"
]);

export type AdapterHealthState = v.InferOutput<typeof HealthStateSchema>;
export type AttachmentKind = v.InferOutput<typeof AttachmentKindSchema>;
export type Attachment = v.InferOutput<typeof AttachmentSchema>;
export type Quote = v.InferOutput<typeof QuoteSchema>;
export type Reaction = v.InferOutput<typeof ReactionSchema>;
export type Sender = v.InferOutput<typeof SenderSchema>;
export type MessageStatus = v.InferOutput<typeof MessageStatusSchema>;
export type TimePrecision = v.InferOutput<typeof TimePrecisionSchema>;
export type MessageSnapshot = v.InferOutput<typeof MessageSnapshotSchema>;
export type ConversationSnapshot = v.InferOutput<typeof ConversationSnapshotSchema>;
export type ThreadSnapshot = v.InferOutput<typeof ThreadSnapshotSchema>;
export type SendFailureReason = v.InferOutput<typeof SendFailureReasonSchema>;
