// Scrape benchmark, injected into a fixture page (served by bench/run.ts at a bench origin the
// shipped content scripts do not match, with cross-origin isolation for 5 µs timers). It runs the
// real content runtime (content/runtime/) with the real adapter over a thread of N rendered
// messages built by cloning the fixture's own message markup: WhatsApp by default; Instagram (a
// group thread: date breaks, sender headings, both sides) and Messenger (a 1:1 thread with derived
// ids) by cloning the open thread's own rows with new ids and texts.
import { startContentRuntime, type RuntimeHandle, type Transport } from '../../content/runtime';
import { whatsappAdapter } from '../../content/whatsapp/adapter';
import { forgetStamps } from '../../content/whatsapp/time';
import { forgetDateOrder } from '../../content/whatsapp/date-order';
import { instagramAdapter } from '../../content/instagram/adapter';
import { messengerAdapter } from '../../content/messenger/adapter';
import type { PlatformAdapter } from '../../content/adapter';
import type { FromContent } from '../../lib/shared/protocol';
import { rng, sentence, synthConversations, synthMessages } from '../data';

const EMOJI_RE = /(\p{Extended_Pictographic}(?:\u200d\p{Extended_Pictographic}|\ufe0f)*)/u;
const BLANK_GIF = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';

function container(): Element {
  const c = document.querySelector('#main [role="application"]');
  if (!c) throw new Error('fixture thread not rendered');
  return c;
}

/** A plain text message row of the fixture (no quote, no media) to clone. */
function template(incoming: boolean): Element {
  const rows = Array.from(document.querySelectorAll('#main [role="row"]'));
  const row = rows.find(
    (r) =>
      r.querySelector(incoming ? '.message-in' : '.message-out') &&
      r.querySelector('span.selectable-text') &&
      !r.querySelector('[role="button"]'),
  );
  if (!row) throw new Error('no plain message row in the fixture to clone');
  return row;
}

const pad = (n: number) => String(n).padStart(2, '0');
function prePlain(at: number, from: string): string {
  const d = new Date(at);
  const h = d.getHours() % 12 || 12;
  return `[${h}:${pad(d.getMinutes())} ${d.getHours() < 12 ? 'AM' : 'PM'}, ${d.getMonth() + 1}/${d.getDate()}/${d.getFullYear()}] ${from}: `;
}

let seq = 0;
/** One message row in the fixture's markup: data-id, pre-plain-text, text with emoji as <img alt>. */
function makeRow(text: string, self: boolean, from: string, at: number): Element {
  const row = template(!self).cloneNode(true) as Element;
  const id = (++seq).toString(16).toUpperCase().padStart(8, '0');
  row.querySelector('[data-id]')!.setAttribute('data-id', `${self}_6281234567890@c.us_3EB0${id}BENCH`);
  row.querySelector('[data-pre-plain-text]')?.setAttribute('data-pre-plain-text', prePlain(at, from));
  const inner = row.querySelector('span.selectable-text > span') ?? row.querySelector('span.selectable-text')!;
  const parts: Node[] = [];
  for (const part of text.split(EMOJI_RE)) {
    if (!part) continue;
    if (EMOJI_RE.test(part)) {
      const img = document.createElement('img');
      img.setAttribute('alt', part);
      img.setAttribute('src', BLANK_GIF);
      parts.push(img);
    } else parts.push(document.createTextNode(part));
  }
  inner.replaceChildren(...parts);
  return row;
}

type Platform = 'whatsapp' | 'instagram' | 'messenger';
let platform: Platform = 'whatsapp';
const adapters = { whatsapp: whatsappAdapter, instagram: instagramAdapter, messenger: messengerAdapter } as const;
const ADAPTER = () => adapters[platform];

/** Instagram / Messenger: a row's bubble (id and text are set on it). */
const META_BUBBLE = { instagram: '[id^="mid.$"]', messenger: '[role="none"][dir="auto"]' } as const;
let metaSeq = 0;
/** A copy of a Meta fixture row as another message: a new bubble id (Instagram) and a new text. */
function cloneMetaRow(row: Element, text?: string): Element {
  const c = row.cloneNode(true) as Element;
  const bubble = c.querySelector(META_BUBBLE[platform as 'instagram' | 'messenger']);
  if (bubble) {
    const k = ++metaSeq;
    if (platform === 'instagram') bubble.id = `mid.$bench${k.toString(36).padStart(10, '0')}`;
    const t = (platform === 'instagram' ? bubble.querySelector('[dir="auto"]') : bubble) ?? bubble;
    const emoji = Array.from(t.querySelectorAll('img'));
    t.replaceChildren(text ?? `${t.textContent ?? ''} #${k}`, ...emoji);
  }
  return c;
}

