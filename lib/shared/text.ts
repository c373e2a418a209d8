// Small text helpers shared by the merge, the background and the UI.
import type { Message } from './model';

/** Compare what we posted with what the page echoed (whitespace and NBSP differences ignored). */
export function sameMessageText(a: string, b: string): boolean {
  return normaliseForMatch(a) === normaliseForMatch(b);
}

export function normaliseForMatch(s: string): string {
  return s
    .normalize('NFC')
    .replace(/[\u00a0\s]+/gu, ' ')
    .trim();
}

const PREVIEW_CHARS = 200;

/** One line of text standing for a message in the conversation list. */
export function previewOf(m: Pick<Message, 'text' | 'attachments' | 'encrypted'>): string {
  const text = m.text.replace(/\s+/gu, ' ').trim();
  if (text) return text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS - 1) + '…' : text;
  const a = m.attachments[0];
  return a ? a.label : '';
}
