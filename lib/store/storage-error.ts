// The stored "the store refused a write" record: its key, shape and the read the popup's alert
// uses. The worker's write side (record/clear) is lib/worker/storage-errors.ts; pages import
// only this file, so no page pulls in worker code.
import type { InboxDb } from './db';

export const STORAGE_ERROR_KEY = 'storage-error';

export interface StorageErrorRecord {
  /** The DOMException name, e.g. QuotaExceededError. */
  name: string;
  message: string;
  /** When it was first and last seen since the store last worked, and how often. */
  firstAt: number;
  lastAt: number;
  count: number;
}

export function isStorageErrorRecord(value: unknown): value is StorageErrorRecord {
  const v = value as Partial<StorageErrorRecord> | null;
  return !!v && typeof v.name === 'string' && typeof v.message === 'string' && typeof v.lastAt === 'number';
}

export async function readStorageError(db: InboxDb): Promise<StorageErrorRecord | null> {
  const value = (await db.meta.get(STORAGE_ERROR_KEY))?.value;
  return isStorageErrorRecord(value) ? value : null;
}
