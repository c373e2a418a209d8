// A visible alert when the store refused a write (quota exceeded, IndexedDB failure): new messages
// are then not being saved, and the user must know rather than watch an inbox that silently stops.
import type { InboxDb } from '../db';
import { readStorageError, type StorageErrorRecord } from '../storage-error';
import { useUi } from './context';
import { useLive } from './live';

const TEXT = {
  en: {
    quota: 'The browser has run out of storage space for Unified Inbox. New messages are not being saved until space is freed (delete old data in Options, or free disk space).',
    other: 'Unified Inbox cannot write to its local storage, so new messages are not being saved.',
    detail: (name: string, n: number) => `${name}, ${n} time${n === 1 ? '' : 's'}`,
  },
  id: {
    quota: 'Ruang penyimpanan browser untuk Unified Inbox habis. Pesan baru tidak disimpan sampai ada ruang kosong (hapus data lama di Opsi, atau kosongkan disk).',
    other: 'Unified Inbox tidak dapat menulis ke penyimpanan lokalnya, jadi pesan baru tidak disimpan.',
    detail: (name: string, n: number) => `${name}, ${n} kali`,
  },
} as const;

export function StorageAlert(props: { db: InboxDb }) {
  const { lang } = useUi();
  const t = TEXT[lang] ?? TEXT.en;
  const error = useLive(() => readStorageError(props.db), [props.db], null as StorageErrorRecord | null);
  if (!error) return null;
  return (
    <p role="alert" class="storage-alert">
      {error.name === 'QuotaExceededError' ? t.quota : t.other} <small>({t.detail(error.name, error.count)})</small>
    </p>
  );
}
