// Sweep benchmark, injected into a fixture app in long mode (?long=1: 2,000 chats, 5,000-message
// threads, async batches behind a spinner, recycled rows), served by bench/sweep.ts at a bench
// origin no content script matches. It runs the real content runtime with the real adapter and
// hands it a sweep command as the background would; the person's pause between steps is 0 (the
// command's stepDelayMs, the engine's test pacing); the rest (waiting for the page to settle,
// bounded) is as shipped.
// Per step it records the runtime's read (onStepRead: parse, compare, queue; no waiting) and, on the
// same rendered rows right after it, a bare walk (querySelectorAll + textContent) as the baseline.
import { startContentRuntime, type OutgoingMessage, type Transport } from '../../content/runtime';
import { whatsappAdapter } from '../../content/whatsapp/adapter';
import { instagramAdapter } from '../../content/instagram/adapter';
import { messengerAdapter } from '../../content/messenger/adapter';
import type { PlatformAdapter } from '../../content/adapter';
import type { SendCommandReply, SweepProgress } from '../../lib/shared/protocol';

type Platform = 'whatsapp' | 'instagram' | 'messenger';
type Kind = 'chats' | 'older';
const ADAPTERS: Record<Platform, PlatformAdapter> = { whatsapp: whatsappAdapter, instagram: instagramAdapter, messenger: messengerAdapter };

/** The rows a bare walk takes inside the list's / thread's scroller: plain role and data-* selectors, no parsing. */
const BARE: Record<Platform, { chats: string; thread: string }> = {
  whatsapp: { chats: '[role="row"], [role="listitem"]', thread: '[role="row"]' },
  instagram: { chats: 'a[href*="/direct/t/"], div[role="button"][tabindex="0"]', thread: 'div[data-scope="messages_table"]' },
  messenger: { chats: '[role="row"]', thread: '[role="row"]' },
};

export interface SweepRun {
  final: SweepProgress;
  /** Command → final progress (includes putting the list back), minus the bench's own probes. */
  totalMs: number;
  /** Command → the last 'running' progress (the steps themselves), minus the probes. */
  stepsMs: number;
  /** Each step's read (the runtime's, no waiting). */
  readMs: number[];
  /** The bare walk of the same rendered rows, right after each read. */
  bareMs: number[];
  /** Rows the bare walk found, and rows the adapter finds, per step (both should match). */
  bareRows: number[];
  adapterRows: number[];
  /** Distinct chats (chats) or messages (older) sent to the background during the run. */
  distinct: number;
  /** Ingest batches sent. */
  batches: number;
  /** Before the run: what the page rendered (rows) and, for older, what was shown already. */
  before: { chats: number; messages: number };
  target: { nativeId: string; title: string } | null;
  crossOriginIsolated: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(platform: Platform, kind: Kind, targetMessages: number): Promise<SweepRun> {
  const real = ADAPTERS[platform];
  const surfaces = real.sweep;
  if (!surfaces) throw new Error(`${platform}: no sweep surfaces`);
  const where = kind === 'chats' ? 'chats' : 'thread';
  const readMs: number[] = [];
  const bareMs: number[] = [];
  const bareRows: number[] = [];
  const adapterRows: number[] = [];
  let probeMs = 0;
  const onStepRead = (ms: number) => {
    const p0 = performance.now();
    readMs.push(ms);
    const region = where === 'chats' ? surfaces.chatListScroller(document) : surfaces.threadScroller(document);
    if (region) {
      const t0 = performance.now();
      const rows = region.querySelectorAll(BARE[platform][where]);
      let chars = 0;
      for (const r of Array.from(rows)) chars += (r.textContent ?? '').length;
      bareMs.push(performance.now() - t0);
      if (chars === 0 && rows.length > 0) throw new Error('rows without text');
      bareRows.push(rows.length);
      adapterRows.push((where === 'chats' ? real.chatRows(document) : real.messageRows(document)).length);
    }
    probeMs += performance.now() - p0;
  };

  const chats = new Set<string>();
  const messages = new Set<string>();
  let batches = 0;
  let lastRunningAt = 0;
  let handler: ((raw: unknown) => Promise<SendCommandReply>) | null = null;
  const transport: Transport = {
    send(m: OutgoingMessage) {
      if (m.type === 'ingest') {
        batches++;
        for (const c of m.conversations) chats.add(c.nativeId);
        for (const x of m.thread?.messages ?? []) messages.add(x.nativeId);
        return Promise.resolve({ ok: true, batchId: m.batchId });
      }
      if (m.type === 'sweep-progress' && m.state === 'running') {
        lastRunningAt = performance.now();
        // A heartbeat for the driver's log (a run takes minutes).
        if (m.steps % 50 === 0) console.log(`[sweep] ${platform} ${kind}: step ${m.steps}, ${m.found} found`);
      }
      return Promise.resolve({ ok: true });
    },
    onCommand: (h) => (handler = h),
  };
  // isActiveUrl says yes for the bench origin; everything else is the shipped adapter.
  const adapter: PlatformAdapter = { ...real, isActiveUrl: () => true };
  const runtime = startContentRuntime(adapter, document, transport, {
    log: () => {},
    sweep: { onStepRead },
  });
  try {
    await sleep(300); // the runtime's first read of the page as it opened
    await runtime.idle();
    // The long thread: the one open (WhatsApp opens on it), else the list's first chat (Instagram, Messenger).
    // Recycled rows are positioned, not ordered in the DOM: the list's first is the top-most.
    const first = real.chatRows(document).sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0];
    const parsed = real.openConversation(document) ?? (first ? real.parseChatRow(first) : null);
    const target = parsed ? { nativeId: parsed.nativeId, title: parsed.title } : null;
    const before = { chats: chats.size, messages: messages.size };
    readMs.length = bareMs.length = bareRows.length = adapterRows.length = 0;
    probeMs = 0;
    chats.clear();
    messages.clear();
    batches = 0;
    const cmd =
      kind === 'chats'
        ? { type: 'sweep', runId: `bench-${platform}-chats`, kind, maxSteps: 1_000, stepDelayMs: 0 }
        : {
            type: 'sweep',
            runId: `bench-${platform}-older`,
            kind,
            maxSteps: 1_000,
            stepDelayMs: 0,
            targetMessages,
            conversationNativeId: target?.nativeId,
            conversationTitle: target?.title,
          };
    const t0 = performance.now();
    const reply = await handler!(cmd);
    if (!reply.accepted) throw new Error(`${platform} ${kind}: sweep refused: ${JSON.stringify(reply)}`);
    const final = await runtime.sweeps.active!.done;
    const end = performance.now();
    await runtime.idle();
    return {
      final,
      totalMs: end - t0 - probeMs,
      stepsMs: (lastRunningAt || end) - t0 - probeMs,
      readMs,
      bareMs,
      bareRows,
      adapterRows,
      distinct: kind === 'chats' ? chats.size : messages.size,
      batches,
      before,
      target,
      crossOriginIsolated: self.crossOriginIsolated,
    };
  } finally {
    runtime.stop();
  }
}

const api = { run };
export type SweepBench = typeof api;
(window as unknown as { __sweep: SweepBench }).__sweep = api;
