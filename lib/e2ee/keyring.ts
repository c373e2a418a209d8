// Where the sealing key comes from.
//
// Without a passphrase: a non-extractable AES-GCM CryptoKey stored in the extension's IndexedDB
// (`e2eeDevice` row `sealing-key`), created on first use.
//
// With a passphrase (optional lock): the sealing key is made from a random 32-byte data key that is
// stored only wrapped, AES-GCM under a key derived with scrypt from the passphrase (`lock` row).
// Unlocking puts the data key into the browser's in-memory session storage (extension contexts
// only, cleared when the browser closes), so a restarted service worker and the popup can use it
// until the user locks again or quits the browser. Locked, nothing secret can be opened.
import { scryptAsync } from '@noble/hashes/scrypt.js';
import type { InboxDb } from '../db';
import { utf8 } from '../crypto/bytes';
import { lockRecordOf, type LockRecord, type LockState, type ScryptParams, type UnlockedKeyStore, DEFAULT_SCRYPT } from './lock';
export * from './lock';
import { openBytes, sealBytes } from './seal';
import type { Sealed } from './types';



export class LockedError extends Error {
  constructor() {
    super('locked');
  }
}

const WRAP_CONTEXT = 'e2ee lock data key';

async function importSealingKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw as BufferSource, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

async function kekFrom(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<CryptoKey> {
  const bytes = await scryptAsync(utf8(passphrase.normalize('NFKC')), salt, { ...params, dkLen: 32 });
  return importSealingKey(bytes);
}



export class KeyRing {
  private cached: { key: CryptoKey; source: 'stored' | 'unlocked' } | null = null;

  constructor(
    private readonly db: InboxDb,
    private readonly unlocked: UnlockedKeyStore,
    private readonly scrypt: ScryptParams = DEFAULT_SCRYPT,
    private readonly now: () => number = Date.now,
  ) {}

  private async lockRecord(): Promise<LockRecord | null> {
    return lockRecordOf(await this.db.e2eeDevice.get('lock'));
  }

  async state(): Promise<LockState> {
    if (!(await this.lockRecord())) return 'none';
    return (await this.unlocked.get()) ? 'unlocked' : 'locked';
  }

  /** The sealing key; throws LockedError while a passphrase lock is closed. */
  async key(): Promise<CryptoKey> {
    const lock = await this.lockRecord();
    if (lock) {
      const raw = await this.unlocked.get();
      if (!raw) {
        this.cached = null;
        throw new LockedError();
      }
      if (this.cached?.source !== 'unlocked') this.cached = { key: await importSealingKey(raw), source: 'unlocked' };
      return this.cached.key;
    }
    if (this.cached?.source === 'stored') {
      // Still the stored one? (everything may have been deleted meanwhile)
      const row = await this.db.e2eeDevice.get('sealing-key');
      if (row?.key === undefined) this.cached = null;
      else return (this.cached = { key: row.key, source: 'stored' }).key;
    }
    const existing = await this.db.e2eeDevice.get('sealing-key');
    if (existing?.key) return (this.cached = { key: existing.key, source: 'stored' }).key;
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    await this.db.transaction('rw', this.db.e2eeDevice, async () => {
      if (!(await this.db.e2eeDevice.get('sealing-key'))) await this.db.e2eeDevice.put({ id: 'sealing-key', key, updatedAt: this.now() });
    });
    const stored = (await this.db.e2eeDevice.get('sealing-key'))!.key!;
    return (this.cached = { key: stored, source: 'stored' }).key;
  }

  /**
   * Starts (or changes) the passphrase lock: a new data key, wrapped under the passphrase. Returns
   * the new sealing key and the record to write; the caller re-seals everything under the new key
   * and writes the record in the same transaction, then calls `adopt`.
   */
  async prepareLock(passphrase: string): Promise<{ key: CryptoKey; raw: Uint8Array; record: LockRecord }> {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const kek = await kekFrom(passphrase, salt, this.scrypt);
    const wrapped = await sealBytes(kek, raw, WRAP_CONTEXT);
    return { key: await importSealingKey(raw), raw, record: { id: 'lock', salt, scrypt: this.scrypt, wrapped, changedAt: this.now() } };
  }

  /** After the re-sealed data and the lock record were committed: the new key is the unlocked one. */
  async adopt(raw: Uint8Array): Promise<void> {
    this.cached = null;
    await this.unlocked.set(raw);
  }

  /** Opens the lock; false for a wrong passphrase. */
  async unlock(passphrase: string): Promise<boolean> {
    const lock = await this.lockRecord();
    if (!lock) return true;
    const kek = await kekFrom(passphrase, lock.salt, lock.scrypt);
    const raw = await openBytes(kek, lock.wrapped, WRAP_CONTEXT);
    if (!raw) return false;
    this.cached = null;
    await this.unlocked.set(raw);
    await this.db.e2eeDevice.put({ ...lock, changedAt: this.now() });
    return true;
  }

  async lock(): Promise<void> {
    this.cached = null;
    await this.unlocked.set(null);
    const lock = await this.lockRecord();
    if (lock) await this.db.e2eeDevice.put({ ...lock, changedAt: this.now() });
  }

  forget(): void {
    this.cached = null;
  }
}

