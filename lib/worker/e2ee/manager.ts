// The background's encryption layer, as the worker sees it: one object that takes the pages'
// commands (start, accept, answer an init, send, verify, trust, encrypt on/off, lock) and hears of
// every merged batch. The work is split by job:
// - common.ts: limits, reasons, the serial queue and the Outbox port the parts share;
// - sealed-store.ts: sealed storage (commit, the device identity, sessions, content-known rows);
// - reader.ts: the ingest reader (afterIngest, part reassembly, verdicts bound to chat and direction);
// - passphrase.ts: re-sealing everything under a new passphrase key;
// - this file: the page commands, run one at a time.
//
// Invariants:
// - Everything secret is sealed at rest (seal.ts); nothing secret is logged.
// - One operation at a time (a queue): state is read, changed and written without interleaving.
// - A new ratchet state is committed in the same transaction that queues the ciphertext in the
//   outbox, so it is saved before any page sees the ciphertext; a retry re-posts the same text.
// - Only armored ciphertext goes to content scripts (through the Outbox port the worker injects).
import { acceptInvite, createInvite, encrypt } from '../../crypto/session';
import { fromBase64 } from '../../crypto/primitives';
import type { InboxDb } from '../../store/db';
import type { MergeResult } from '../merge';
import type { Conversation, OutboxEntry } from '../../shared/model';
import type { E2eePageMessage, Ingest } from '../../shared/protocol';
import { adoptSession, type Changes, type E2eeReply, type Outbox, POST_PART_LIMITS, remember, SerialQueue } from './common';
import { armorIdOf } from './detect';
import { KeyRing, LockedError, memoryKeyStore } from './keyring';
import { setPassphrase } from './passphrase';
import { IngestReader } from './reader';
import { SealedStore } from './sealed-store';
import type { E2eeConversation } from '../../store/records';

export {
  armorRowId,
  AWAITING_CONSENT,
  type E2eeReply,
  emptyConversationState,
  ENCRYPTED_PLACEHOLDER,
  MAX_PENDING_PER_CONVERSATION,
  NOT_THIS_CHAT,
  type Outbox,
  PARTS_DROPPED,
  POST_PART_LIMITS,
} from './common';
export { armorIdOf, mayHoldArmor } from './detect';
export { redactEncrypted } from './reader';

export interface E2eeDeps {
  db: InboxDb;
  /** Where committed ciphertext parts are posted (the worker's outbox, see lib/worker/e2ee/outbox-port.ts). */
  outbox: Outbox;
  /** Where the sealing key comes from (default: stored key; the lock keeps its unlocked key in memory). */
  keyRing?: KeyRing;
  log?: (...args: unknown[]) => void;
}

export class E2eeManager {
  private readonly db: InboxDb;
  private readonly outbox: Outbox;
  readonly keys: KeyRing;
  private readonly log: (...args: unknown[]) => void;
  /** Shared by the commands and the reader: crypto state is read-modify-write. */
  private readonly queue = new SerialQueue();
  private readonly store: SealedStore;
  private readonly reader: IngestReader;
  private readonly dispatching = new Set<Promise<void>>();

  constructor(deps: E2eeDeps) {
    this.db = deps.db;
    this.outbox = deps.outbox;
    this.keys = deps.keyRing ?? new KeyRing(deps.db, memoryKeyStore());
    this.log = deps.log ?? (() => {});
    this.store = new SealedStore(this.db, this.keys);
    this.reader = new IngestReader(this.store, this.queue, this.log);
  }

  /** Resolves when every post handed to the outbox so far was dispatched (tests). */
  async settled(): Promise<void> {
    await this.queue.idle();
    while (this.dispatching.size) await Promise.all([...this.dispatching]);
  }

  /**
   * After a batch was merged: reads the thread's armored messages (reader.ts). Returns the merge
   * result as listeners may hear it (encrypted news without its ciphertext); `merged` is untouched.
   */
  afterIngest(batch: Ingest, merged: MergeResult, now: number): Promise<MergeResult> {
    return this.reader.afterIngest(batch, merged, now);
  }

  // ---------------------------------------------------------------- page messages

  handlePage(msg: E2eePageMessage, now: number): Promise<E2eeReply> {
    return this.queue.run(() =>
      this.page(msg, now).catch((e: unknown) => {
        if (e instanceof LockedError) return { ok: false as const, error: 'locked' };
        throw e;
      }),
    );
  }

