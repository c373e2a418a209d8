// Runtime messages between contexts, each validated by a schema on receipt.
// Everything a content script sends is untrusted page-derived data: shapes, types and sizes
// are checked here before anything reaches the store.
import * as v from 'valibot';
import { LIMITS } from './limits';
import { platformTable, type Platform } from './platforms';
import { SWEEP_KINDS, SWEEP_LOAD_WAIT_MS, SWEEP_REASONS, SWEEP_STATES, SWEEP_STEP_DELAY_MS } from './sweep';
import { ConversationSnapshotSchema, HealthStateSchema, PlatformSchema, SendFailureReasonSchema, ThreadSnapshotSchema } from './schemas';

const str = (max: number) => v.pipe(v.string(), v.maxLength(max));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.nativeIdChars));

// ---- content script → background ----

/** A batch of what the page shows. Acknowledged only after it is committed to the store. */
export const IngestSchema = v.strictObject({
  type: v.literal('ingest'),
  platform: PlatformSchema,
  batchId: id,
  health: v.strictObject({
    state: HealthStateSchema,
    reason: v.optional(str(LIMITS.previewChars)),
    /** With a state other than ok: the page's structure without its text, for a bug report. */
    report: v.optional(str(LIMITS.layoutReportChars)),
  }),
  conversations: v.pipe(v.array(ConversationSnapshotSchema), v.maxLength(LIMITS.conversationsPerBatch)),
  thread: v.nullable(ThreadSnapshotSchema),
});

/** The content script's verdict on a send it was asked to make. */
export const SendResultSchema = v.strictObject({
  type: v.literal('send-result'),
  platform: PlatformSchema,
  outboxId: id,
  ok: v.boolean(),
  reason: v.optional(SendFailureReasonSchema),
  detail: v.optional(str(LIMITS.previewChars)),
  /** The native id of the outgoing bubble that echoed the send. */
  messageNativeId: v.optional(id),
  conversationNativeId: v.optional(id),
});

/** A content script announcing it is up (after a load or reload); the background re-sends work. */
export const HelloSchema = v.strictObject({
  type: v.literal('hello'),
  platform: PlatformSchema,
});

/** After each step of a sweep (lib/shared/sweep.ts) and once when it ends (a final state). */
export const SweepProgressSchema = v.strictObject({
  type: v.literal('sweep-progress'),
  platform: PlatformSchema,
  runId: id,
  state: v.picklist(SWEEP_STATES),
  reason: v.optional(v.picklist(SWEEP_REASONS)),
  steps: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)),
  found: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000_000)),
});

export const FromContentSchema = v.variant('type', [IngestSchema, SendResultSchema, HelloSchema, SweepProgressSchema]);

// ---- extension pages (popup, side panel, options) → background ----

export const SendRequestSchema = v.strictObject({
  type: v.literal('send-request'),
  outboxId: id,
  conversationId: id,
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.outgoingChars)),
});

export const RetrySendSchema = v.strictObject({
  type: v.literal('retry-send'),
  outboxId: id,
});

/** Link conversations into one person (issue 5); the first one's title names a new person. */
export const LinkPeopleSchema = v.strictObject({
  type: v.literal('link-people'),
  conversationIds: v.pipe(v.array(id), v.minLength(2), v.maxLength(32)),
  name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.titleChars))),
});

/** Take one conversation out of its person (a person left with one conversation is dissolved). */
export const UnlinkSchema = v.strictObject({
  type: v.literal('unlink'),
  conversationId: id,
});

export const RenamePersonSchema = v.strictObject({
  type: v.literal('rename-person'),
  personId: id,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.titleChars)),
});

/**
 * Start a sweep on the user's click: 'chats' on one platform or on every platform with a tab
 * ('all', one after another); 'older' or 'chat' in one conversation (its store id).
 */
