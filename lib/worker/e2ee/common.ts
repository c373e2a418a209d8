// What the e2ee layer's parts share: the limits and reasons they agree on, the one-at-a-time queue
// that keeps crypto state read-modify-write, the Outbox port through which ciphertext leaves, and
// the small pure helpers more than one part uses. No state lives here except in the queue object.
import { type ArmoredPart, normalizeArmorText } from '../../crypto/armor';
import type { SeenEphemerals } from '../../crypto/handshake';
import type { DeviceIdentity } from '../../crypto/identity';
import { sha256Digest, toHex, utf8 } from '../../crypto/primitives';
import { type Session, sessionSafetyNumber } from '../../crypto/session';
import { messageId as toMessageId, type OutboxEntry, type Platform } from '../../shared/model';
import { platformTable } from '../../shared/platforms';
import type { E2eeConversation, E2eePlain, PlainKind, PlainState } from '../../store/records';

/**
 * Characters per posted part. WhatsApp cuts long bubbles behind "Read more" (about 700 characters)
 * and the scraper reads only what is shown, so its parts stay below that; Instagram's hard limit is
 * 1,000 (parts of 900); Messenger shows long texts whole.
 */
export const POST_PART_LIMITS: Record<Platform, number> = platformTable('partLimit');

/** Sessions kept per conversation (current first): older ones still read late messages. */
export const MAX_SESSIONS = 5;
const MAX_HANDLED_INVITES = 50;
/**
 * Incomplete multi-part messages kept waiting per conversation (the crypto Reassembler's bound): a
 * page that floods a chat with first parts of forged messages cannot grow the pending set beyond
 * it; the oldest are given up (`parts-dropped`, counted in `droppedPending`), never deleted.
 */
export const MAX_PENDING_PER_CONVERSATION = 64;
/**
 * Why a verdict says "modified / not from this chat": the ciphertext was read (or sent) in another
 * conversation, or in this one in the other direction (a reflection). Never shown as plaintext.
 */
export const NOT_THIS_CHAT = 'not-this-chat';
/** A request to set up encryption waits for the user's answer (see IncomingInit). */
export const AWAITING_CONSENT = 'consent';
export const PARTS_DROPPED = 'parts-dropped';
/** What stands for an encrypted message outside the extension's own views (e.g. notifications). */
export const ENCRYPTED_PLACEHOLDER = '🔒';

export type E2eeReply = { ok: true } | { ok: false; error: string };

/**
 * Where committed ciphertext parts go to be posted (the background's outbox). The e2ee layer only
 * hands entries over, in order, after they were committed; the returned promise settles when they
 * were dispatched and never rejects (failures stay in the durable outbox and are logged there).
 */
export interface Outbox {
  post(entries: OutboxEntry[], now: number): Promise<void>;
}

/** Runs operations one after another (crypto state is read, changed and written without interleaving). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when everything queued so far has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

/** What reading one envelope produced. */
export interface Verdict {
  kind: PlainKind;
  state: PlainState;
  direction: 'in' | 'out';
  plaintext: string | null;
  reason?: string;
}

/** Everything one operation writes, committed in one transaction. */
export interface Changes {
  conversation?: E2eeConversation;
  device?: DeviceIdentity;
  seen?: SeenEphemerals;
  plain: E2eePlain[];
  encryptedMessageIds: string[];
  outbox: OutboxEntry[];
}

/** The bubble(s) one armored message was read from (main part first once complete). */
export type PartGroup = { row: E2eePlain; parts: ArmoredPart[] }[];

/**
 * The row that remembers a ciphertext by its content, per conversation: `armor:` keeps it apart
 * from every stored message id (those begin with a platform), messageId() builds the rest.
 */
export function armorRowId(conversationId: string, armorId: string): string {
  return `armor:${toMessageId(conversationId, armorId)}`;
}

/** What an init answers to: its session and who made it. */
export function initKeyOf(sessionId: string, identityKey: string): string {
  return `${sessionId}/${identityKey}`;
}

export function textHash(text: string): string {
  return toHex(sha256Digest(utf8(normalizeArmorText(text))));
}

export function emptyConversationState(conversationId: string, now: number): E2eeConversation {
  return {
    conversationId,
    status: 'none',
    sessions: null,
    sessionId: null,
    peerIdentityKey: null,
    trustedPeerKey: null,
    verified: false,
    keyChanged: false,
    safetyNumber: null,
    encrypt: false,
    incomingInvite: null,
    handledInvites: [],
    invitedPrekeys: [],
    incomingInit: null,
    approvedInits: [],
    declinedInits: [],
    droppedPending: 0,
    updatedAt: now,
  };
}

/** Adds `item` to a short remembered list (the oldest forgotten beyond MAX_HANDLED_INVITES). */
export function remember<T>(list: T[], item: T): T[] {
  return list.includes(item) ? list : [...list, item].slice(-MAX_HANDLED_INVITES);
}

/** Makes `session` the conversation's current one and applies trust on first use. */
export function adoptSession(row: E2eeConversation, session: Session): void {
  row.status = 'active';
  row.sessionId = session.sessionId;
  row.peerIdentityKey = session.peerIdentityKey;
  row.safetyNumber = sessionSafetyNumber(session);
  row.encrypt = true;
  if (!row.trustedPeerKey) row.trustedPeerKey = session.peerIdentityKey;
  row.keyChanged = row.trustedPeerKey !== session.peerIdentityKey;
  if (row.incomingInit && row.incomingInit.initKey === initKeyOf(session.sessionId, session.peerIdentityKey)) row.incomingInit = null;
  if (row.incomingInvite && row.incomingInvite.identityKey === session.peerIdentityKey && !row.keyChanged) {
    // The peer answered our invite while theirs was still shown: one session is enough.
    row.handledInvites = remember(row.handledInvites, row.incomingInvite.armorId);
    row.incomingInvite = null;
  }
}
