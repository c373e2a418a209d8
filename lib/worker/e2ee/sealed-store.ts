// The e2ee layer's storage: everything secret is sealed at rest (seal.ts) and written here, each
// operation's changes in one transaction. It owns the one piece of in-memory crypto state (the
// opened device identity), which is forgotten whenever the key goes away (lock, passphrase, reset).
import type { SeenEphemerals } from '../../crypto/handshake';
import {
  createIdentity,
  type DeviceIdentity,
  parseIdentity,
  prekeyNeedsRotation,
  rotateSignedPrekey,
  serializeIdentity,
} from '../../crypto/identity';
import { toBase64 } from '../../crypto/primitives';
import { parseSession, type Session } from '../../crypto/session';
import type { InboxDb } from '../../store/db';
import { unindexMessages } from '../../store/search-index';
import { armorRowId, type Changes, emptyConversationState, MAX_SESSIONS, type PartGroup, type Verdict } from './common';
import type { KeyRing } from './keyring';
import { openJson, plainContext, SEAL_CONTEXT, sealJson, sealText, sessionsContext } from '../../store/e2ee/seal';
import type { E2eeConversation, E2eePlain, Sealed } from '../../store/records';

export class SealedStore {
  private deviceCache: { device: DeviceIdentity; seen: SeenEphemerals } | null = null;

  constructor(
    readonly db: InboxDb,
    readonly keys: KeyRing,
  ) {}

  /** No secret stays in memory once the key is gone (locked, replaced or deleted). */
  forgetDevice(): void {
    this.deviceCache = null;
  }

  async commit(changes: Changes): Promise<void> {
    const db = this.db;
    const key = changes.device || changes.seen ? await this.keys.key() : null;
    const device = key && changes.device ? await sealJson(key, serializeIdentity(changes.device), SEAL_CONTEXT.identity) : null;
    const seen = key && changes.seen ? await sealJson(key, changes.seen, SEAL_CONTEXT.seen) : null;
    await db.transaction(
      'rw',
      [db.e2eeSessions, db.e2eePlain, db.e2eeDevice, db.outbox, db.messages, db.searchDocs, db.searchDense],
      async () => {
        if (changes.conversation) await db.e2eeSessions.put(changes.conversation);
        if (device && changes.device) {
          await db.e2eeDevice.put({
            id: 'identity',
            sealed: device,
            identityKey: toBase64(changes.device.identity.publicKey),
            updatedAt: Date.now(),
          });
        }
        if (seen) await db.e2eeDevice.put({ id: 'seen', sealed: seen, updatedAt: Date.now() });
        if (changes.plain.length) await db.e2eePlain.bulkPut(changes.plain);
        if (changes.outbox.length) await db.outbox.bulkPut(changes.outbox);
        if (changes.encryptedMessageIds.length) {
          // The ciphertext is meaningless to search and the plaintext is not indexed (it stays sealed).
          await db.messages.where('id').anyOf(changes.encryptedMessageIds).modify({ encrypted: true });
          await unindexMessages(db, changes.encryptedMessageIds);
        }
      },
    );
    if (this.deviceCache && (changes.device || changes.seen)) {
      this.deviceCache = { device: changes.device ?? this.deviceCache.device, seen: changes.seen ?? this.deviceCache.seen };
    }
  }

  /** This device's identity and replay record, created on first use. */
  async device(now: number): Promise<{ device: DeviceIdentity; seen: SeenEphemerals }> {
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

  async conversationState(conversationId: string, now: number): Promise<E2eeConversation> {
    return (await this.db.e2eeSessions.get(conversationId)) ?? emptyConversationState(conversationId, now);
  }

  async sessionsOf(row: E2eeConversation): Promise<Session[]> {
    if (!row.sessions) return [];
    const value = await openJson(await this.keys.key(), row.sessions, sessionsContext(row));
    if (!Array.isArray(value)) throw new Error('e2ee: stored sessions cannot be opened');
    return value.map(parseSession).filter((s): s is Session => s !== null);
  }

  async sealSessions(row: E2eeConversation, sessions: Session[]): Promise<Sealed> {
    return sealJson(await this.keys.key(), sessions.slice(0, MAX_SESSIONS), sessionsContext(row));
  }

  /** The row that knows a ciphertext by its content in one conversation (sent or read there). */
  async armorRow(conversationId: string, armorId: string, verdict: Verdict, now: number): Promise<E2eePlain> {
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

  /**
   * The content-known row of a ciphertext in this conversation (either id form: rows written before
   * the per-conversation ids were `armor:<armorId>`), and whether it was read or sent elsewhere.
   */
  async knownArmor(conversationId: string, armorId: string): Promise<{ here: E2eePlain | undefined; elsewhere: boolean }> {
    const rows = (await this.db.e2eePlain.where('armorId').equals(armorId).toArray()).filter((r) => r.id.startsWith('armor:'));
    const here = rows.find((r) => r.conversationId === conversationId);
    // An invite is the same text in every chat it is posted in (one per prekey): not a transplant.
    const elsewhere = rows.some((r) => r.conversationId !== conversationId && r.state === 'ok' && r.kind !== 'invite');
    return { here, elsewhere };
  }

  /** Writes the verdict on the bubble(s) of one armored message (main part first). */
  async commitVerdict(
    group: PartGroup,
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
}