  private async page(msg: E2eePageMessage, now: number): Promise<E2eeReply> {
    switch (msg.type) {
      case 'e2ee-start':
        return this.start(msg.conversationId, msg.outboxId, now);
      case 'e2ee-accept':
        return this.accept(msg.conversationId, msg.outboxId, now);
      case 'e2ee-send':
        return this.send(msg.conversationId, msg.outboxId, msg.text, now);
      case 'e2ee-verify':
        return this.updateTrust(msg.conversationId, now, (row) => {
          if (!row.safetyNumber || row.safetyNumber !== msg.safetyNumber) return 'safety number changed';
          row.verified = true;
          row.trustedPeerKey = row.peerIdentityKey;
          row.keyChanged = false;
          return null;
        });
      case 'e2ee-accept-key-change':
        return this.updateTrust(msg.conversationId, now, (row) => {
          if (!row.keyChanged || !row.peerIdentityKey) return 'no key change';
          row.trustedPeerKey = row.peerIdentityKey;
          row.keyChanged = false;
          row.verified = false; // the new key is trusted on first use again, until compared
          return null;
        });
      case 'e2ee-set-encrypt':
        return this.updateTrust(msg.conversationId, now, (row) => {
          if (row.status !== 'active') return 'no encrypted session';
          row.encrypt = msg.on;
          return null;
        });
      case 'e2ee-decline':
        return this.updateTrust(msg.conversationId, now, (row) => {
          if (!row.incomingInvite) return 'no invite';
          row.handledInvites = remember(row.handledInvites, row.incomingInvite.armorId);
          row.incomingInvite = null;
          return null;
        });
      case 'e2ee-answer-init':
        return this.answerInit(msg.conversationId, msg.accept, now);
      case 'e2ee-set-passphrase':
        return setPassphrase(this.store, msg.passphrase, now);
      case 'e2ee-unlock':
        if (!(await this.keys.unlock(msg.passphrase))) return { ok: false, error: 'wrong passphrase' };
        await this.reader.readDeferred(now);
        return { ok: true };
      case 'e2ee-lock':
        await this.keys.lock();
        this.store.forgetDevice(); // no secret stays in memory while locked
        return { ok: true };
    }
  }

  /** After everything was deleted: forget what is cached in memory, and delete the key file. */
  async reset(): Promise<void> {
    await this.queue.run(async () => {
      this.store.forgetDevice();
      await this.keys.discardStoredKey();
      this.keys.forget();
    });
  }

  private async start(conversationId: string, outboxId: string, now: number): Promise<E2eeReply> {
    if (await this.db.outbox.get(outboxId)) return { ok: true }; // the same request delivered twice
    const conv = await this.chat(conversationId);
    if ('error' in conv) return { ok: false, error: conv.error };
    const { device } = await this.store.device(now);
    const invite = createInvite(device, POST_PART_LIMITS[conv.platform]);
    const armorId = armorIdOf(invite.armoredParts[0]!)!;
    const row = await this.store.conversationState(conversationId, now);
    if (row.status === 'none') row.status = 'invited';
    row.handledInvites = remember(row.handledInvites, armorId);
    // The invite is bound to this conversation: only here does an init answering it need no question.
    row.invitedPrekeys = remember(row.invitedPrekeys ?? [], device.signedPrekey.id);
    row.updatedAt = now;
    const changes: Changes = {
      conversation: row,
      plain: [await this.store.armorRow(conversationId, armorId, { kind: 'invite', state: 'ok', direction: 'out', plaintext: null }, now)],
      encryptedMessageIds: [],
      outbox: outboxEntries(conv, outboxId, invite.armoredParts, now),
    };
    await this.store.commit(changes);
    this.post(changes.outbox, now);
    return { ok: true };
  }

  private async accept(conversationId: string, outboxId: string, now: number): Promise<E2eeReply> {
    if (await this.db.outbox.get(outboxId)) return { ok: true };
    const conv = await this.chat(conversationId);
    if ('error' in conv) return { ok: false, error: conv.error };
    const row = await this.store.conversationState(conversationId, now);
    const invite = row.incomingInvite;
    if (!invite) return { ok: false, error: 'no invite' };
    const { device } = await this.store.device(now);
    const envelope = fromBase64(invite.envelope);
    if (!envelope) return { ok: false, error: 'malformed' };
    const accepted = await acceptInvite(device, envelope, { platform: POST_PART_LIMITS[conv.platform], now });
    if (!accepted.ok) return { ok: false, error: accepted.error };
    const sessions = await this.store.sessionsOf(row);
    adoptSession(row, accepted.session);
    row.incomingInvite = null;
    row.handledInvites = remember(row.handledInvites, invite.armorId);
    row.sessions = await this.store.sealSessions(row, [accepted.session, ...sessions]);
    row.updatedAt = now;
    const armorId = armorIdOf(accepted.armoredParts[0]!)!;
    const changes: Changes = {
      conversation: row,
      plain: [
        await this.store.armorRow(conversationId, armorId, { kind: 'handshake', state: 'ok', direction: 'out', plaintext: null }, now),
      ],
      encryptedMessageIds: [],
      outbox: outboxEntries(conv, outboxId, accepted.armoredParts, now),
    };
    await this.store.commit(changes);
    this.post(changes.outbox, now);
    return { ok: true };
  }

