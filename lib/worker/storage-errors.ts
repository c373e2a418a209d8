// When the store refuses a write (quota exceeded, a broken IndexedDB), the user must hear of it:
// the failure is recorded in `meta` for the popup to show as an alert, and cleared once a write
// succeeds again. The batch itself is not acknowledged, so the content script keeps it and re-sends.
import type { InboxDb } from '../store/db';
import { isStorageErrorRecord, STORAGE_ERROR_KEY, type StorageErrorRecord } from '../store/storage-error';

export { STORAGE_ERROR_KEY, readStorageError, type StorageErrorRecord } from '../store/storage-error';

/** Dexie wraps the IndexedDB error; the original name is the useful one. */
function describe(error: unknown): { name: string; message: string } {
  const e = error as { name?: unknown; message?: unknown; inner?: { name?: unknown; message?: unknown } } | null;
  const inner = e?.inner && typeof e.inner.name === 'string' ? e.inner : null;
  const name = String(inner?.name ?? e?.name ?? 'Error');
  const message = String(inner?.message ?? e?.message ?? error);
  return { name: name.slice(0, 100), message: message.slice(0, 500) };
}

/** Records the failure; false when even that small write failed (then only the log has it). */
export async function recordStorageError(db: InboxDb, error: unknown, now: number): Promise<boolean> {
  const { name, message } = describe(error);
  try {
    const old = (await db.meta.get(STORAGE_ERROR_KEY))?.value;
    const prev = isStorageErrorRecord(old) ? old : null;
    const record: StorageErrorRecord = { name, message, firstAt: prev?.firstAt ?? now, lastAt: now, count: (prev?.count ?? 0) + 1 };
    await db.meta.put({ key: STORAGE_ERROR_KEY, value: record });
    return true;
  } catch {
    return false;
  }
}

/** After a successful write: the alert goes away. Cheap when there is nothing to clear. */
export async function clearStorageError(db: InboxDb): Promise<void> {
  if (await db.meta.get(STORAGE_ERROR_KEY)) await db.meta.delete(STORAGE_ERROR_KEY);
}
