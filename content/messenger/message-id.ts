// Older Messenger builds show no message id in the DOM (field guide: "derive from row content +
// position"). The 2026 thread carries real ids (`data-message-id`, live-2026.md): those are used
// where present, and the id below is then only reported as the message's `formerIds`, so a message
// first stored under it stays one message once its real id is seen.
// A row's id is built only from what stays the same when Facebook re-renders or recycles the
// row's node, or when the same thread is opened again later:
//   section  the day named by the nearest date break above the row (YYYYMMDD, local), or "top"
//            when no break is rendered above it;
//   who      "me" for outgoing rows, the sender's name from the row's heading in groups, "" in 1:1;
//   content  the text as shown (emoji by their alt) and attachment labels;
//   n        how many rows above it in the same section have the same who + content
//            (so "ok", "ok" from the same person on one day stay two messages).
// id = `fb.<section>.<hash(who, content)>.<n>`. Node identity and DOM position outside the
// section play no part, so a recycled node or a re-render gives the same id.
// Known limits (uncertain, say so): if Facebook renders only the lower part of a day, a repeated
// identical message in that day can be counted differently once the rest loads; a row above the
// first rendered date break gets section "top" and a different id once a break appears above it.

export interface RowIdentity {
  /** Local midnight of the section's day, or null for "top". */
  day: number | null;
  who: string;
  content: string;
}

/**
 * 64 bits from two independent 32-bit FNV-1a hashes (two seeds), computed in one pass over the
 * string: collisions within a thread are negligible.
 */
export function contentHash(who: string, content: string): string {
  const s = `${who}\u0000${content}`;
  let a = 0x811c9dc5;
  let b = (0x01000193 ^ 0x5bd1e995) >>> 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export function sectionKey(day: number | null): string {
  if (day === null) return 'top';
  // Asked for row after row of the same day (each row's id and its count of equal rows above).
  if (day === lastDay) return lastKey;
  const d = new Date(day);
  lastKey = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
  lastDay = day;
  return lastKey;
}
let lastDay: number | undefined;
let lastKey = '';

/**
 * The id of the row at `index` given every row of its thread in DOM order (null for non-message
 * rows such as date breaks). Rows in other sections are ignored.
 */
export function derivedMessageId(rows: readonly (RowIdentity | null)[], index: number): string {
  const me = rows[index];
  if (!me) throw new Error('not a message row');
  const section = sectionKey(me.day);
  let n = 0;
  for (let i = 0; i < index; i++) {
    const r = rows[i];
    if (r && sectionKey(r.day) === section && r.who === me.who && r.content === me.content) n++;
  }
  return messageId(me.day, me.who, me.content, n);
}

/** The id of a row given its section's day, its who + content, and its count `n` (see above). */
export function messageId(day: number | null, who: string, content: string, n: number): string {
  return `fb.${sectionKey(day)}.${contentHash(who, content)}.${n}`;
}
