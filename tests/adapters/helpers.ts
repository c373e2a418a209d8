// What the adapter tests share: a clean document at a path for each fixture page, waiting on the
// page, and reading the open thread through an adapter as the runtime does.
import type { PlatformAdapter } from '../../content/adapter';

/** An empty document at `path` (the fixtures route by the URL), ready for a fixture to render into. */
export function blankPage(path: string): Document {
  document.body.replaceChildren();
  document.head.replaceChildren();
  history.replaceState(null, '', path);
  return document;
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** Reads until `ok` holds or `ms` passes, and returns the last read (the test then says what it expected). */
export async function waitFor<T>(read: () => T, ok: (v: T) => boolean, ms = 2000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = read();
    if (ok(v) || Date.now() > until) return v;
    await tick(20);
  }
}

/** Waits until `ok` holds or `ms` passes; says whether it holds. */
export const waitUntil = (ok: () => boolean, ms = 3000): Promise<boolean> => waitFor(ok, Boolean, ms);

/** The open conversation and its messages as the adapter reads them; throws when no thread is open. */
export function openThread(adapter: PlatformAdapter) {
  const conv = adapter.openConversation(document);
  if (!conv) throw new Error('no open thread');
  return { conv, messages: adapter.messageRows(document).flatMap((r) => adapter.parseMessageRow(r, conv) ?? []) };
}
