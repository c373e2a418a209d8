// Putting text into a messenger's composer. The three apps use Lexical editors, which keep their
// own state and ignore script writes to the DOM; they only take text through editing input.
// Recipe (field guide): focus, select everything with a Selection range, execCommand('insertText');
// if the editor did not take it, a paste event carrying text/plain. Lexical commits a tick later,
// so we confirm by reading the editor back, and never insert blindly twice.
import { queryAll, sleep } from './dom';

/** The composer's text as its own rendering shows it (paragraphs joined by newlines). */
export function composerText(el: HTMLElement): string {
  const paragraphs = queryAll(el, ':scope > p, :scope > div');
  if (paragraphs.length === 0) return normalise(el.textContent ?? '');
  return normalise(paragraphs.map((p) => p.textContent ?? '').join('\n'));
}

function normalise(s: string): string {
  return s.replace(/\u00a0/g, ' ').replace(/\s+$/u, '');
}

/** Whether `have` shows `want` (whitespace at the ends and NBSPs ignored). */
export function sameText(have: string, want: string): boolean {
  const n = (s: string) =>
    s
      .replace(/\u00a0/g, ' ')
      .replace(/\r\n?/g, '\n')
      .trim();
  return n(have) === n(want);
}

function selectAll(el: HTMLElement): void {
  const doc = el.ownerDocument;
  el.focus();
  const range = doc.createRange();
  range.selectNodeContents(el);
  const sel = doc.getSelection();
  sel?.removeAllRanges();
  sel?.addRange(range);
}

async function waitForText(el: HTMLElement, want: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (sameText(composerText(el), want)) return true;
    if (Date.now() >= until) return false;
    await sleep(25);
  }
}

export type InsertOutcome = 'inserted' | 'rejected';

/**
 * Replace the composer's (empty) content with `text`. Multi-line text goes by paste, which every
 * editor turns into line breaks; single-line text by insertText first.
 */
export async function insertIntoComposer(el: HTMLElement, text: string, timeoutMs = 1500): Promise<InsertOutcome> {
  const doc = el.ownerDocument;
  const multiLine = text.includes('\n');

  if (!multiLine && typeof doc.execCommand === 'function') {
    selectAll(el);
    try {
      doc.execCommand('insertText', false, text);
    } catch {
      // Some environments throw for unsupported commands; the paste path follows.
    }
    if (await waitForText(el, text, timeoutMs / 2)) return 'inserted';
    // Never paste over a partial insert: that would double the text.
    if (composerText(el) !== '') return 'rejected';
  }

  selectAll(el);
  const data = new DataTransfer();
  data.setData('text/plain', text);
  el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  return (await waitForText(el, text, timeoutMs)) ? 'inserted' : 'rejected';
}
