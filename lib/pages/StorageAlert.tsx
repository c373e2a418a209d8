// A visible alert when the store refused a write (quota exceeded, IndexedDB failure): new messages
// are then not being saved, and the user must know rather than watch an inbox that silently stops.
import type { InboxDb } from '../store/db';
import { readStorageError, type StorageErrorRecord } from '../store/storage-error';
import { useUi } from './context';
import { useLive } from './live';

export function StorageAlert(props: { db: InboxDb }) {
  const t = useUi().s.storage;
  const error = useLive(() => readStorageError(props.db), [props.db], null as StorageErrorRecord | null);
  if (!error) return null;
  return (
    <p role="alert" class="storage-alert">
      {error.name === 'QuotaExceededError' ? t.quota : t.other} <small>({t.detail(error.name, error.count)})</small>
    </p>
  );
}
