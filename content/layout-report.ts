// The layout report: when a page is not recognised, the user can attach to a bug report what the
// adapter was looking at — its structure, never its content. Tag names, roles, attribute names, the
// shapes of ids and other values (digits → 9, letters → a), counts, and which of the adapter's
// selectors matched how often. Text and free-text attributes (labels, titles, alt…) appear only as
// their length. Pure DOM → string, capped in depth, nodes and size.
import type { PlatformAdapter } from './adapter';
import { LIMITS } from '../lib/shared/model';

export interface LayoutReportOptions {
  state?: string;
  reason?: string;
  /** Size cap in characters (at most LIMITS.layoutReportChars). */
  maxChars?: number;
  maxDepth?: number;
  maxNodes?: number;
}

/** Attributes whose values are the page's own words: only their length is reported. */
const FREE_TEXT = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-placeholder',
  'aria-valuetext',
  'title',
  'alt',
  'placeholder',
  'value',
  'content',
  'label',
  'download',
  'srcdoc',
]);

/**
 * Attributes whose values are the app's vocabulary, not the user's: shown as they are when short
 * and plain (role="row", dir="auto", aria-hidden="true").
 */
const ENUMERATED = new Set([
  'role',
  'dir',
  'type',
  'tabindex',
  'contenteditable',
  'draggable',
  'hidden',
  'aria-hidden',
  'aria-selected',
  'aria-current',
  'aria-expanded',
  'aria-checked',
  'aria-disabled',
  'aria-pressed',
  'aria-live',
  'aria-multiline',
  'aria-haspopup',
  'aria-level',
  'aria-modal',
  'aria-orientation',
  'aria-readonly',
  'aria-autocomplete',
  'aria-busy',
  'aria-rowcount',
  'aria-rowindex',
  'aria-colindex',
  'aria-setsize',
  'aria-posinset',
]);
const PLAIN_VALUE = /^[a-z0-9_-]{1,24}$/i;

/** Subtrees reported as one line: their insides are drawing or code, not layout. */
const OPAQUE = new Set(['svg', 'math', 'canvas', 'video', 'audio', 'picture']);
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'link', 'meta', 'head']);

/** How many identical-looking siblings are written out before the rest are counted. */
const SAME_SIBLINGS_SHOWN = 2;

