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
  // Where the file system is refused (e.g. a private window), writing fails and the key ring falls
  // back to an IndexedDB key.
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
      const out = await (handle as unknown as { createWritable(): Promise<WritableFile> }).createWritable();
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

/** The key file is recorded as the store's key, but it cannot be read (deleted, or no file system). */
export class MissingKeyFileError extends Error {
  constructor() {
    super('e2ee: the sealing key file is missing');
  }
}

/**
 * The passphrase-less sealing key as stored. The `sealing-key` row says where it is: a CryptoKey in
 * the row (stores created before the key file, until a passphrase replaces it), or `inFile`. The
 * row is written only after the file, so a file without a row was never used, and a row whose file
 * cannot be read is an error (never silently replaced: the data sealed under it would be lost).
 */
export async function storedSealingKey(db: InboxDb, file: KeyFile | null, usages?: KeyUsage[]): Promise<CryptoKey | null> {
  const row = await db.e2eeDevice.get('sealing-key');
  if (row?.key) return row.key;
  if (!row?.inFile) return null;
  const raw = file ? await file.read() : null;
  if (!raw) throw new MissingKeyFileError();
  return importSealingKey(raw, usages);
}
