// The Data section's work: export (read from the store here, saved through a Blob and an anchor
// with `download`), import and delete (asked of the background, the store's one writer).
import { exportData, exportFileName, MAX_IMPORT_CHARS } from '../../store/export';
import type { InboxDb } from '../../store/db';
import { call } from '../call';

export type DataReply<T = object> = ({ ok: true } & T) | { ok: false; error: string };

export interface ImportCounts {
  conversations: number;
  messages: number;
  people: number;
}

/** Write the whole store as the documented JSON and hand it to the browser as a download. */
export async function downloadExport(db: InboxDb, doc: Document = document, now = new Date()): Promise<string> {
  const file = await exportData(db, now.getTime());
  const blob = new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const name = exportFileName(now);
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  doc.body.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    // The download has taken its copy once the click's task is over.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return name;
}

export type ImportOutcome = { ok: true; imported: ImportCounts } | { ok: false; error: 'too-large' | string };

/** Hand a chosen export file to the background, which checks it in full and merges it. */
export async function importFile(file: Blob, unreachable: string): Promise<ImportOutcome> {
  // Each UTF-16 unit takes 1 to 3 bytes of UTF-8: a file over three times the limit cannot fit,
  // and is refused before it is read into memory.
  if (file.size > MAX_IMPORT_CHARS * 3) return { ok: false, error: 'too-large' };
  const text = await file.text();
  if (text.length > MAX_IMPORT_CHARS) return { ok: false, error: 'too-large' };
  const reply = await call('import-data', { data: text });
  if (reply.ok) return { ok: true, imported: reply.imported };
  return { ok: false, error: 'unreachable' in reply ? unreachable : reply.error };
}

/** `unreachable` is the readable reason shown when the background does not answer. */
export async function deleteEverything(unreachable: string): Promise<DataReply> {
  const reply = await call('delete-all-data', {});
  if (reply.ok) return { ok: true };
  return { ok: false, error: 'unreachable' in reply ? unreachable : reply.error };
}
