// The one map of what an extension page may ask of the background, and what each request answers.
// Requests are the valibot schemas of lib/shared/protocol.ts (checked on receipt, as ever); this file adds
// each one's reply type, so the worker's handler map must answer every request with its own reply
// (lib/worker/router.ts) and the pages' one `call()` (lib/pages/call.ts) gets a typed answer.
// Runs anywhere: type-only imports.
import type { FromExtensionPage } from './protocol';
import type { SweepReason } from './sweep';

/** What an import wrote (lib/worker/import.ts). */
export interface ImportSummary {
  /** Records that were new, plus existing ones the import changed. */
  conversations: number;
  messages: number;
  people: number;
}

/** The background said no, with a short reason. */
export type Refusal = { ok: false; error: string };
/** Done, or refused. */
export type Done = { ok: true } | Refusal;

/**
 * A sweep was started (its run id; the store's SweepRecord shows it live), or refused with the
 * reason code the pages word (lib/shared/sweep.ts): 'busy', 'no-tab', 'not-ready',
 * 'opening-chats-off', 'chat-not-found'.
 */
export type SweepStartReply = { ok: true; runId: string } | { ok: false; error: SweepReason };

/** Every page request by its `type`. */
export type PageRequests = { [M in FromExtensionPage as M['type']]: M };
export type PageRequestType = keyof PageRequests;
export type PageRequest<K extends PageRequestType> = PageRequests[K];
/** Omit applied to each member of a union (a request with variants, e.g. sweep-start, keeps them apart). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A request without its `type`: what `call(type, payload)` takes. */
export type PagePayload<K extends PageRequestType> = OmitEach<PageRequest<K>, 'type'>;

/** What each page request answers. A request type missing here (or a stray one) fails to compile below. */
export interface PageReplies {
  'send-request': Done;
  'retry-send': Done;
  'link-people': Done;
  unlink: Done;
  'rename-person': Done;
  'import-data': { ok: true; imported: ImportSummary } | Refusal;
  'delete-all-data': Done;
  'sweep-start': SweepStartReply;
  'sweep-cancel': Done;
  'open-platform-tab': Done;
  'e2ee-start': Done;
  'e2ee-accept': Done;
  'e2ee-send': Done;
  'e2ee-verify': Done;
  'e2ee-accept-key-change': Done;
  'e2ee-set-encrypt': Done;
  'e2ee-decline': Done;
  'e2ee-answer-init': Done;
  'e2ee-set-passphrase': Done;
  'e2ee-unlock': Done;
  'e2ee-lock': Done;
}
export type PageReply<K extends PageRequestType> = PageReplies[K];

// Compile-time: the reply map has exactly the request types of the protocol.
type Exactly<A, B> = [Exclude<A, B>] extends [never] ? ([Exclude<B, A>] extends [never] ? true : false) : false;
type Assert<T extends true> = T;
export type EveryRequestHasAReply = Assert<Exactly<PageRequestType, keyof PageReplies>>;
