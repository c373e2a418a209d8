// Where the passphrase-less sealing key is kept (issue 12 item 3).
//
// It used to be a non-extractable CryptoKey in IndexedDB. Chromium writes such a key's raw bytes
// into the profile's IndexedDB files (one LevelDB per origin), and deleting the row, or even the
// whole database, leaves them in older LevelDB files until the browser happens to compact them:
// measured in Chromium 156, the key was still in a `.ldb` file after `deleteDatabase`. So the key
// now lives in a 32-byte file of the extension's origin-private file system (OPFS), which is a
// file of its own in the profile: removing it removes its bytes from the profile.
//
// This protects nothing against someone holding the profile's files while the key is in use (they
// have the file, as they had the IndexedDB record before). What it buys: when a passphrase is set,
// the old key is really gone, so the leftovers of the old sealed rows open with nothing.
import type { InboxDb } from '../db';

/** The stored sealing key's bytes (background writes; extension pages read). */
export interface KeyFile {
  read(): Promise<Uint8Array | null>;
  write(raw: Uint8Array): Promise<void>;
  /** Deletes the file; no error if there is none. */
  remove(): Promise<void>;
}

const FILE_NAME = 'e2ee-sealing-key';
const KEY_BYTES = 32;

interface OpfsStorage {
  getDirectory(): Promise<FileSystemDirectoryHandle>;
}
interface WritableFile {
  write(data: BufferSource): Promise<void>;
  close(): Promise<void>;
}

/** The key file in the origin-private file system, or null where there is none (Node, old browsers). */
export function opfsKeyFile(name = FILE_NAME): KeyFile | null {
  const storage = (globalThis as { navigator?: { storage?: Partial<OpfsStorage> } }).navigator?.storage;
  if (typeof storage?.getDirectory !== 'function') return null;
  const root = () => (storage as OpfsStorage).getDirectory();
  return {
    async read() {
      try {
        const handle = await (await root()).getFileHandle(name);
        const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
        return bytes.length === KEY_BYTES ? bytes : null;
      } catch (e) {
        if (e instanceof DOMException && (e.name === 'NotFoundError' || e.name === 'TypeMismatchError')) return null;
        throw e;
      }
    },
    async write(raw) {
      const handle = await (await root()).getFileHandle(name, { create: true });
      // Written to a swap file and swapped in on close: a reader never sees half a key.
      const out = (await (handle as unknown as { createWritable(): Promise<WritableFile> }).createWritable());
      await out.write(raw as BufferSource);
      await out.close();
    },
    async remove() {
      try {
        await (await root()).removeEntry(name);
      } catch (e) {
        if (!(e instanceof DOMException && e.name === 'NotFoundError')) throw e;
      }
    },
  };
}

/** A key file in memory (tests): `bytes` is what the profile would hold. */
export function memoryKeyFile(): KeyFile & { bytes: Uint8Array | null } {
  const file = {
    bytes: null as Uint8Array | null,
    async read() {
      return file.bytes ? file.bytes.slice() : null;
    },
    async write(raw: Uint8Array) {
      file.bytes = raw.slice();
    },
    async remove() {
      file.bytes = null;
    },
  };
  return file;
}

export async function importSealingKey(raw: Uint8Array, usages: KeyUsage[] = ['encrypt', 'decrypt']): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw as BufferSource, { name: 'AES-GCM' }, false, usages);
}

/**
 * The passphrase-less sealing key as stored: a store created before the key file keeps its
 * IndexedDB CryptoKey (its data is sealed under it) until a passphrase replaces it; else the file.
 */
export async function storedSealingKey(db: InboxDb, file: KeyFile | null, usages?: KeyUsage[]): Promise<CryptoKey | null> {
  const legacy = await db.e2eeDevice.get('sealing-key');
  if (legacy?.key) return legacy.key;
  const raw = file ? await file.read() : null;
  return raw ? importSealingKey(raw, usages) : null;
}