/** The open Meta thread grown to `n` rows by cloning its own rows above them (whole copies: breaks, headings, both sides). */
function setupMeta(n: number): { rows: number } {
  const a = ADAPTER();
  const own = a.messageRows(document);
  if (own.length === 0) throw new Error('fixture thread not rendered');
  const box = own[0]!.parentElement!;
  let count = own.length;
  while (count < n) {
    box.prepend(...own.map((r) => cloneMetaRow(r)));
    count += own.length;
  }
  return { rows: a.messageRows(document).length };
}

/** A plain incoming row of the open Meta thread (no heading of its own), to append copies of. */
function metaIncoming(): Element {
  const a = ADAPTER();
  const conv = a.openConversation(document)!;
  const row = a
    .messageRows(document)
    .find((r) => !r.querySelector('h1, h2, h3, h4, h5, h6') && a.parseMessageRow(r, conv)?.sender.isSelf === false);
  return row ?? a.messageRows(document).find((r) => a.parseMessageRow(r, conv)?.sender.isSelf === false)!;
}

/** Render `n` synthetic messages into the open thread (after the fixture's own rows). */
function setup(n: number, seed: number, on: Platform = 'whatsapp'): { rows: number } {
  platform = on;
  if (on !== 'whatsapp') return setupMeta(n);
  const conv = synthConversations(1, seed)[0]!;
  const msgs = synthMessages(conv, n, seed);
  const title = document.querySelector('#main header span[dir="auto"]')?.getAttribute('title') ?? 'Contact';
  const rows = msgs.map((m) => makeRow(m.text || 'Photo', m.sender.isSelf, m.sender.isSelf ? 'Rani' : title, m.sentAt ?? Date.now()));
  container().append(...rows);
  return { rows: document.querySelectorAll('#main [role="row"]').length };
}

/** Baseline: a bare walk of the thread, querySelectorAll + textContent of every row. */
function baseline(reps: number): number[] {
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    let chars = 0;
    const rows = platform === 'whatsapp' ? document.querySelectorAll('#main [role="row"]') : ADAPTER().messageRows(document);
    for (const row of rows) chars += (row.textContent ?? '').length;
    times.push(performance.now() - t0);
    if (chars === 0) throw new Error('empty thread');
  }
  return times;
}

/**
 * What each platform's rows show of a message where a parser that reads structure finds it (the
 * field guide's stable hooks): its id, its time, its text. One scoped query per field per row.
 */
const FIELDS: Record<Platform, { sel: string; read: (el: Element) => string | null }[]> = {
  whatsapp: [
    { sel: '[data-id]', read: (el) => el.getAttribute('data-id') },
    { sel: '[data-pre-plain-text]', read: (el) => el.getAttribute('data-pre-plain-text') },
    { sel: 'span.selectable-text', read: (el) => el.textContent },
  ],
  // Instagram and Messenger show a time on date-break rows only; Messenger's 2026 message element
  // carries its id and a label that starts with its time.
  instagram: [
    { sel: '[id^="mid.$"]', read: (el) => el.id },
    { sel: '[data-scope="date_break"]', read: (el) => el.textContent },
    { sel: '[id^="mid.$"] [dir="auto"]', read: (el) => el.textContent },
  ],
  messenger: [
    { sel: '[data-message-id]', read: (el) => el.getAttribute('data-message-id') },
    { sel: '[data-scope="date_break"], [data-message-id][aria-label]', read: (el) => el.getAttribute('aria-label') ?? el.textContent },
    { sel: '[dir="auto"]', read: (el) => el.textContent },
  ],
};

/**
 * Baseline (the floor for a parser that reads structure): the same rows, and per row its
 * id, time and text through one scoped query each (the row itself when it is the element).
 */
function structuredWalk(reps: number): number[] {
  const fields = FIELDS[platform];
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    let found = 0;
    const rows = platform === 'whatsapp' ? document.querySelectorAll('#main [role="row"]') : ADAPTER().messageRows(document);
    for (const row of rows) {
      for (const f of fields) {
        const el = row.matches(f.sel) ? row : row.querySelector(f.sel);
        if (el && f.read(el)) found++;
      }
    }
    times.push(performance.now() - t0);
    if (found === 0) throw new Error('nothing found by the structured walk');
  }
  return times;
}

