// Where the sealing key comes from.
//
// Without a passphrase: a random AES-256-GCM key kept in a file of the extension's origin-private
// file system (vault.ts), created on first use. A store created before that keeps its
// non-extractable IndexedDB CryptoKey (`e2eeDevice` row `sealing-key`) until a passphrase is set.
// Either way anyone holding the profile's files holds this key: it stops casual reads, not forensics.
//
// With a passphrase (optional lock): the sealing key is made from a random 32-byte data key that is
// stored only wrapped, AES-GCM under a key derived with scrypt from the passphrase (`lock` row).
// Unlocking puts the data key into the browser's in-memory session storage (extension contexts
// only, cleared when the browser closes), so a restarted service worker and the popup can use it
// until the user locks again or quits the browser. Locked, nothing secret can be opened.
import { scryptAsync } from '@noble/hashes/scrypt.js';
import type { InboxDb } from '../../store/db';
import { utf8 } from '../../crypto/bytes';
import {
  lockRecordOf,
  type LockRecord,
  type LockState,
  type ScryptParams,
  type UnlockedKeyStore,
  DEFAULT_SCRYPT,
} from '../../store/e2ee/lock';
export * from '../../store/e2ee/lock';
import { openBytes, sealBytes } from '../../store/e2ee/seal';
import { importSealingKey, type KeyFile, opfsKeyFile, storedSealingKey } from '../../store/e2ee/vault';

export class LockedError extends Error {
  constructor() {
    super('locked');
  }
}

const WRAP_CONTEXT = 'e2ee lock data key';

async function kekFrom(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<CryptoKey> {
  const bytes = await scryptAsync(utf8(passphrase.normalize('NFKC')), salt, { ...params, dkLen: 32 });
  return importSealingKey(bytes);
}

export class KeyRing {
  private cached: { key: CryptoKey; source: 'stored' | 'unlocked' } | null = null;
  /** Whether a key file left by an interrupted passphrase change was looked for (once per worker). */
  private swept = false;

  constructor(
    private readonly db: InboxDb,
    private readonly unlocked: UnlockedKeyStore,
    private readonly scrypt: ScryptParams = DEFAULT_SCRYPT,
    private readonly now: () => number = Date.now,
    /** Where the passphrase-less key lives (null: no file system, the IndexedDB key is used). */
    private readonly file: KeyFile | null = opfsKeyFile(),
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
      if (!this.swept) {
        await this.discardStoredKey(); // the lock was set but the old key's removal did not finish
        this.swept = true;
      }
      const raw = await this.unlocked.get();
      if (!raw) {
        this.cached = null;
        throw new LockedError();
      }
      if (this.cached?.source !== 'unlocked') this.cached = { key: await importSealingKey(raw), source: 'unlocked' };
      return this.cached.key;
    }
    if (this.cached?.source === 'stored') return this.cached.key;
    const existing = await storedSealingKey(this.db, this.file);
    if (existing) return (this.cached = { key: existing, source: 'stored' }).key;
    if (this.file) {
      const raw = crypto.getRandomValues(new Uint8Array(32));
      let written = false;
      try {
        await this.file.write(raw);
        written = true;
      } catch {
        // The file system is refused here: the IndexedDB key below.
      }
      if (written) {
        // The row is written after the file: a file without a row was never used to seal anything.
        await this.db.e2eeDevice.put({ id: 'sealing-key', inFile: true, updatedAt: this.now() });
        return (this.cached = { key: await importSealingKey(raw), source: 'stored' }).key;
      }
    }
    // No usable file system here: a non-extractable key in IndexedDB, as before.
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    await this.db.transaction('rw', this.db.e2eeDevice, async () => {
      if (!(await this.db.e2eeDevice.get('sealing-key'))) await this.db.e2eeDevice.put({ id: 'sealing-key', key, updatedAt: this.now() });
    });
    const stored = (await this.db.e2eeDevice.get('sealing-key'))!.key!;
    return (this.cached = { key: stored, source: 'stored' }).key;
  }

  /**
   * Deletes the passphrase-less key for good: its file (whose bytes then leave the profile) and the
   * IndexedDB key of older stores. Called once the data it sealed was sealed again under another key.
   */
  async discardStoredKey(): Promise<void> {
    await this.file?.remove();
    await this.db.e2eeDevice.delete('sealing-key');
    this.cached = null;
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
    this.swept = false;
  }
}
