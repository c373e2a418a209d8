// Read-only access for extension pages (popup, side panel): the decrypted texts the background
// cached, opened with the sealing key. Pages never decrypt messages or touch crypto state; the
// content scripts cannot reach any of this (their storage is the messenger page's, not ours).
import type { InboxDb } from '../db';
import { lockRecordOf, type LockState } from './lock';
import { openText, plainContext } from './seal';
import { importSealingKey, type KeyFile, opfsKeyFile, storedSealingKey } from './vault';
import type { E2eeConversation, E2eePlain, PlainKind, PlainState } from '../records';

export interface PlainView {
  /** The conversation this verdict was reached in (it holds only there). */
  conversationId: string;
  kind: PlainKind;
  state: PlainState;
  direction: 'in' | 'out';
  /** The plaintext (state ok, kind message); null otherwise or when it cannot be opened. */
  text: string | null;
  partIndex: number;
  partTotal: number;
  /** How many parts of a pending multi-part message arrived. */
  partsSeen: number;
  reason?: string;
}

export interface PlainIndex {
  /** By stored message id. */
  byMessage: Map<string, PlainView>;
  /**
   * By conversation and armor message id (`armorViewKey`): our own sends still in the outbox are
   * found by their ciphertext, in their own conversation only.
   */
  byArmor: Map<string, PlainView>;
}

export function armorViewKey(conversationId: string, armorId: string): string {
  return `${conversationId}\n${armorId}`;
}

/**
 * The cached plaintexts of some conversations. Every store read happens before the first
 * decryption, so a liveQuery around it sees all of its reads.
 */
export async function readPlaintexts(
  db: InboxDb,
  conversationIds: readonly string[],
  unlockedKey?: UnlockedKeyLoader,
  keyFile?: KeyFile | null,
): Promise<PlainIndex> {
  const rows = conversationIds.length
    ? await db.e2eePlain
        .where('conversationId')
        .anyOf([...conversationIds])
        .toArray()
    : [];
  const key = rows.some((r) => r.sealed) ? await pageSealingKey(db, unlockedKey, keyFile === undefined ? opfsKeyFile() : keyFile) : null;
  const byMessage = new Map<string, PlainView>();
  const byArmor = new Map<string, PlainView>();
  const seen = new Map<string, number>();
  for (const r of rows)
    if (r.state === 'pending')
      seen.set(armorViewKey(r.conversationId, r.armorId), (seen.get(armorViewKey(r.conversationId, r.armorId)) ?? 0) + 1);
  for (const r of rows) {
    const view = await toView(r, key, seen.get(armorViewKey(r.conversationId, r.armorId)) ?? 0);
    if (r.id.startsWith('armor:')) byArmor.set(armorViewKey(r.conversationId, r.armorId), view);
    else byMessage.set(r.id, view);
  }
  return { byMessage, byArmor };
}

async function toView(r: E2eePlain, key: CryptoKey | null, partsSeen: number): Promise<PlainView> {
  const text = r.sealed && key ? await openText(key, r.sealed, plainContext(r)) : null;
  const view: PlainView = {
    conversationId: r.conversationId,
    kind: r.kind,
    state: r.state,
    direction: r.direction,
    text,
    partIndex: r.partIndex,
    partTotal: r.partTotal,
    partsSeen,
  };
  if (r.reason) view.reason = r.reason;
  return view;
}

/** Reads the unlocked data key of a passphrase lock (browser.storage.session in the extension). */
export type UnlockedKeyLoader = () => Promise<Uint8Array | null>;

/**
 * The sealing key as a page can get it: the stored key, or with a passphrase lock the unlocked data
 * key (null while locked). The store is read first, so a liveQuery sees lock/unlock changes.
 */
export async function pageSealingKey(
  db: InboxDb,
  unlockedKey?: UnlockedKeyLoader,
  keyFile: KeyFile | null = opfsKeyFile(),
): Promise<CryptoKey | null> {
  const lock = lockRecordOf(await db.e2eeDevice.get('lock'));
  if (!lock) return storedSealingKey(db, keyFile, ['decrypt']).catch(() => null); // a lost key file: nothing opens
  if (!unlockedKey) return null;
  const raw = await unlockedKey();
  return raw ? importSealingKey(raw, ['decrypt']) : null;
}

export async function readLockState(db: InboxDb, unlockedKey?: UnlockedKeyLoader): Promise<LockState> {
  const lock = lockRecordOf(await db.e2eeDevice.get('lock'));
  if (!lock) return 'none';
  return unlockedKey && (await unlockedKey()) ? 'unlocked' : 'locked';
}

export function readE2eeState(db: InboxDb, conversationId: string): Promise<E2eeConversation | null> {
  return db.e2eeSessions.get(conversationId).then((r) => r ?? null);
}

/** "123451234512345…" → "12345 12345 …" (Signal shows 12 groups of five digits). */
export function groupSafetyNumber(digits: string): string[] {
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 5) groups.push(digits.slice(i, i + 5));
  return groups;
}