interface Probe {
  runtime: RuntimeHandle;
  /** Resolves with the duration of the read that produced the next ingest (ms). */
  nextRead(): Promise<{ readMs: number; observerMs: number; messages: number; sentAt: number }>;
  /** The first read's start, the last thread batch handed over, and rows parsed when the first one was. */
  firstReadStart(): number;
  lastSendAt(): number;
  parsedAtFirstSend(): number;
}

/**
 * The runtime with the real adapter, two hooks for the clock (the runtime's onReadStart, and the
 * batch handed to the transport) and no debounce, so one flush
 * follows each mutation. isActiveUrl says yes for the bench origin.
 */
function probe(): Probe {
  let readStart = 0;
  let firstStart = 0;
  let lastSend = 0;
  let parsedAtFirst = -1;
  let observerMs = 0;
  let waiter: ((v: { readMs: number; observerMs: number; messages: number; sentAt: number }) => void) | null = null;
  const real = ADAPTER();
  const adapter: PlatformAdapter = {
    ...real,
    isActiveUrl: () => true,
    rowOf: (node) => {
      const t0 = performance.now();
      const hit = real.rowOf(node);
      observerMs += performance.now() - t0;
      return hit;
    },
  };
  let pending = 0;
  const transport: Transport = {
    send(message: FromContent) {
      if (message.type === 'ingest' && message.thread) {
        const end = performance.now();
        lastSend = end;
        if (parsedAtFirst < 0) parsedAtFirst = runtime.stats.rowsParsed;
        // A long thread is split into several batches by the same read: report the read once.
        if (pending++ === 0) {
          queueMicrotask(() => {
            const w = waiter;
            waiter = null;
            pending = 0;
            w?.({ readMs: end - readStart, observerMs, messages: message.thread?.messages.length ?? 0, sentAt: end });
            observerMs = 0;
          });
        }
      }
      return Promise.resolve({ ok: true });
    },
    onCommand() {},
  };
  const first = new Promise<{ readMs: number; observerMs: number; messages: number; sentAt: number }>((r) => (waiter = r));
  const runtime = startContentRuntime(adapter, document, transport, {
    debounceMs: 0,
    maxWaitMs: 0,
    log: () => {},
    onReadStart: () => {
      readStart = performance.now();
      if (!firstStart) firstStart = readStart;
    },
  });
  let primed: Promise<unknown> | null = first;
  return {
    runtime,
    firstReadStart: () => firstStart,
    lastSendAt: () => lastSend,
    parsedAtFirstSend: () => parsedAtFirst,
    nextRead() {
      if (primed) {
        const p = primed;
        primed = null;
        return p as Promise<{ readMs: number; observerMs: number; messages: number; sentAt: number }>;
      }
      return new Promise((r) => (waiter = r));
    },
  };
}

/**
 * What a content script meets on a page it has just been injected into: nothing the adapters keep
 * between reads (WhatsApp's stamp strings and the page's date order). Each first read of
 * `fullScan` starts from it, not from the last one's.
 */
function asJustInjected(): void {
  if (platform !== 'whatsapp') return;
  forgetStamps();
  forgetDateOrder(document);
}

/**
 * Full scan: a fresh runtime's first read of the whole thread (every row parsed), from its first
 * read's start to the last batch handed over (a long thread is read in chunks, one task each);
 * `first`: until the first batch was handed over, and how many rows had been parsed by then.
 */
async function fullScan(reps: number): Promise<{ whole: number[]; first: number[]; parsedAtFirst: number[]; reads: number[] }> {
  const out = { whole: [] as number[], first: [] as number[], parsedAtFirst: [] as number[], reads: [] as number[] };
  for (let r = 0; r < reps; r++) {
    asJustInjected();
    const p = probe();
    const read = await p.nextRead();
    await p.runtime.idle();
    out.first.push(read.readMs);
    out.whole.push(p.lastSendAt() - p.firstReadStart());
    out.parsedAtFirst.push(p.parsedAtFirstSend());
    out.reads.push(p.runtime.stats.flushes);
    p.runtime.stop();
  }
  return out;
}

