// Send commands from the background: one send at a time (each waits for its echo, and a sweep
// never acts on the page meanwhile: both go through one PageQueue), a reply asked for again is
// never posted twice, and a retry after a failure first looks for an earlier echo among
// the outgoing bubbles this page has shown (outgoingSeen).
import type { MessageSnapshot } from '../../lib/shared/model';
import type { FromContent, SendCommand, SendCommandReply, SendResult } from '../../lib/shared/protocol';
import type { PlatformAdapter } from '../adapter';
import { readSendCommand } from '../command';
import { performSend, timeLabelSpanMs } from '../send';
import type { DirtyRows } from './observe';
import type { PageParse } from './parse';
import type { PageQueue } from './page-queue';
import type { Log } from './types';

/** Outgoing bubbles remembered for echo checks (the oldest forgotten first). */
const MAX_OUTGOING_SEEN = 500;

export interface CommandDeps {
  adapter: PlatformAdapter;
  doc: Document;
  log: Log;
  echoTimeoutMs?: number;
  dirty: DirtyRows;
  parse: PageParse;
  enqueue(message: FromContent): void;
  /** Ask for a read soon (the echo bubble is reported promptly). */
  readSoon(): void;
  /** Read now if a read is scheduled (a command can arrive before the page was first read). */
  readIfPending(): void;
  /** Note pending mutations and read now if anything changed since the last read. */
  catchUp(): void;
  isStopped(): boolean;
  /** Page actions one after another (sweeps share it). */
  queue: PageQueue;
}

export interface SendCommands {
  /** Outgoing bubbles this page has shown and when: lets a retried send find its earlier echo. */
  readonly outgoingSeen: Map<string, { text: string; firstSeen: number }>;
  /** Remember an outgoing bubble the first time it is read (see outgoingSeen). */
  noteOutgoing(m: MessageSnapshot, now: number): void;
  /** One command from the background: accepted (its result is queued later) or refused. */
  handle(raw: unknown): Promise<SendCommandReply>;
}

export function createCommands(deps: CommandDeps): SendCommands {
  const { adapter, doc, log, dirty, parse } = deps;
  const outgoingSeen = new Map<string, { text: string; firstSeen: number }>();
  const sends = new Map<string, Promise<SendResult>>();
  const failedSends = new Set<string>();

  /**
   * The open thread's outgoing messages as the page shows them now, from the parse cache: pending
   * mutations are taken and read first (a normal read, so what changed is reported too). Null when
   * the last read did not read the thread (not ready, none open, title unreadable).
   */
  function outgoingNow(): MessageSnapshot[] | null {
    if (deps.isStopped()) return null;
    deps.catchUp();
    const t = parse.lastThread;
    if (!t) return null;
    const touched = dirty.sendTouched;
    const out = t.messages.filter((m, i) => m.sender.isSelf && !m.system && !touched?.has(t.rows[i]!));
    touched?.forEach((row) => {
      const index = parse.lastRows.indexOf(row);
      if (index < 0) return;
      const m = adapter.parseMessageRow(row, t.conversation, { rows: parse.lastRows, index, nodeChanged: true });
      if (m && m.sender.isSelf && !m.system) out.push(m);
    });
    return out;
  }

  function post(cmd: SendCommand): Promise<SendResult> {
    // A re-dispatch right after a (re)load can arrive before the page was first read: read it now,
    // so the echo check sees every outgoing bubble the page shows and never posts a second time.
    if (cmd.checkEchoFirst) deps.readIfPending();
    dirty.sendTouched = new Set();
    return performSend(adapter, doc, cmd, { echoTimeoutMs: deps.echoTimeoutMs, outgoingSeen, outgoing: outgoingNow }).finally(() => {
      dirty.sendTouched = null;
    });
  }

  return {
    outgoingSeen,

    noteOutgoing(m, now) {
      // A bubble the app marked "Not sent" was never posted: no later attempt may take it for one.
      if (!m.sender.isSelf || m.status === 'failed' || outgoingSeen.has(m.nativeId)) return;
      // A bubble already there when the page (re)loaded, or loaded from history, is not new: its
      // own time bounds when it appeared, so an older reply with the same text is never taken
      // for the echo of a post still to be made.
      const span = timeLabelSpanMs(m.timePrecision);
      const firstSeen = m.sentAt !== null && span !== null ? Math.min(now, m.sentAt + span) : now;
      outgoingSeen.set(m.nativeId, { text: m.text, firstSeen });
      if (outgoingSeen.size > MAX_OUTGOING_SEEN) outgoingSeen.delete(outgoingSeen.keys().next().value!);
    },

    async handle(raw) {
      const cmd: SendCommand | null = readSendCommand(raw);
      if (!cmd) {
        log('rejected a malformed command');
        return { accepted: false, reason: 'invalid' };
      }
      const known = sends.get(cmd.outboxId);
      if (known && !failedSends.has(cmd.outboxId)) {
        // The same reply asked again while posting or after it was posted (worker restarted):
        // report the verdict again, never post twice.
        void known.then((result) => deps.enqueue(result));
        return { accepted: true };
      }
      // Asked again after this page reported a failure: the user pressed Retry (the background asks
      // nothing else of a failed reply), so this is a new attempt; it checks for an echo first.
      failedSends.delete(cmd.outboxId);
      // Not into a page whose rows cannot be read either: the echo check could not see the post.
      if (adapter.health(doc).state !== 'ok' || parse.readability.verdict()) return { accepted: false, reason: 'not-ready' };
      const result = deps.queue
        .run(() => post(cmd))
        .catch((e): SendResult => ({
          type: 'send-result',
          platform: adapter.platform,
          outboxId: cmd.outboxId,
          ok: false,
          reason: 'composer-rejected',
          detail: String(e).slice(0, 500),
        }));
      sends.set(cmd.outboxId, result);
      void result.then((r) => {
        if (!r.ok) failedSends.add(cmd.outboxId);
        deps.enqueue(r);
        deps.readSoon(); // report the echo bubble promptly too
      });
      return { accepted: true };
    },
  };
}