  private async send(conversationId: string, outboxId: string, text: string, now: number): Promise<E2eeReply> {
    if (await this.db.outbox.get(outboxId)) return { ok: true };
    const conv = await this.chat(conversationId);
    if ('error' in conv) return { ok: false, error: conv.error };
    const row = await this.store.conversationState(conversationId, now);
    if (row.status !== 'active') return { ok: false, error: 'no encrypted session' };
    // After any key change (verified or not) nothing is encrypted until the user accepts the new key.
    if (row.keyChanged) return { ok: false, error: 'key changed' };
    const sessions = await this.store.sessionsOf(row);
    const current = sessions[0];
    if (!current) return { ok: false, error: 'no encrypted session' };
    const out = encrypt(current, text, POST_PART_LIMITS[conv.platform]);
    if (!out.ok) return { ok: false, error: out.error };
    row.sessions = await this.store.sealSessions(row, [out.session, ...sessions.slice(1)]);
    row.updatedAt = now;
    const armorId = armorIdOf(out.armoredParts[0]!)!;
    const changes: Changes = {
      conversation: row,
      plain: [await this.store.armorRow(conversationId, armorId, { kind: 'message', state: 'ok', direction: 'out', plaintext: text }, now)],
      encryptedMessageIds: [],
      outbox: outboxEntries(conv, outboxId, out.armoredParts, now),
    };
    // The advanced ratchet and the ciphertext's outbox entries commit together, before any post.
    await this.store.commit(changes);
    this.post(changes.outbox, now);
    return { ok: true };
  }

  private async updateTrust(conversationId: string, now: number, change: (row: E2eeConversation) => string | null): Promise<E2eeReply> {
    const row = await this.db.e2eeSessions.get(conversationId);
    if (!row) return { ok: false, error: 'no encrypted session' };
    const error = change(row);
    if (error) return { ok: false, error };
    row.updatedAt = now;
    await this.db.e2eeSessions.put(row);
    return { ok: true };
  }

  /**
   * The user's answer to "… wants to set up encryption". Yes: the init (and any later message of
   * the same session) is read now, and the session set up; no: its messages stay unread and the
   * same init never asks again. Either way the next waiting request, if any, is shown.
   */
  private async answerInit(conversationId: string, accept: boolean, now: number): Promise<E2eeReply> {
    const row = await this.db.e2eeSessions.get(conversationId);
    const request = row?.incomingInit;
    if (!row || !request) return { ok: false, error: 'no request' };
    if (accept) row.approvedInits = remember(row.approvedInits ?? [], request.initKey);
    else row.declinedInits = remember(row.declinedInits ?? [], request.initKey);
    row.incomingInit = null;
    row.updatedAt = now;
    await this.db.e2eeSessions.put(row);
    await this.reader.rereadAwaitingConsent(conversationId, now);
    return { ok: true };
  }

  private async chat(conversationId: string): Promise<Conversation | { error: string }> {
    const conv = await this.db.conversations.get(conversationId);
    if (!conv) return { error: 'unknown conversation' };
    if (conv.isGroup) return { error: 'encryption is for one-to-one conversations' };
    return conv;
  }

  /** Hands queued parts to the outbox, in order, after they were committed (never awaited here). */
  private post(entries: OutboxEntry[], now: number): void {
    const run = this.outbox.post(entries, now).catch((err: unknown) => {
      this.log('e2ee: dispatch failed', err instanceof Error ? err.message : String(err));
    });
    this.dispatching.add(run);
    void run.finally(() => this.dispatching.delete(run));
  }
}

/** One outbox entry per armored part; parts after the first get ids derived from the page's. */
function outboxEntries(conv: Conversation, outboxId: string, parts: string[], now: number): OutboxEntry[] {
  return parts.map((text, i) => ({
    id: i === 0 ? outboxId : `${outboxId}:${i}`,
    conversationId: conv.id,
    platform: conv.platform,
    text,
    state: 'queued',
    // Distinct times keep the parts in order wherever the outbox is sorted by creation.
    createdAt: now + i,
    updatedAt: now,
    attempts: 0,
  }));
}