/** Incremental: one new incoming message appended to the rendered thread, per repetition. */
async function incremental(
  reps: number,
  seed: number,
): Promise<{
  readMs: number[];
  observerMs: number[];
  endToEndMs: number[];
  batchMessages: number[];
  rowsParsed: number[];
  rowsCompared: number[];
}> {
  const p = probe();
  await p.nextRead();
  await p.runtime.idle();
  const title = document.querySelector('#main header span[dir="auto"]')?.getAttribute('title') ?? 'Contact';
  const incoming = platform === 'whatsapp' ? null : metaIncoming();
  const r = rng(seed);
  const out = {
    readMs: [] as number[],
    observerMs: [] as number[],
    endToEndMs: [] as number[],
    batchMessages: [] as number[],
    rowsParsed: [] as number[],
    rowsCompared: [] as number[],
  };
  for (let i = 0; i < reps; i++) {
    const row = incoming ? cloneMetaRow(incoming, sentence(r, i % 2 === 0)) : makeRow(sentence(r, i % 2 === 0), false, title, Date.now());
    const box = incoming ? incoming.parentElement! : container();
    const next = p.nextRead();
    const before = { ...p.runtime.stats };
    const t0 = performance.now();
    box.append(row);
    const read = await next;
    out.readMs.push(read.readMs);
    out.observerMs.push(read.observerMs);
    out.endToEndMs.push(read.sentAt - t0);
    out.batchMessages.push(read.messages);
    // What the read touched: rows parsed, snapshots compared with what was sent (per read, not per thread).
    out.rowsParsed.push(p.runtime.stats.rowsParsed - before.rowsParsed);
    out.rowsCompared.push(p.runtime.stats.comparisons - before.comparisons);
    await p.runtime.idle();
  }
  p.runtime.stop();
  return out;
}

/** The parts of one incremental read, timed alone (for the notes). */
function parts(reps: number): Record<string, number[]> {
  if (platform !== 'whatsapp') return metaParts(reps);
  const conv = whatsappAdapter.openConversation(document)!;
  const rows = whatsappAdapter.messageRows(document);
  const snaps = rows.map((row) => whatsappAdapter.parseMessageRow(row, conv)).filter((s) => s !== null);
  const last = snaps[snaps.length - 1]!;
  const out: Record<string, number[]> = { messageRows: [], signatures: [], compareOneRow: [], parseOneRow: [], chatList: [], health: [] };
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    whatsappAdapter.messageRows(document);
    out.messageRows!.push(performance.now() - t0);
    t0 = performance.now();
    for (const s of snaps) JSON.stringify(s);
    // What the runtime did before it compared only the rows a read parsed (for comparison).
    out.signatures!.push(performance.now() - t0);
    t0 = performance.now();
    void (JSON.stringify(last) === JSON.stringify({ ...last }));
    out.compareOneRow!.push(performance.now() - t0);
    t0 = performance.now();
    whatsappAdapter.parseMessageRow(rows[rows.length - 1]!, conv);
    out.parseOneRow!.push(performance.now() - t0);
    t0 = performance.now();
    whatsappAdapter.chatRows(document);
    out.chatList!.push(performance.now() - t0);
    t0 = performance.now();
    whatsappAdapter.health(document);
    out.health!.push(performance.now() - t0);
  }
  return out;
}

/** The parts of an incremental Meta read, timed alone: the row list, parsing the last row in its place, health, the open conversation. */
function metaParts(reps: number): Record<string, number[]> {
  const a = ADAPTER();
  const out: Record<string, number[]> = { messageRows: [], parseOneRow: [], health: [], openConversation: [] };
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    const rows = a.messageRows(document);
    out.messageRows!.push(performance.now() - t0);
    const conv = a.openConversation(document)!;
    t0 = performance.now();
    a.parseMessageRow(rows[rows.length - 1]!, conv, { rows, index: rows.length - 1, nodeChanged: true });
    out.parseOneRow!.push(performance.now() - t0);
    t0 = performance.now();
    a.health(document);
    out.health!.push(performance.now() - t0);
    t0 = performance.now();
    a.openConversation(document);
    out.openConversation!.push(performance.now() - t0);
  }
  return out;
}

/** A runtime kept running after its first read and acknowledged delivery (for the retained-heap figure). */
let held: RuntimeHandle | null = null;
async function holdRuntime(): Promise<number> {
  const p = probe();
  const read = await p.nextRead();
  await p.runtime.idle();
  held = p.runtime;
  return read.messages;
}
function releaseRuntime(): void {
  held?.stop();
  held = null;
}

const api = {
  setup,
  baseline,
  structuredWalk,
  fullScan,
  incremental,
  parts,
  holdRuntime,
  releaseRuntime,
  isolated: () => self.crossOriginIsolated,
};
export type ScrapeBench = typeof api;
(window as unknown as { __scrape: ScrapeBench }).__scrape = api;
