// The ingest reader: after each merge it reads every armored message of the batch's thread once
// (invites, inits, messages; multi-part messages reassembled from several bubbles), caches the
// plaintext sealed, marks the stored message `encrypted` and keeps its ciphertext out of search.
//
// A verdict holds only in the conversation and direction it was reached in (a reflection or a
// transplant reads as "not from this chat"), and a request to set up encryption from anyone we
// did not invite here waits for the user's consent.
import { findArmored, joinParts } from '../../crypto/armor';
import { rotateSignedPrekey } from '../../crypto/identity';
import { toBase64 } from '../../crypto/primitives';
import { decrypt, inspectEnvelope, openInit } from '../../crypto/session';
import type { MergeResult } from '../merge';
import { conversationId as toConversationId, type Message, messageId as toMessageId } from '../../shared/model';
import type { Ingest } from '../../shared/protocol';
import {
  adoptSession,
  AWAITING_CONSENT,
  ENCRYPTED_PLACEHOLDER,
  initKeyOf,
  MAX_PENDING_PER_CONVERSATION,
  NOT_THIS_CHAT,
  type PartGroup,
  PARTS_DROPPED,
  type SerialQueue,
  textHash,
  type Verdict,
} from './common';
import { mayHoldArmor } from './detect';
import type { SealedStore } from './sealed-store';
import { openText, plainContext } from '../../store/e2ee/seal';
import type { E2eeConversation, E2eePlain, PlainKind, PlainState } from '../../store/records';

/**
 * The merge result as listeners may hear it: news about encrypted messages (`newIncoming`,
 * `unreadIncreased` previews) loses its ciphertext text. A copy; `merged` is left as it was.
 */
export function redactEncrypted(merged: MergeResult): MergeResult {
  return {
    ...merged,
    newIncoming: merged.newIncoming.map((m) => (mayHoldArmor(m.text) ? { ...m, encrypted: true, text: ENCRYPTED_PLACEHOLDER } : m)),
    unreadIncreased: merged.unreadIncreased.map((c) => (mayHoldArmor(c.preview) ? { ...c, preview: ENCRYPTED_PLACEHOLDER } : c)),
  };
}

export class IngestReader {
  constructor(
    private readonly store: SealedStore,
    private readonly queue: SerialQueue,
    private readonly log: (...args: unknown[]) => void,
  ) {}

  /**
   * After a batch was merged: reads the thread's armored messages (in the serial queue) and
   * returns the redacted copy of the merge result for the listeners.
   */
  async afterIngest(batch: Ingest, merged: MergeResult, now: number): Promise<MergeResult> {
    const redacted = redactEncrypted(merged);
    const thread = batch.thread;
    if (!thread || batch.health.state !== 'ok' || thread.conversation.isGroup) return redacted;
    if (!thread.messages.some((m) => mayHoldArmor(m.text))) return redacted;
    await this.queue.run(async () => {
      const db = this.store.db;
      // The merge says where the thread went (a provisional key resolved, former ids re-keyed).
      const convId = merged.thread?.conversationId ?? toConversationId(batch.platform, thread.conversation.nativeId);
      const ids = merged.thread?.messageIds ?? thread.messages.map((m) => toMessageId(convId, m.nativeId));
      const stored = (await db.messages.bulkGet(ids)).filter((m): m is Message => !!m && !m.system && mayHoldArmor(m.text));
      stored.sort((a, b) => a.order - b.order);
      // Most of a re-scraped thread was read before: skip those in one read (decrypt once).
      const cached = await db.e2eePlain.bulkGet(stored.map((m) => m.id));
      const fresh = stored.filter((m, i) => {
        const c = cached[i];
        return !c || c.reason === 'locked' || c.textHash !== textHash(m.text);
      });
      if (fresh.length === 0) return;
      if ((await this.store.keys.state()) === 'locked') {
        await this.deferWhileLocked(fresh, now);
        return;
      }
      await this.readAll(fresh, now);
    });
    return redacted;
  }

  /** Armored messages seen while locked: read them now (in the caller's queue slot). */
  async readDeferred(now: number): Promise<void> {
    const db = this.store.db;
    const rows = await db.e2eePlain.filter((r) => r.reason === 'locked').toArray();
    const messages = (await db.messages.bulkGet(rows.map((r) => r.id))).filter((m): m is Message => !!m);
    messages.sort((a, b) => a.conversationId.localeCompare(b.conversationId) || a.order - b.order);
    await this.readAll(messages, now);
  }

  /** The user answered a request to set up encryption: its waiting messages are read again. */
  async rereadAwaitingConsent(conversationId: string, now: number): Promise<void> {
    const db = this.store.db;
    const waiting = await db.e2eePlain
      .where('conversationId')
      .equals(conversationId)
      .filter((r) => r.reason === AWAITING_CONSENT)
      .toArray();
    const messages = (await db.messages.bulkGet(waiting.map((r) => r.id))).filter((m): m is Message => !!m);
    messages.sort((a, b) => a.order - b.order);
    await this.readAll(messages, now, true);
  }