export const SweepStartSchema = v.variant('kind', [
  v.strictObject({ type: v.literal('sweep-start'), kind: v.literal('chats'), platform: v.union([PlatformSchema, v.literal('all')]) }),
  v.strictObject({ type: v.literal('sweep-start'), kind: v.picklist(['older', 'chat']), conversationId: id }),
]);
/** Cancel the running sweep (and the rest of a "Read all"). */
export const SweepCancelSchema = v.strictObject({ type: v.literal('sweep-cancel') });
/** Open a platform's app in a pinned background tab (the inbox's "Open WhatsApp"). */
export const OpenPlatformTabSchema = v.strictObject({ type: v.literal('open-platform-tab'), platform: PlatformSchema });

/** The largest export file the options page may hand over (a runtime message carries it). */
export const MAX_IMPORT_CHARS = 32_000_000;

/** Import an export file (its JSON text; checked in full by lib/store/export.ts) into the store. */
export const ImportDataSchema = v.strictObject({
  type: v.literal('import-data'),
  data: v.pipe(v.string(), v.maxLength(MAX_IMPORT_CHARS)),
});

/** Wipe every table of the store (the options page asked, after the user confirmed). */
export const DeleteAllDataSchema = v.strictObject({
  type: v.literal('delete-all-data'),
});

// ---- end-to-end encryption (issue 4): extension pages → background, which owns all crypto state ----

/** Offer encryption in a conversation: the background posts an invite (armored) through the outbox. */
export const E2eeStartSchema = v.strictObject({ type: v.literal('e2ee-start'), outboxId: id, conversationId: id });
/** Accept the peer's invite shown in the conversation: the background posts the init. */
export const E2eeAcceptSchema = v.strictObject({ type: v.literal('e2ee-accept'), outboxId: id, conversationId: id });
/** Plaintext from the extension page; only the armored ciphertext ever reaches the messenger's page. */
export const E2eeSendSchema = v.strictObject({
  type: v.literal('e2ee-send'),
  outboxId: id,
  conversationId: id,
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.outgoingChars)),
});
/** The user compared this safety number with the contact's: mark it verified. */
export const E2eeVerifySchema = v.strictObject({
  type: v.literal('e2ee-verify'),
  conversationId: id,
  safetyNumber: v.pipe(v.string(), v.regex(/^\d{60}$/)),
});
/** The user accepts the contact's new key (after a key-change warning). */
export const E2eeAcceptKeyChangeSchema = v.strictObject({ type: v.literal('e2ee-accept-key-change'), conversationId: id });
/** The composer's "Encrypt" switch. */
export const E2eeSetEncryptSchema = v.strictObject({ type: v.literal('e2ee-set-encrypt'), conversationId: id, on: v.boolean() });
/** Dismiss an incoming invite without accepting it. */
export const E2eeDeclineSchema = v.strictObject({ type: v.literal('e2ee-decline'), conversationId: id });
/** The user's answer to a request to set up encryption (an init where we did not invite). */
export const E2eeAnswerInitSchema = v.strictObject({ type: v.literal('e2ee-answer-init'), conversationId: id, accept: v.boolean() });

/** Protect the encryption keys with a passphrase (or change it; the lock must be open). */
export const E2eeSetPassphraseSchema = v.strictObject({
  type: v.literal('e2ee-set-passphrase'),
  passphrase: v.pipe(v.string(), v.minLength(8), v.maxLength(1024)),
});
export const E2eeUnlockSchema = v.strictObject({
  type: v.literal('e2ee-unlock'),
  passphrase: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
});
export const E2eeLockSchema = v.strictObject({ type: v.literal('e2ee-lock') });

export const E2eePageSchemas = [
  E2eeStartSchema,
  E2eeAcceptSchema,
  E2eeSendSchema,
  E2eeVerifySchema,
  E2eeAcceptKeyChangeSchema,
  E2eeSetEncryptSchema,
  E2eeDeclineSchema,
  E2eeAnswerInitSchema,
  E2eeSetPassphraseSchema,
  E2eeUnlockSchema,
  E2eeLockSchema,
] as const;

