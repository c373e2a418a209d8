// The background's encryption manager: the one owner of all crypto state (device identity,
// sessions, replay records, plaintext cache). Pages ask it to start, accept, send and verify; the
// ingest path hands it every merged thread so it can read armored messages once and cache them.
//
// Invariants:
// - Everything secret is sealed at rest (seal.ts); nothing secret is logged.
// - One operation at a time (a queue): state is read, changed and written without interleaving.
// - A new ratchet state is committed in the same transaction that queues the ciphertext in the
//   outbox, so it is saved before any page sees the ciphertext; a retry re-posts the same text.
// - Only armored ciphertext goes to content scripts (through the normal outbox / SendCommand).
import { type ArmoredPart, findArmored, joinParts, normalizeArmorText, PLATFORM_PART_LIMITS } from '../crypto/armor';
import type { SeenEphemerals } from '../crypto/handshake';
import {
  createIdentity,
  type DeviceIdentity,
  parseIdentity,
  prekeyNeedsRotation,
  rotateSignedPrekey,
  serializeIdentity,
} from '../crypto/identity';
import { fromBase64, sha256Digest, toBase64, toHex, utf8 } from '../crypto/primitives';
import {
  acceptInvite,
  createInvite,
  decrypt,
  encrypt,
  inspectEnvelope,
  openInit,
  parseSession,
  type Session,
  sessionSafetyNumber,
} from '../crypto/session';
import type { InboxDb } from '../db';
import type { MergeResult } from '../merge';
import {
  conversationId as toConversationId,
  type Conversation,
  type Message,
  messageId as toMessageId,
  type OutboxEntry,
  type Platform,
} from '../model';
import type { E2eePageMessage, Ingest } from '../protocol';
import { unindexMessages } from '../search';
import { dispatch, type TabPort } from '../background/outbox';
import { armorIdOf, mayHoldArmor } from './detect';
import { KeyRing, LockedError, MIN_PASSPHRASE_CHARS, memoryKeyStore } from './keyring';
import { openJson, openText, plainContext, SEAL_CONTEXT, sealJson, sealText, sessionsContext } from './seal';
import type { E2eeConversation, E2eeDeviceRecord, E2eePlain, PlainKind, PlainState, Sealed } from './types';

export type E2eeReply = { ok: true } | { ok: false; error: string };

/**
 * Characters per posted part. WhatsApp cuts long bubbles behind "Read more" (about 700 characters)
 * and the scraper reads only what is shown, so its parts stay below that; Instagram's hard limit is
 * 1,000 (parts of 900); Messenger shows long texts whole.
 */
export const POST_PART_LIMITS: Record<Platform, number> = {
  whatsapp: 640,
  instagram: PLATFORM_PART_LIMITS.instagram,
  messenger: PLATFORM_PART_LIMITS.messenger,
};

/** Sessions kept per conversation (current first): older ones still read late messages. */
const MAX_SESSIONS = 5;
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

/**
 * The row that remembers a ciphertext by its content, per conversation: `armor:` keeps it apart
 * from every stored message id (those begin with a platform), messageId() builds the rest.
 */
export function armorRowId(conversationId: string, armorId: string): string {
  return `armor:${toMessageId(conversationId, armorId)}`;
}

/** What an init answers to: its session and who made it. */
function initKeyOf(sessionId: string, identityKey: string): string {
  return `${sessionId}/${identityKey}`;
}
/** What stands for an encrypted message outside the extension's own views (e.g. notifications). */
export { armorIdOf, mayHoldArmor };
export const ENCRYPTED_PLACEHOLDER = '🔒';

export interface E2eeDeps {
  db: InboxDb;
  tabs: TabPort;
  /** Where the sealing key comes from (default: stored key; the lock keeps its unlocked key in memory). */
  keyRing?: KeyRing;
  log?: (...args: unknown[]) => void;
}