  /** One message that cannot be read never stops the rest. */
  private async readAll(messages: Message[], now: number, reread = false): Promise<void> {
    for (const m of messages) {
      try {
        await this.processMessage(m, now, reread);
      } catch (e) {
        this.log('e2ee: could not process a message', e instanceof Error ? e.message : String(e));
      }
    }
  }

  /** Locked: note the armored messages (nothing secret needed) so unlocking reads them. */
  private async deferWhileLocked(messages: Message[], now: number): Promise<void> {
    const existing = await this.store.db.e2eePlain.bulkGet(messages.map((m) => m.id));
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
    await this.store.commit({ plain: rows, encryptedMessageIds: messages.map((m) => m.id), outbox: [] });
  }

  /** `reread`: the user answered a request to set up encryption; its waiting messages are read again. */
  private async processMessage(m: Message, now: number, reread = false): Promise<void> {
    const hash = textHash(m.text);
    const existing = await this.store.db.e2eePlain.get(m.id);
    // Decrypt once: a re-scrape uses the cache (rows noted while locked are still to be read).
    const again = existing?.reason === 'locked' || (reread && existing?.reason === AWAITING_CONSENT);
    if (existing && existing.textHash === hash && !again) return;
    const base = { id: m.id, conversationId: m.conversationId, textHash: hash, updatedAt: now };
    if (existing && existing.state !== 'pending') {
      // The text changed after we had read it: the platform (or someone) edited the ciphertext.
      await this.store.commit({
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
      await this.store.commit({
        plain: [
          {
            ...base,
            armorId: '',
            kind: 'message',
            direction,
            state,
            sealed: null,
            partIndex: 0,
            partTotal: 1,
            reason: m.truncated ? 'truncated' : 'modified',
          },
        ],
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
    const { here: known, elsewhere } = await this.store.knownArmor(m.conversationId, armorId);
    if ((known && known.direction !== direction) || (!known && elsewhere)) {
      const verdict: Verdict = { kind: 'message', state: 'modified', direction, plaintext: null, reason: NOT_THIS_CHAT };
      await this.store.commitVerdict([{ row, parts }], verdict, m.conversationId, now, {});
      return;
    }
    if (known) {
      // A further part of a multi-part message carries no text of its own: its first part shows it.
      const isMain = row.partIndex === 0;
      const plaintext = isMain && known.sealed ? await openText(await this.store.keys.key(), known.sealed, plainContext(known)) : null;
      const state: PlainState = !isMain && known.state === 'ok' ? 'part' : known.state;
      const verdict: Verdict = { kind: known.kind, state, direction: known.direction, plaintext, reason: known.reason };
      await this.store.commitVerdict([{ row, parts }], verdict, m.conversationId, now, {});
      return;
    }

    // Gather the parts: all in this bubble, or spread over several (Instagram's 1,000-char limit).
    let group: PartGroup = [{ row, parts }];
    if (!joinParts(parts)) {
      const siblings = (await this.store.db.e2eePlain.where('armorId').equals(armorId).toArray()).filter(
        (r) => !r.id.startsWith('armor:') && r.id !== m.id && r.state === 'pending',
      );
      const siblingMessages = await this.store.db.messages.bulkGet(siblings.map((r) => r.id));
      for (let i = 0; i < siblings.length; i++) {
        const sm = siblingMessages[i];
        if (!sm) continue;
        const siblingParts = findArmored(sm.text).parts.filter((p) => p.messageId === armorId);
        if (siblingParts.length === 0) continue;
        group.push({
          // Its own text decides where it stands and what it hashes to.
          row: {
            ...siblings[i]!,
            textHash: textHash(sm.text),
            partIndex: Math.min(...siblingParts.map((p) => p.index)),
            partTotal: first.total,
          },
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
        await this.store.commitVerdict(
          group,
          { kind: 'message', state: 'modified', direction, plaintext: null, reason: 'parts disagree' },
          m.conversationId,
          now,
          {},
        );
        return;
      }
      group = group.sort((a, b) => a.row.partIndex - b.row.partIndex);
      await this.readEnvelope(group, bytes, m, now);
      return;
    }
    await this.readEnvelope(group, joinParts(parts)!, m, now);
  }

  /** Reads a complete envelope (invite, init or message) and commits the verdict for its bubbles. */
  private async readEnvelope(group: PartGroup, bytes: Uint8Array, m: Message, now: number) {
    const convId = m.conversationId;
    const direction = m.sender.isSelf ? 'out' : 'in';
    const inspected = inspectEnvelope(bytes);
    if (!inspected.ok) {
      await this.store.commitVerdict(
        group,
        { kind: 'message', state: 'modified', direction, plaintext: null, reason: inspected.error },
        convId,
        now,
        {},
      );
      return;
    }
    const info = inspected.info;
    const row = await this.store.conversationState(convId, now);
    const armorId = group[0]!.row.armorId;

    if (info.type === 'invite') {
      const { device } = await this.store.device(now);
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
      await this.store.commitVerdict(group, verdict, convId, now, offer ? { conversation: row } : {}, true);
      return;
    }

    const sessions = await this.store.sessionsOf(row);
    const index = sessions.findIndex((s) => s.sessionId === info.sessionId);
    const session = sessions[index];
    if (session) {
      const opened = await decrypt(session, bytes, now);
      if (!opened.ok) {
        const state: PlainState = opened.error === 'modified' ? 'modified' : 'undecryptable';
        await this.store.commitVerdict(
          group,
          { kind: 'message', state, direction, plaintext: null, reason: m.sender.isSelf ? 'own' : opened.error },
          convId,
          now,
          {},
        );
        return;
      }
      if (m.sender.isSelf) {
        // Only the peer's messages decrypt here (the AAD binds the sender's role): this is theirs,
        // shown as ours. Not consumed, so the real incoming bubble still reads.
        await this.store.commitVerdict(
          group,
          { kind: 'message', state: 'modified', direction, plaintext: null, reason: NOT_THIS_CHAT },
          convId,
          now,
          {},
        );
        return;
      }
      const next = sessions.slice();
      next[index] = opened.session;
      row.sessions = await this.store.sealSessions(row, next);
      row.updatedAt = now;
      const kind: PlainKind = info.type === 'init-message' && opened.plaintext === '' ? 'handshake' : 'message';
      await this.store.commitVerdict(
        group,
        { kind, state: 'ok', direction, plaintext: opened.plaintext },
        convId,
        now,
        { conversation: row },
        true,
      );
      return;
    }

    if (info.type === 'init-message' && !m.sender.isSelf) {
      const { device, seen } = await this.store.device(now);
      const opened = await openInit(device, seen, bytes, now);
      if (!opened.ok) {
        const state: PlainState = opened.error === 'modified' ? 'modified' : 'undecryptable';
        await this.store.commitVerdict(
          group,
          { kind: 'message', state, direction, plaintext: null, reason: opened.error },
          convId,
          now,
          {},
        );
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
        await this.store.commitVerdict(group, verdict, convId, now, declined ? {} : { conversation: row });
        return;
      }
      if (invitedHere && row.invitedPrekeys) row.invitedPrekeys = row.invitedPrekeys.filter((id) => id !== info.prekeyId);
      adoptSession(row, opened.session);
      row.sessions = await this.store.sealSessions(row, [opened.session, ...sessions]);
      row.updatedAt = now;
      const kind: PlainKind = opened.plaintext === '' ? 'handshake' : 'message';
      // A prekey that set up a session is rotated (limits what its theft would expose).
      await this.store.commitVerdict(
        group,
        { kind, state: 'ok', direction, plaintext: opened.plaintext },
        convId,
        now,
        {
          conversation: row,
          device: rotateSignedPrekey(device, now),
          seen: opened.seen,
        },
        true,
      );
      return;
    }
    const reason = m.sender.isSelf ? 'own' : 'unknown-session';
    await this.store.commitVerdict(group, { kind: 'message', state: 'undecryptable', direction, plaintext: null, reason }, convId, now, {});
  }

  /**
   * Stores a part that waits for the rest, within the per-conversation bound: beyond it, the
   * oldest waiting messages (by their place in the thread) are given up, marked and counted.
   */
  private async waitForParts(row: E2eePlain, m: Message, now: number): Promise<void> {
    const waiting = (
      await this.store.db.e2eePlain
        .where('conversationId')
        .equals(m.conversationId)
        .filter((r) => r.state === 'pending' && r.partTotal > 1 && !r.reason && !r.id.startsWith('armor:') && r.id !== row.id)
        .toArray()
    ).concat(row);
    const armorIds = [...new Set(waiting.map((r) => r.armorId))];
    const plain: E2eePlain[] = [row];
    let conversation: E2eeConversation | undefined;
    if (armorIds.length > MAX_PENDING_PER_CONVERSATION) {
      const messages = await this.store.db.messages.bulkGet(waiting.map((r) => r.id));
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
      conversation = await this.store.conversationState(m.conversationId, now);
      conversation.droppedPending = (conversation.droppedPending ?? 0) + dropped.size;
      conversation.updatedAt = now;
      this.log('e2ee: incomplete encrypted messages given up', dropped.size);
    }
    await this.store.commit({ conversation, plain, encryptedMessageIds: [m.id], outbox: [] });
  }
}