/** A value's shape: letters → a, digits → 9, separators kept, anything else (emoji, symbols) → ?. */
export function shapeOf(value: string, max = 48): string {
  const shaped = value
    .replace(/\p{L}/gu, 'a')
    .replace(/\p{N}/gu, '9')
    .replace(/[^a9\s\-_.:/@$#=+,;()[\]&?%]/gu, '?')
    .replace(/\s+/g, ' ');
  const chars = Array.from(shaped);
  return chars.length > max ? `${chars.slice(0, max).join('')}…(${chars.length})` : shaped;
}

/**
 * The adapter's own words: the identifier-like tokens of its selectors (pane-side, messages_table…).
 * Words a selector quotes from a label (`[aria-label="Message actions"]`) are not among them: a
 * label is free text, and a contact may be called just that.
 */
function vocabularyOf(selectors: Readonly<Record<string, string>>): Set<string> {
  const words = new Set<string>();
  for (const sel of Object.values(selectors)) {
    const structural = sel.replace(/\[\s*(?:aria-label|title|alt|placeholder)\b[^\]]*\]/g, '');
    for (const m of structural.matchAll(/[A-Za-z][\w-]{1,40}/g)) words.add(m[0]);
  }
  return words;
}

function countMatches(doc: Document, selector: string): number | 'invalid' {
  try {
    return doc.querySelectorAll(selector).length;
  } catch {
    return 'invalid';
  }
}

/** Text length of an element's own text nodes (its children's text is theirs). */
function ownTextLength(el: Element): number {
  let n = 0;
  el.childNodes.forEach((c) => {
    if (c.nodeType === 3) n += (c.nodeValue ?? '').trim().length;
  });
  return n;
}

function describeAttributes(el: Element, vocabulary: Set<string>): string {
  const parts: string[] = [];
  for (const attr of Array.from(el.attributes)) {
    const name = attr.name.toLowerCase();
    // Attribute names are the app's; anything odd (a name made of page data) is shaped too.
    const shownName = /^[a-z][a-z0-9_:-]{0,40}$/.test(name) ? name : `?${shapeOf(name, 16)}`;
    const value = attr.value;
    if (name === 'class') {
      const classes = value.split(/\s+/).filter(Boolean);
      const known = classes.filter((c) => vocabulary.has(c));
      parts.push(`class=[${[...known, ...(classes.length > known.length ? [`+${classes.length - known.length}`] : [])].join(' ')}]`);
    } else if (name === 'style') {
      parts.push('style');
    } else if (value === '') {
      parts.push(shownName);
    } else if (FREE_TEXT.has(name)) {
      parts.push(`${shownName}=(${value.length})`);
    } else if ((ENUMERATED.has(name) && PLAIN_VALUE.test(value)) || vocabulary.has(value)) {
      parts.push(`${shownName}="${value}"`);
    } else if (name === 'href' || name === 'src' || name === 'action') {
      parts.push(`${shownName}~${urlShape(value)}`);
    } else {
      parts.push(`${shownName}~${shapeOf(value)}`);
    }
  }
  return parts.join(' ');
}

/** A URL's shape: scheme and host kept when they are the platforms', the path shaped per segment. */
function urlShape(value: string): string {
  if (value.startsWith('data:')) return 'data:…';
  if (value.startsWith('blob:')) return 'blob:…';
  return shapeOf(
    value.replace(/[?#].*$/, (q) => (q ? `${q[0]}…` : '')),
    64,
  );
}

function lineOf(el: Element, vocabulary: Set<string>): string {
  const tag = el.tagName.toLowerCase();
  const attrs = describeAttributes(el, vocabulary);
  const text = ownTextLength(el);
  return `${tag}${attrs ? ` ${attrs}` : ''}${text ? ` text(${text})` : ''}`;
}

/**
 * What makes siblings "the same shape": tag, role and attribute names (not values or text), of the
 * element and its first levels (an incoming bubble and a date break are different shapes).
 */
function signatureOf(el: Element, depth = 3): string {
  const names = Array.from(el.attributes, (a) => a.name)
    .sort()
    .join(',');
  const own = `${el.tagName}|${el.getAttribute('role') ?? ''}|${names}`;
  if (depth === 0 || el.childElementCount === 0) return own;
  const kids = Array.from(el.children)
    .slice(0, 8)
    .map((c) => signatureOf(c, depth - 1));
  return `${own}(${kids.join(';')})`;
}

interface Budget {
  nodes: number;
  chars: number;
  truncated: boolean;
}

function outline(root: Element, vocabulary: Set<string>, maxDepth: number, budget: Budget, out: string[]): void {
  const visit = (el: Element, depth: number): void => {
    if (budget.truncated) return;
    if (budget.nodes <= 0 || budget.chars <= 0) {
      budget.truncated = true;
      return;
    }
    const tag = el.tagName.toLowerCase();
    if (SKIPPED.has(tag)) return;
    const line = `${'  '.repeat(depth)}${lineOf(el, vocabulary)}`;
    out.push(line);
    budget.nodes--;
    budget.chars -= line.length + 1;
    if (OPAQUE.has(tag)) {
      if (el.childElementCount) out[out.length - 1] += ` {${el.getElementsByTagName('*').length} inside}`;
      return;
    }
    if (depth >= maxDepth) {
      if (el.childElementCount) out[out.length - 1] += ` {${el.getElementsByTagName('*').length} deeper}`;
      return;
    }
    // Runs of same-shaped siblings (list rows, message rows): the first few, then a count.
    let run = '';
    let runLength = 0;
    const children = Array.from(el.children);
    const sigs = children.length > SAME_SIBLINGS_SHOWN ? children.map((c) => signatureOf(c)) : [];
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      const sig = sigs[i] ?? '';
      runLength = sig !== '' && sig === run ? runLength + 1 : 1;
      run = sig;
      if (runLength <= SAME_SIBLINGS_SHOWN) {
        visit(child, depth + 1);
        continue;
      }
      let j = i;
      while (j + 1 < children.length && sigs[j + 1] === sig) j++;
      const line = `${'  '.repeat(depth + 1)}… ${j - i + 1} more like the above`;
      out.push(line);
      budget.chars -= line.length + 1;
      i = j;
    }
  };
  visit(root, 0);
}

/** The structural report of the page part the adapter reads (the whole body, summarised). */
export function buildLayoutReport(doc: Document, adapter: PlatformAdapter, opts: LayoutReportOptions = {}): string {
  const maxChars = Math.min(opts.maxChars ?? LIMITS.layoutReportChars, LIMITS.layoutReportChars);
  const vocabulary = vocabularyOf(adapter.selectors);
  const head: string[] = ['Unified Inbox layout report (structure only: no text, names or labels)'];
  head.push(`platform: ${adapter.platform}`);
  if (opts.state) head.push(`state: ${opts.state}`);
  // The reason is the adapter's or the runtime's own sentence (anchor names and counts), not page text.
  if (opts.reason) head.push(`reason: ${opts.reason.slice(0, 300)}`);
  const path = doc.location?.pathname ?? '';
  head.push(`path: ${urlShape(path)}`);
  const lang = doc.documentElement.getAttribute('lang') ?? '';
  head.push(`lang: ${PLAIN_VALUE.test(lang) ? lang : shapeOf(lang, 16)}`);
  head.push(`elements: ${doc.getElementsByTagName('*').length}`);

  let rows = 'unavailable';
  try {
    const chats = adapter.chatRows(doc);
    const readable = chats.filter((r) => adapter.parseChatRow(r) !== null).length;
    rows = `chat rows ${chats.length} (readable ${readable})`;
    const open = adapter.openConversation(doc);
    const msgs = adapter.messageRows(doc);
    if (open) {
      let n = 0;
      msgs.forEach((r, index) => {
        if (adapter.parseMessageRow(r, open, { rows: msgs, index, nodeChanged: true })) n++;
      });
      rows += `, message rows ${msgs.length} (readable ${n})`;
    } else {
      rows += `, message rows ${msgs.length} (no open thread)`;
    }
  } catch (e) {
    rows = `reading rows failed (${e instanceof Error ? e.name : 'error'})`;
  }
  head.push(`rows: ${rows}`);

  head.push('anchors (selector name: matches in the page):');
  for (const [name, sel] of Object.entries(adapter.selectors)) head.push(`  ${name}: ${countMatches(doc, sel)}`);
  head.push('outline (tag, attributes; ~ value shape, (n) text length, text(n) own text length):');

  const budget: Budget = {
    nodes: opts.maxNodes ?? 1500,
    chars: maxChars - head.join('\n').length - 200,
    truncated: false,
  };
  const lines: string[] = [];
  if (doc.body) outline(doc.body, vocabulary, opts.maxDepth ?? 60, budget, lines);
  if (budget.truncated) lines.push('… (cut here: the report is capped)');
  const report = [...head, ...lines].join('\n');
  return report.length > maxChars ? `${report.slice(0, maxChars - 40)}\n… (cut here: the report is capped)` : report;
}
