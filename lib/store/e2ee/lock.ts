// The light half of the passphrase lock: its stored shape, its states and where the unlocked key is
// kept. Extension pages import this (not ./keyring, which carries scrypt and the sealing logic).
import { fromBase64, toBase64 } from '../../crypto/bytes';
import type { Sealed } from '../records';

/** Holds the unlocked data key between service-worker restarts (browser.storage.session in the extension). */
export interface UnlockedKeyStore {
  get(): Promise<Uint8Array | null>;
  set(raw: Uint8Array | null): Promise<void>;
}

export function memoryKeyStore(): UnlockedKeyStore {
  let value: Uint8Array | null = null;
  return {
    async get() {
      return value;
    },
    async set(raw) {
      value = raw;
    },
  };
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
/** About one second on this machine class; stored with the lock so it can be raised later. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 8, p: 1 };
export const MIN_PASSPHRASE_CHARS = 8;

/** The `lock` row: everything needed to check a passphrase and unwrap the data key. */
export interface LockRecord {
  id: 'lock';
  salt: Uint8Array;
  scrypt: ScryptParams;
  wrapped: Sealed;
  /** Changes on every lock/unlock, so pages reading the store notice (it says nothing secret). */
  changedAt: number;
}

export function lockRecordOf(value: unknown): LockRecord | null {
  const r = value as Partial<LockRecord> | undefined;
  return r && r.id === 'lock' && r.salt instanceof Uint8Array && r.wrapped && r.scrypt ? (r as LockRecord) : null;
}

export type LockState = 'none' | 'locked' | 'unlocked';

/** browser.storage.session holds the unlocked data key (base64) while the browser runs. */
export function sessionStorageKeyStore(area: {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}): UnlockedKeyStore {
  const KEY = 'e2eeUnlockedKey';
  return {
    async get() {
      const v = (await area.get(KEY))[KEY];
      return fromBase64(v, 32);
    },
    async set(raw) {
      if (raw) await area.set({ [KEY]: toBase64(raw) });
      else await area.remove(KEY);
    },
  };
}
