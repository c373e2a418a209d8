// The shared content-script runtime: watches the page through the platform adapter, reports what
// changed to the background in acknowledged batches, and carries out send commands. Four parts,
// each with its own state: observing (observe.ts: mutations → dirty rows, URL changes), reading
// (parse.ts: row parse caches; read.ts: what changed since it was sent, health, batches),
// delivering (deliver.ts: queue, retries, idle), send commands (commands.ts) and sweeps
// (sweeps.ts, sweep.ts: reading what the page has not rendered, on the user's click; a send and a
// sweep share one page queue). This file wires them. Cost is proportional to what changed: only the rows that mutated are parsed again and
// compared with what was last delivered, and the chat list is read again only when something in
// it (or something unplaced) changed.
import type { PlatformAdapter } from '../adapter';
import { createCommands } from './commands';
import { createDelivery } from './deliver';
import { createWatch, dirtyRows } from './observe';
import { createPageQueue } from './page-queue';
import { createParse } from './parse';
import { createReader } from './read';
import { createSweepCommands, isSweepCommand } from './sweeps';
import type { RuntimeHandle, RuntimeOptions, RuntimeStats, Transport } from './types';

export type { OutgoingMessage, RuntimeHandle, RuntimeOptions, RuntimeStats, Transport } from './types';

/**
 * The most thread rows a read the page's changes set off parses in one task. A long thread's first
 * read goes in chunks: each is delivered as it is read and the page's own work runs between them
 * (at ~25 µs a row, 1,000 rows is one ~25 ms task, where 20,000 rows in one read held the page's
 * main thread for half a second). Reads a sweep or a send makes are whole.
 */
export const READ_CHUNK_ROWS = 1_000;

export function startContentRuntime(
  adapter: PlatformAdapter,
  doc: Document,
  transport: Transport,
  opts: RuntimeOptions = {},
): RuntimeHandle {
  const log = opts.log ?? ((...a: unknown[]) => console.debug('[unified-inbox]', ...a));
  const stats: RuntimeStats = { batches: 0, rowsParsed: 0, flushes: 0, comparisons: 0, chatReads: 0 };
  let stopped = false;
  const isStopped = () => stopped;

  const dirty = dirtyRows();
  const watch = createWatch(
    adapter,
    doc,
    dirty,
    {
      debounceMs: opts.debounceMs ?? 100,
      maxWaitMs: opts.maxWaitMs ?? 500,
      afterFrame: opts.readAfterFrame ?? true,
    },
    () => read(opts.readChunkRows ?? READ_CHUNK_ROWS),
  );
  const readSoon = () => watch.schedule();
  const parse = createParse(adapter, doc, dirty, stats, readSoon);
  const delivery = createDelivery({
    transport,
    log,
    stats,
    isStopped,
    readPending: watch.pending,
    onOverflow: () => {
      reader.forgetAll();
      readSoon();
    },
  });
  const { enqueue } = delivery;
  const queue = createPageQueue();
  const commands = createCommands({
    queue,
    adapter,
    doc,
    log,
    echoTimeoutMs: opts.echoTimeoutMs,
    dirty,
    parse,
    enqueue,
    readSoon,
    readIfPending: () => {
      if (watch.pending()) read();
    },
    catchUp: () => {
      if (watch.takeRecords() || watch.pending() || dirty.messages.size || watch.urlMoved()) read();
    },
    isStopped,
  });
  const reader = createReader({ adapter, doc, parse, dirty, stats, log, readSoon, enqueue, noteMessage: commands.noteOutgoing });
  const sweeps = createSweepCommands({
    adapter,
    doc,
    log,
    queue,
    ready: () => !stopped && adapter.health(doc).state === 'ok' && !parse.readability.verdict(),
    // Everything observed is taken first, so the read sees the window the page shows now.
    readNow: () => {
      watch.takeRecords();
      read();
    },
    seenChats: () => parse.lastChats,
    seenThread: () => {
      const t = parse.lastThread;
      return t
        ? { conversationId: t.conversation.nativeId, messages: t.messages.map((m, i) => ({ id: m.nativeId, row: t.rows[i]! })) }
        : null;
    },
    setChatRank: (rank) => (parse.chatRank = rank),
    unreadable: () => parse.readability.verdict(),
    backlog: delivery.backlog,
    report: enqueue,
    ...opts.sweep,
  });

  /**
   * One read now (the scheduled one, or on demand: the scheduled one is then dropped), parsing at
   * most `budget` thread rows; when it stops there, the next chunk is read in a following task.
   */
  function read(budget = Infinity): void {
    watch.cancel();
    if (stopped) return;
    opts.onReadStart?.();
    stats.flushes++;
    const { url, changed } = watch.takeUrl();
    if (reader.read(url, changed, budget)) watch.resume();
    delivery.settle();
  }

  transport.onCommand((raw) => (isSweepCommand(raw) ? sweeps.handle(raw) : commands.handle(raw)));
  watch.start();
  enqueue({ type: 'hello', platform: adapter.platform });
  readSoon();

  return {
    stats,
    idle: delivery.idle,
    stop() {
      stopped = true;
      sweeps.stop();
      watch.stop();
    },
    sweeps,
  };
}