function textHash(text: string): string {
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

/** What reading one envelope produced. */
interface Verdict {
  kind: PlainKind;
  state: PlainState;
  direction: 'in' | 'out';
  plaintext: string | null;
  reason?: string;
}

/** Everything one operation writes, committed in one transaction. */
interface Changes {
  conversation?: E2eeConversation;
  device?: DeviceIdentity;
  seen?: SeenEphemerals;
  plain: E2eePlain[];
  encryptedMessageIds: string[];
  outbox: OutboxEntry[];
}

export class E2eeManager {
  private readonly db: InboxDb;
  private readonly tabs: TabPort;
  readonly keys: KeyRing;
  private readonly log: (...args: unknown[]) => void;
  private queue: Promise<unknown> = Promise.resolve();
  private deviceCache: { device: DeviceIdentity; seen: SeenEphemerals } | null = null;
  private readonly dispatching = new Set<Promise<void>>();

  constructor(deps: E2eeDeps) {
    this.db = deps.db;
    this.tabs = deps.tabs;
    this.keys = deps.keyRing ?? new KeyRing(deps.db, memoryKeyStore());
    this.log = deps.log ?? (() => {});
  }

  /** Runs operations one after another (crypto state is read-modify-write). */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every post handed to the outbox so far was dispatched (tests). */
  async settled(): Promise<void> {
    await this.queue;
    while (this.dispatching.size) await Promise.all([...this.dispatching]);
  }

  // ---------------------------------------------------------------- page messages

  handlePage(msg: E2eePageMessage, now: number): Promise<E2eeReply> {
    return this.serial(() =>
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
        return this.setPassphrase(msg.passphrase, now);
      case 'e2ee-unlock':
        if (!(await this.keys.unlock(msg.passphrase))) return { ok: false, error: 'wrong passphrase' };
        await this.processDeferred(now);
        return { ok: true };
      case 'e2ee-lock':
        await this.keys.lock();
        this.deviceCache = null; // no secret stays in memory while locked
        return { ok: true };
    }
  }

  /** After everything was deleted: forget what is cached in memory, and delete the key file. */
  async reset(): Promise<void> {
    await this.serial(async () => {
      this.deviceCache = null;
      await this.keys.discardStoredKey();
      this.keys.forget();
    });
  }

  /**
   * Starts or changes the passphrase lock (issue 12 item 3). Whoever copied the profile's files
   * before holds the old sealing key and everything sealed under it, so the passphrase would
   * protect nothing of value if the keys stayed the same: the device identity and its prekeys are
   * replaced by new ones; sessions set up with the old identity end (each conversation is started
   * again, and the contact is asked to accept the new key); cached plaintexts are sealed again
   * under the new key. All of it is written with the lock record in one transaction, then the old
   * key is deleted for good (its file leaves the profile).
   */
  private async setPassphrase(passphrase: string, now: number): Promise<E2eeReply> {
    if (passphrase.length < MIN_PASSPHRASE_CHARS) return { ok: false, error: 'passphrase too short' };
    const oldKey = await this.keys.key(); // LockedError when locked: unlock first
    const { key, raw, record } = await this.keys.prepareLock(passphrase);
    const db = this.db;
    const device = createIdentity(now);
    const seen: SeenEphemerals = {};
    const nextDevice: E2eeDeviceRecord[] = [
      { id: 'identity', sealed: await sealJson(key, serializeIdentity(device), SEAL_CONTEXT.identity), identityKey: toBase64(device.identity.publicKey), updatedAt: now },
      { id: 'seen', sealed: await sealJson(key, seen, SEAL_CONTEXT.seen), updatedAt: now },
    ];
    // Sessions of the old identity end; what the user decided about the contact's key stays.
    const nextSessions = (await db.e2eeSessions.toArray()).map(
      (r): E2eeConversation => ({
        ...r,
        status: 'none',
        sessions: null,
        sessionId: null,
        peerIdentityKey: null,
        safetyNumber: null,
        keyChanged: false,
        encrypt: false,
        updatedAt: now,
      }),
    );
    const nextPlain: E2eePlain[] = [];
    for (const r of (await db.e2eePlain.toArray()).filter((row) => row.sealed)) {
      const text = await openText(oldKey, r.sealed!, plainContext(r));
      if (text === null) throw new Error('e2ee: a sealed value does not open');
      nextPlain.push({ ...r, sealed: await sealText(key, text, plainContext(r)) });
    }
    // The unlocked key is in place before the lock record appears, so no reader sees "locked".
    await this.keys.adopt(raw);
    await db.transaction('rw', [db.e2eeDevice, db.e2eeSessions, db.e2eePlain], async () => {
      await db.e2eeDevice.bulkPut(nextDevice);
      await db.e2eeSessions.bulkPut(nextSessions);
      await db.e2eePlain.bulkPut(nextPlain);
      await db.e2eeDevice.delete('sealing-key');
      await db.e2eeDevice.put(record);
    });
    this.deviceCache = null;
    await this.keys.discardStoredKey();
    this.keys.forget();
    return { ok: true };
  }

  /** Armored messages seen while locked: read them now. */
  private async processDeferred(now: number): Promise<void> {
    const rows = await this.db.e2eePlain.filter((r) => r.reason === 'locked').toArray();
    const messages = (await this.db.messages.bulkGet(rows.map((r) => r.id))).filter((m): m is Message => !!m);
    messages.sort((a, b) => a.conversationId.localeCompare(b.conversationId) || a.order - b.order);
    for (const m of messages) {
      try {
        await this.processMessage(m, now);
      } catch (e) {
        this.log('e2ee: could not process a message', e instanceof Error ? e.message : String(e));
      }
    }
  }

  private async start(conversationId: string, outboxId: string, now: number): Promise<E2eeReply> {
    if (await this.db.outbox.get(outboxId)) return { ok: true }; // the same request delivered twice
    const conv = await this.chat(conversationId);
    if ('error' in conv) return { ok: false, error: conv.error };
    const { device } = await this.device(now);
    const invite = createInvite(device, POST_PART_LIMITS[conv.platform]);
    const armorId = armorIdOf(invite.armoredParts[0]!)!;
    const row = await this.conversationState(conversationId, now);
    if (row.status === 'none') row.status = 'invited';
    row.handledInvites = remember(row.handledInvites, armorId);
    // The invite is bound to this conversation: only here does an init answering it need no question.
    row.invitedPrekeys = remember(row.invitedPrekeys ?? [], device.signedPrekey.id);
    row.updatedAt = now;
    const changes: Changes = {
      conversation: row,
      plain: [await this.armorRow(conversationId, armorId, { kind: 'invite', state: 'ok', direction: 'out', plaintext: null }, now)],
      encryptedMessageIds: [],
      outbox: outboxEntries(conv, outboxId, invite.armoredParts, now),
    };
    await this.commit(changes);
    this.post(changes.outbox, now);
    return { ok: true };
  }

  private async accept(conversationId: string, outboxId: string, now: number): Promise<E2eeReply> {
    if (await this.db.outbox.get(outboxId)) return { ok: true };
    const conv = await this.chat(conversationId);
    if ('error' in conv) return { ok: false, error: conv.error };
    const row = await this.conversationState(conversationId, now);
    const invite = row.incomingInvite;
    if (!invite) return { ok: false, error: 'no invite' };
    const { device } = await this.device(now);
    const envelope = fromBase64(invite.envelope);
    if (!envelope) return { ok: false, error: 'malformed' };
    const accepted = await acceptInvite(device, envelope, { platform: POST_PART_LIMITS[conv.platform], now });
    if (!accepted.ok) return { ok: false, error: accepted.error };
    const sessions = await this.sessionsOf(row);
    this.adoptSession(row, accepted.session);
    row.incomingInvite = null;
    row.handledInvites = remember(row.handledInvites, invite.armorId);
    row.sessions = await this.sealSessions(row, [accepted.session, ...sessions]);
    row.updatedAt = now;
    const armorId = armorIdOf(accepted.armoredParts[0]!)!;
    const changes: Changes = {
      conversation: row,
      plain: [await this.armorRow(conversationId, armorId, { kind: 'handshake', state: 'ok', direction: 'out', plaintext: null }, now)],
      encryptedMessageIds: [],
      outbox: outboxEntries(conv, outboxId, accepted.armoredParts, now),
    };
    await this.commit(changes);
    this.post(changes.outbox, now);
    return { ok: true };
  }

  private async send(conversationId: string, outboxId: string, text: string, now: number): Promise<E2eeReply> {
    if (await this.db.outbox.get(outboxId)) return { ok: true };
    const conv = await this.chat(conversationId);
    if ('error' in conv) return { ok: false, error: conv.error };
    const row = await this.conversationState(conversationId, now);
    if (row.status !== 'active') return { ok: false, error: 'no encrypted session' };
    // After any key change (verified or not) nothing is encrypted until the user accepts the new key.
    if (row.keyChanged) return { ok: false, error: 'key changed' };
    const sessions = await this.sessionsOf(row);
    const current = sessions[0];
    if (!current) return { ok: false, error: 'no encrypted session' };
    const out = encrypt(current, text, POST_PART_LIMITS[conv.platform]);
    if (!out.ok) return { ok: false, error: out.error };
    row.sessions = await this.sealSessions(row, [out.session, ...sessions.slice(1)]);
    row.updatedAt = now;
    const armorId = armorIdOf(out.armoredParts[0]!)!;
    const changes: Changes = {
      conversation: row,
      plain: [await this.armorRow(conversationId, armorId, { kind: 'message', state: 'ok', direction: 'out', plaintext: text }, now)],
      encryptedMessageIds: [],
      outbox: outboxEntries(conv, outboxId, out.armoredParts, now),
    };
    // The advanced ratchet and the ciphertext's outbox entries commit together, before any post.
    await this.commit(changes);
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
    const waiting = await this.db.e2eePlain
      .where('conversationId')
      .equals(conversationId)
      .filter((r) => r.reason === AWAITING_CONSENT)
      .toArray();
    const messages = (await this.db.messages.bulkGet(waiting.map((r) => r.id))).filter((m): m is Message => !!m);
    messages.sort((a, b) => a.order - b.order);
    for (const m of messages) {
      try {
        await this.processMessage(m, now, true);
      } catch (e) {
        this.log('e2ee: could not process a message', e instanceof Error ? e.message : String(e));
      }
    }
    return { ok: true };
  }

  // ---------------------------------------------------------------- ingest

  /**
   * After a batch was merged: reads every armored message of the batch's thread (once), caches
   * the plaintext sealed, marks the stored message `encrypted` and keeps its ciphertext out of the
   * search index. News about encrypted messages (`newIncoming`) loses its ciphertext text.
   */
  afterIngest(batch: Ingest, merged: MergeResult, now: number): Promise<void> {
    for (let i = 0; i < merged.newIncoming.length; i++) {
      const m = merged.newIncoming[i]!;
      if (mayHoldArmor(m.text)) merged.newIncoming[i] = { ...m, encrypted: true, text: ENCRYPTED_PLACEHOLDER };
    }
    for (let i = 0; i < merged.unreadIncreased.length; i++) {
      const c = merged.unreadIncreased[i]!;
      if (mayHoldArmor(c.preview)) merged.unreadIncreased[i] = { ...c, preview: ENCRYPTED_PLACEHOLDER };
    }
    const thread = batch.thread;
    if (!thread || batch.health.state !== 'ok' || thread.conversation.isGroup) return Promise.resolve();
    if (!thread.messages.some((m) => mayHoldArmor(m.text))) return Promise.resolve();
    return this.serial(async () => {
      // The merge says where the thread went (a provisional key resolved, former ids re-keyed).
      const convId = merged.thread?.conversationId ?? toConversationId(batch.platform, thread.conversation.nativeId);
      const ids = merged.thread?.messageIds ?? thread.messages.map((m) => toMessageId(convId, m.nativeId));
      const stored = (await this.db.messages.bulkGet(ids)).filter((m): m is Message => !!m && !m.system && mayHoldArmor(m.text));
      stored.sort((a, b) => a.order - b.order);
      // Most of a re-scraped thread was read before: skip those in one read (decrypt once).
      const cached = await this.db.e2eePlain.bulkGet(stored.map((m) => m.id));
      const fresh = stored.filter((m, i) => {
        const c = cached[i];
        return !c || c.reason === 'locked' || c.textHash !== textHash(m.text);
      });
      if (fresh.length === 0) return;
      if ((await this.keys.state()) === 'locked') {
        await this.deferWhileLocked(fresh, now);
        return;
      }
      for (const m of fresh) {
        try {
          await this.processMessage(m, now);
        } catch (e) {
          this.log('e2ee: could not process a message', e instanceof Error ? e.message : String(e));
        }
      }
    });
  }

  /** Locked: note the armored messages (nothing secret needed) so unlocking reads them. */
  private async deferWhileLocked(messages: Message[], now: number): Promise<void> {
    const existing = await this.db.e2eePlain.bulkGet(messages.map((m) => m.id));
    const rows: E2eePlain[] = [];
    messages.forEach((m, i) => {
      if (existing[i]) return;
      const part = findArmored(m.text).parts[0];
      rows.push({
        id: m.id,
        conversationId: m.conversationId,
        armorId: part?.messageId ?? '',
        kind: 'message',
        state: 'pending',
        direction: m.sender.isSelf ? 'out' : 'in',
        sealed: null,
        textHash: textHash(m.text),
        partIndex: part?.index ?? 0,
        partTotal: part?.total ?? 1,
        reason: 'locked',
        updatedAt: now,
      });
    });
    await this.commit({ plain: rows, encryptedMessageIds: messages.map((m) => m.id), outbox: [] });
  }

  /** `reread`: the user answered a request to set up encryption; its waiting messages are read again. */
  private async processMessage(m: Message, now: number, reread = false): Promise<void> {
    const hash = textHash(m.text);
    const existing = await this.db.e2eePlain.get(m.id);
    // Decrypt once: a re-scrape uses the cache (rows noted while locked are still to be read).
    const again = existing?.reason === 'locked' || (reread && existing?.reason === AWAITING_CONSENT);
    if (existing && existing.textHash === hash && !again) return;
    const base = { id: m.id, conversationId: m.conversationId, textHash: hash, updatedAt: now };
    if (existing && existing.state !== 'pending') {
      // The text changed after we had read it: the platform (or someone) edited the ciphertext.
      await this.commit({
        plain: [{ ...existing, ...base, state: 'modified', sealed: null, reason: 'edited' }],
        encryptedMessageIds: [m.id],
        outbox: [],
      });
      return;
    }
    const direction = m.sender.isSelf ? 'out' : 'in';
    const found = findArmored(m.text);
    const first = found.parts[0];
    if (!first) {
      const state: PlainState = m.truncated ? 'pending' : 'modified';
      await this.commit({
        plain: [{ ...base, armorId: '', kind: 'message', direction, state, sealed: null, partIndex: 0, partTotal: 1, reason: m.truncated ? 'truncated' : 'modified' }],
        encryptedMessageIds: [m.id],
        outbox: [],
      });
      return;
    }
    const armorId = first.messageId;
    const parts = found.parts.filter((p) => p.messageId === armorId);
    const row: E2eePlain = {
      ...base,
      armorId,
      kind: 'message',
      direction,
      state: 'pending',
      sealed: null,
      partIndex: Math.min(...parts.map((p) => p.index)),
      partTotal: first.total,
    };

    // Known by its content: our own ciphertext (we never can decrypt it) or one already read. A
    // verdict holds only in the conversation and direction it was reached in: the same ciphertext
    // shown the other way round (a reflection) or in another chat (a transplant) is not from here.
    const { here: known, elsewhere } = await this.knownArmor(m.conversationId, armorId);
    if ((known && known.direction !== direction) || (!known && elsewhere)) {
      const verdict: Verdict = { kind: 'message', state: 'modified', direction, plaintext: null, reason: NOT_THIS_CHAT };
      await this.commitGroup([{ row, parts }], verdict, m.conversationId, now, {});
      return;
    }
    if (known) {
      // A further part of a multi-part message carries no text of its own: its first part shows it.
      const isMain = row.partIndex === 0;
      const plaintext =
        isMain && known.sealed ? await openText(await this.keys.key(), known.sealed, plainContext(known)) : null;
      const state: PlainState = !isMain && known.state === 'ok' ? 'part' : known.state;
      const verdict: Verdict = { kind: known.kind, state, direction: known.direction, plaintext, reason: known.reason };
      await this.commitGroup([{ row, parts }], verdict, m.conversationId, now, {});
      return;
    }

    // Gather the parts: all in this bubble, or spread over several (Instagram's 1,000-char limit).
    let group: { row: E2eePlain; parts: ArmoredPart[] }[] = [{ row, parts }];
    if (!joinParts(parts)) {
      const siblings = (await this.db.e2eePlain.where('armorId').equals(armorId).toArray()).filter(
        (r) => !r.id.startsWith('armor:') && r.id !== m.id && r.state === 'pending',
      );
      const siblingMessages = await this.db.messages.bulkGet(siblings.map((r) => r.id));
      for (let i = 0; i < siblings.length; i++) {
        const sm = siblingMessages[i];
        if (!sm) continue;
        const siblingParts = findArmored(sm.text).parts.filter((p) => p.messageId === armorId);
        if (siblingParts.length === 0) continue;
        group.push({
          // Its own text decides where it stands and what it hashes to.
          row: { ...siblings[i]!, textHash: textHash(sm.text), partIndex: Math.min(...siblingParts.map((p) => p.index)), partTotal: first.total },
          parts: siblingParts,
        });
      }
      const all = group.flatMap((g) => g.parts);
      const indices = new Set(all.map((p) => p.index));
      if (indices.size < first.total || all.some((p) => p.total !== first.total)) {
        await this.waitForParts(row, m, now); // wait for the rest
        return;
      }
      const bytes = joinParts(all);
      if (!bytes) {
        await this.commitGroup(group, { kind: 'message', state: 'modified', direction, plaintext: null, reason: 'parts disagree' }, m.conversationId, now, {});
        return;
      }
      group = group.sort((a, b) => a.row.partIndex - b.row.partIndex);
      await this.readEnvelope(group, bytes, m, now);
      return;
    }
    await this.readEnvelope(group, joinParts(parts)!, m, now);
  }

  /** Reads a complete envelope (invite, init or message) and commits the verdict for its bubbles. */
  private async readEnvelope(group: { row: E2eePlain; parts: ArmoredPart[] }[], bytes: Uint8Array, m: Message, now: number) {
    const convId = m.conversationId;
    const direction = m.sender.isSelf ? 'out' : 'in';
    const inspected = inspectEnvelope(bytes);
    if (!inspected.ok) {
      await this.commitGroup(group, { kind: 'message', state: 'modified', direction, plaintext: null, reason: inspected.error }, convId, now, {});
      return;
    }
    const info = inspected.info;
    const row = await this.conversationState(convId, now);
    const armorId = group[0]!.row.armorId;

    if (info.type === 'invite') {
      const { device } = await this.device(now);
      const own = info.identityKey === toBase64(device.identity.publicKey);
      const offer = !own && !m.sender.isSelf && !row.handledInvites.includes(armorId);
      if (offer) {
        row.incomingInvite = {
          messageId: group[0]!.row.id,
          armorId,
          envelope: toBase64(bytes),
          identityKey: info.identityKey,
          keyChanged: !!row.trustedPeerKey && row.trustedPeerKey !== info.identityKey,
          seenAt: now,
        };
        row.updatedAt = now;
      }
      const verdict: Verdict = { kind: 'invite', state: 'ok', direction: own || m.sender.isSelf ? 'out' : 'in', plaintext: null };
      await this.commitGroup(group, verdict, convId, now, offer ? { conversation: row } : {}, true);
      return;
    }

    const sessions = await this.sessionsOf(row);
    const index = sessions.findIndex((s) => s.sessionId === info.sessionId);
    const session = sessions[index];
    if (session) {
      const opened = await decrypt(session, bytes, now);
      if (!opened.ok) {
        const state: PlainState = opened.error === 'modified' ? 'modified' : 'undecryptable';
        await this.commitGroup(group, { kind: 'message', state, direction, plaintext: null, reason: m.sender.isSelf ? 'own' : opened.error }, convId, now, {});
        return;
      }
      if (m.sender.isSelf) {
        // Only the peer's messages decrypt here (the AAD binds the sender's role): this is theirs,
        // shown as ours. Not consumed, so the real incoming bubble still reads.
        await this.commitGroup(group, { kind: 'message', state: 'modified', direction, plaintext: null, reason: NOT_THIS_CHAT }, convId, now, {});
        return;
      }
      const next = sessions.slice();
      next[index] = opened.session;
      row.sessions = await this.sealSessions(row, next);
      row.updatedAt = now;
      const kind: PlainKind = info.type === 'init-message' && opened.plaintext === '' ? 'handshake' : 'message';
      await this.commitGroup(group, { kind, state: 'ok', direction, plaintext: opened.plaintext }, convId, now, { conversation: row }, true);
      return;
    }

    if (info.type === 'init-message' && !m.sender.isSelf) {
      const { device, seen } = await this.device(now);
      const opened = await openInit(device, seen, bytes, now);
      if (!opened.ok) {
        const state: PlainState = opened.error === 'modified' ? 'modified' : 'undecryptable';
        await this.commitGroup(group, { kind: 'message', state, direction, plaintext: null, reason: opened.error }, convId, now, {});
        return;
      }
      // A genuine init (it opened, no replay). Accepted at once only where we invited with that
      // prekey and nobody answered yet; anywhere else the user is asked first.
      const initKey = initKeyOf(info.sessionId, info.initiatorIdentityKey);
      const invitedHere = row.invitedPrekeys ? row.invitedPrekeys.includes(info.prekeyId) : row.status === 'invited';
      if (!invitedHere && !(row.approvedInits ?? []).includes(initKey)) {
        const declined = (row.declinedInits ?? []).includes(initKey);
        if (!declined && row.incomingInit?.initKey !== initKey) {
          row.incomingInit = {
            messageId: group[0]!.row.id,
            armorId,
            initKey,
            identityKey: info.initiatorIdentityKey,
            keyChanged: !!row.trustedPeerKey && row.trustedPeerKey !== info.initiatorIdentityKey,
            seenAt: now,
          };
          row.updatedAt = now;
        }
        const verdict: Verdict = declined
          ? { kind: 'message', state: 'undecryptable', direction, plaintext: null, reason: 'declined' }
          : { kind: 'message', state: 'pending', direction, plaintext: null, reason: AWAITING_CONSENT };
        await this.commitGroup(group, verdict, convId, now, declined ? {} : { conversation: row });
        return;
      }
      if (invitedHere && row.invitedPrekeys) row.invitedPrekeys = row.invitedPrekeys.filter((id) => id !== info.prekeyId);
      this.adoptSession(row, opened.session);
      row.sessions = await this.sealSessions(row, [opened.session, ...sessions]);
      row.updatedAt = now;
      const kind: PlainKind = opened.plaintext === '' ? 'handshake' : 'message';
      // A prekey that set up a session is rotated (limits what its theft would expose).
      await this.commitGroup(group, { kind, state: 'ok', direction, plaintext: opened.plaintext }, convId, now, {
        conversation: row,
        device: rotateSignedPrekey(device, now),
        seen: opened.seen,
      }, true);
      return;
    }
    const reason = m.sender.isSelf ? 'own' : 'unknown-session';
    await this.commitGroup(group, { kind: 'message', state: 'undecryptable', direction, plaintext: null, reason }, convId, now, {});
  }

  /** Makes `session` the conversation's current one and applies trust on first use. */
  private adoptSession(row: E2eeConversation, session: Session): void {
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

  /** Writes the verdict on the bubble(s) of one armored message (main part first). */
  private async commitGroup(
    group: { row: E2eePlain; parts: ArmoredPart[] }[],
    verdict: Verdict,
    conversationId: string,
    now: number,
    extra: Pick<Changes, 'conversation' | 'device' | 'seen'>,
    rememberContent = false,
  ): Promise<void> {
    const key = await this.keys.key();
    const main = group[0]!.row;
    const rows: E2eePlain[] = [];
    for (const [i, g] of group.entries()) {
      const r: E2eePlain = {
        ...g.row,
        kind: verdict.kind,
        state: i === 0 ? verdict.state : verdict.state === 'ok' ? 'part' : verdict.state,
        direction: verdict.direction,
        sealed: null,
        updatedAt: now,
      };
      if (verdict.reason) r.reason = verdict.reason;
      else delete r.reason;
      if (i > 0) r.mainId = main.id;
      if (i === 0 && verdict.plaintext !== null && verdict.state === 'ok') {
        r.sealed = await sealText(key, verdict.plaintext, plainContext(r));
      }
      rows.push(r);
    }
    if (rememberContent && verdict.state === 'ok') {
      // Known by content from now on: the same ciphertext under another id is not decrypted again.
      rows.push(await this.armorRow(conversationId, main.armorId, verdict, now));
    }
    await this.commit({ ...extra, plain: rows, encryptedMessageIds: group.map((g) => g.row.id), outbox: [] });
  }

  // ---------------------------------------------------------------- storage

  /**
   * The content-known row of a ciphertext in this conversation (either id form: rows written before
   * the per-conversation ids were `armor:<armorId>`), and whether it was read or sent elsewhere.
   */
  private async knownArmor(conversationId: string, armorId: string): Promise<{ here: E2eePlain | undefined; elsewhere: boolean }> {
    const rows = (await this.db.e2eePlain.where('armorId').equals(armorId).toArray()).filter((r) => r.id.startsWith('armor:'));
    const here = rows.find((r) => r.conversationId === conversationId);
    // An invite is the same text in every chat it is posted in (one per prekey): not a transplant.
    const elsewhere = rows.some((r) => r.conversationId !== conversationId && r.state === 'ok' && r.kind !== 'invite');
    return { here, elsewhere };
  }

  /**
   * Stores a part that waits for the rest, within the per-conversation bound: beyond it, the
   * oldest waiting messages (by their place in the thread) are given up, marked and counted.
   */
  private async waitForParts(row: E2eePlain, m: Message, now: number): Promise<void> {
    const waiting = (
      await this.db.e2eePlain
        .where('conversationId')
        .equals(m.conversationId)
        .filter((r) => r.state === 'pending' && r.partTotal > 1 && !r.reason && !r.id.startsWith('armor:') && r.id !== row.id)
        .toArray()
    ).concat(row);
    const armorIds = [...new Set(waiting.map((r) => r.armorId))];
    const plain: E2eePlain[] = [row];
    let conversation: E2eeConversation | undefined;
    if (armorIds.length > MAX_PENDING_PER_CONVERSATION) {
      const messages = await this.db.messages.bulkGet(waiting.map((r) => r.id));
      const orderOf = new Map<string, number>();
      waiting.forEach((r, i) => {
        const order = r.id === m.id ? m.order : (messages[i]?.order ?? -Infinity);
        orderOf.set(r.armorId, Math.max(orderOf.get(r.armorId) ?? -Infinity, order));
      });
      armorIds.sort((a, b) => orderOf.get(a)! - orderOf.get(b)!);
      const dropped = new Set(armorIds.slice(0, armorIds.length - MAX_PENDING_PER_CONVERSATION));
      for (const r of waiting) {
        if (!dropped.has(r.armorId)) continue;
        const given: E2eePlain = { ...r, state: 'undecryptable', reason: PARTS_DROPPED, updatedAt: now };
        if (r.id === row.id) plain[0] = given;
        else plain.push(given);
      }
      conversation = await this.conversationState(m.conversationId, now);
      conversation.droppedPending = (conversation.droppedPending ?? 0) + dropped.size;
      conversation.updatedAt = now;
      this.log('e2ee: incomplete encrypted messages given up', dropped.size);
    }
    await this.commit({ conversation, plain, encryptedMessageIds: [m.id], outbox: [] });
  }

  private async armorRow(conversationId: string, armorId: string, verdict: Verdict, now: number): Promise<E2eePlain> {
    const id = armorRowId(conversationId, armorId);
    const sealed = verdict.plaintext !== null ? await sealText(await this.keys.key(), verdict.plaintext, SEAL_CONTEXT.plain(id)) : null;
    return {
      id,
      conversationId,
      armorId,
      kind: verdict.kind,
      state: verdict.state,
      direction: verdict.direction,
      sealed,
      textHash: '',
      partIndex: 0,
      partTotal: 1,
      updatedAt: now,
    };
  }

  private async commit(changes: Changes): Promise<void> {
    const db = this.db;
    const key = changes.device || changes.seen ? await this.keys.key() : null;
    const device = key && changes.device ? await sealJson(key, serializeIdentity(changes.device), SEAL_CONTEXT.identity) : null;
    const seen = key && changes.seen ? await sealJson(key, changes.seen, SEAL_CONTEXT.seen) : null;
    await db.transaction('rw', [db.e2eeSessions, db.e2eePlain, db.e2eeDevice, db.outbox, db.messages, db.searchDocs], async () => {
      if (changes.conversation) await db.e2eeSessions.put(changes.conversation);
      if (device && changes.device) {
        await db.e2eeDevice.put({ id: 'identity', sealed: device, identityKey: toBase64(changes.device.identity.publicKey), updatedAt: Date.now() });
      }
      if (seen) await db.e2eeDevice.put({ id: 'seen', sealed: seen, updatedAt: Date.now() });
      if (changes.plain.length) await db.e2eePlain.bulkPut(changes.plain);
      if (changes.outbox.length) await db.outbox.bulkPut(changes.outbox);
      if (changes.encryptedMessageIds.length) {
        // The ciphertext is meaningless to search and the plaintext is not indexed (it stays sealed).
        await db.messages.where('id').anyOf(changes.encryptedMessageIds).modify({ encrypted: true });
        await unindexMessages(db, changes.encryptedMessageIds);
      }
    });
    if (this.deviceCache && (changes.device || changes.seen)) {
      this.deviceCache = { device: changes.device ?? this.deviceCache.device, seen: changes.seen ?? this.deviceCache.seen };
    }
  }

  /** This device's identity and replay record, created on first use. */
  private async device(now: number): Promise<{ device: DeviceIdentity; seen: SeenEphemerals }> {
    if (this.deviceCache && !prekeyNeedsRotation(this.deviceCache.device, now)) return this.deviceCache;
    const key = await this.keys.key();
    const idRow = await this.db.e2eeDevice.get('identity');
    const seenRow = await this.db.e2eeDevice.get('seen');
    let device: DeviceIdentity | null = null;
    if (idRow?.sealed) {
      device = parseIdentity(await openJson(key, idRow.sealed, SEAL_CONTEXT.identity));
      // An identity that no longer opens (e.g. the key was lost) is never silently replaced.
      if (!device) throw new Error('e2ee: the stored identity cannot be opened');
    }
    let seen: SeenEphemerals = {};
    if (seenRow?.sealed) seen = ((await openJson(key, seenRow.sealed, SEAL_CONTEXT.seen)) as SeenEphemerals | null) ?? {};
    if (!device) {
      device = createIdentity(now);
      this.deviceCache = { device, seen };
      await this.commit({ device, plain: [], encryptedMessageIds: [], outbox: [] });
    } else if (prekeyNeedsRotation(device, now)) {
      // At least weekly, even without new sessions (bounds what a stolen prekey exposes).
      device = rotateSignedPrekey(device, now);
      this.deviceCache = { device, seen };
      await this.commit({ device, plain: [], encryptedMessageIds: [], outbox: [] });
    }
    this.deviceCache = { device, seen };
    return this.deviceCache;
  }

  private async conversationState(conversationId: string, now: number): Promise<E2eeConversation> {
    return (await this.db.e2eeSessions.get(conversationId)) ?? emptyConversationState(conversationId, now);
  }

  private async sessionsOf(row: E2eeConversation): Promise<Session[]> {
    if (!row.sessions) return [];
    const value = await openJson(await this.keys.key(), row.sessions, sessionsContext(row));
    if (!Array.isArray(value)) throw new Error('e2ee: stored sessions cannot be opened');
    return value.map(parseSession).filter((s): s is Session => s !== null);
  }

  private async sealSessions(row: E2eeConversation, sessions: Session[]): Promise<Sealed> {
    return sealJson(await this.keys.key(), sessions.slice(0, MAX_SESSIONS), sessionsContext(row));
  }

  private async chat(conversationId: string): Promise<Conversation | { error: string }> {
    const conv = await this.db.conversations.get(conversationId);
    if (!conv) return { error: 'unknown conversation' };
    if (conv.isGroup) return { error: 'encryption is for one-to-one conversations' };
    return conv;
  }

  /** Hands queued parts to the page, in order, after they were committed. */
  private post(entries: OutboxEntry[], now: number): void {
    const run = (async () => {
      for (const e of entries) {
        try {
          await dispatch(this.db, e.id, this.tabs, now);
        } catch (err) {
          this.log('e2ee: dispatch failed', err instanceof Error ? err.message : String(err));
        }
      }
    })();
    this.dispatching.add(run);
    void run.finally(() => this.dispatching.delete(run));
  }
}

/** Adds `item` to a short remembered list (the oldest forgotten beyond MAX_HANDLED_INVITES). */
function remember<T>(list: T[], item: T): T[] {
  return list.includes(item) ? list : [...list, item].slice(-MAX_HANDLED_INVITES);
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