export const FromExtensionPageSchema = v.variant('type', [
  ...E2eePageSchemas,
  SendRequestSchema,
  RetrySendSchema,
  LinkPeopleSchema,
  UnlinkSchema,
  RenamePersonSchema,
  ImportDataSchema,
  DeleteAllDataSchema,
  SweepStartSchema,
  SweepCancelSchema,
  OpenPlatformTabSchema,
]);

// ---- background → content script ----

export const SendCommandSchema = v.strictObject({
  type: v.literal('send'),
  outboxId: id,
  conversationNativeId: id,
  conversationTitle: str(LIMITS.titleChars),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.outgoingChars)),
  /** Epoch ms when this send was first attempted; an echo since then means "already posted". */
  attemptStartedAt: v.number(),
  /** True when a previous attempt may have posted: look for the echo before posting again. */
  checkEchoFirst: v.boolean(),
});

/** Run one sweep in this tab (content/command.ts checks the same shape by hand). */
export const SweepCommandSchema = v.strictObject({
  type: v.literal('sweep'),
  runId: id,
  kind: v.picklist(SWEEP_KINDS),
  /** For 'older' and 'chat': the conversation to bring up first (as for a send). */
  conversationNativeId: v.optional(id),
  conversationTitle: v.optional(str(LIMITS.titleChars)),
  maxSteps: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000)),
  /** For 'older': stop after this many older messages arrived. */
  targetMessages: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000))),
  /** Browser tests only (SWEEP_TEST_PACING_KEY): a fixed step delay and a shorter load wait (ms). */
  stepDelayMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(SWEEP_STEP_DELAY_MS.max))),
  loadWaitMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(SWEEP_LOAD_WAIT_MS))),
});
/** Stop the run with this id within one step. */
export const SweepCancelCommandSchema = v.strictObject({ type: v.literal('sweep-cancel'), runId: id });

export const ToContentSchema = v.variant('type', [SendCommandSchema, SweepCommandSchema, SweepCancelCommandSchema]);

export type Ingest = v.InferOutput<typeof IngestSchema>;
export type SendResult = v.InferOutput<typeof SendResultSchema>;
export type Hello = v.InferOutput<typeof HelloSchema>;
export type FromContent = v.InferOutput<typeof FromContentSchema>;
export type SendRequest = v.InferOutput<typeof SendRequestSchema>;
export type RetrySend = v.InferOutput<typeof RetrySendSchema>;
export type FromExtensionPage = v.InferOutput<typeof FromExtensionPageSchema>;
export type SendCommand = v.InferOutput<typeof SendCommandSchema>;
export type SweepCommand = v.InferOutput<typeof SweepCommandSchema>;
export type SweepCancelCommand = v.InferOutput<typeof SweepCancelCommandSchema>;
export type SweepProgress = v.InferOutput<typeof SweepProgressSchema>;
export type SweepStart = v.InferOutput<typeof SweepStartSchema>;
export type ToContent = v.InferOutput<typeof ToContentSchema>;
export type E2eePageMessage = v.InferOutput<(typeof E2eePageSchemas)[number]>;

/** Replies. */
export type IngestAck = { ok: true; batchId: string } | { ok: false; error: string };
export type SendCommandReply = { accepted: true } | { accepted: false; reason: string };

/** The origins each platform's content script may speak from. */
export const PLATFORM_ORIGINS: Record<Platform, readonly string[]> = platformTable('origins');

// Defined beside the platform table (valibot-free, so the pages can import it without the schemas).
export { PLATFORM_TAB_PATTERNS } from './platforms';

export function parse<T extends v.GenericSchema>(
  schema: T,
  input: unknown,
): { ok: true; value: v.InferOutput<T> } | { ok: false; error: string } {
  const r = v.safeParse(schema, input);
  if (r.success) return { ok: true, value: r.output };
  const first = r.issues[0];
  const path = first?.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, error: `${path ? path + ': ' : ''}${first?.message ?? 'invalid'}` };
}
