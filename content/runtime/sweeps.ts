// Sweep commands from the background: one sweep at a time (a second is refused 'busy'), queued
// behind any send so the two never act on the page at once, cancelled by its run id, and ended at
// once when the content script stops. The same run asked again (a restarted worker) is not run
// twice: a running one is acknowledged, an ended one has its final progress reported again.
import type { SendCommandReply, SweepProgress } from '../../lib/shared/protocol';
import { readSweepCancelCommand, readSweepCommand } from '../command';
import type { PageQueue } from './page-queue';
import { runSweep, type SweepDeps } from './sweep';
import { RunSignal, windowClock } from './sweep-wait';

/** Ended runs remembered for a re-sent command (the newest kept). */
const ENDED_KEPT = 8;

export interface SweepCommandDeps extends SweepDeps {
  queue: PageQueue;
  /** Whether the page can be read now (health ok, rows readable): else a sweep is refused. */
  ready(): boolean;
}

export interface SweepCommands {
  /** A 'sweep' or 'sweep-cancel' command: accepted (its progress is reported) or refused. */
  handle(raw: unknown): Promise<SendCommandReply>;
  /** The content script is done: a run ends now (its timers cleared). */
  stop(): void;
  /** The run in progress or waiting for the page, if any. */
  readonly active: { runId: string; done: Promise<SweepProgress> } | null;
}

const typeOf = (raw: unknown): unknown => (typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined);

export const isSweepCommand = (raw: unknown): boolean => typeOf(raw) === 'sweep' || typeOf(raw) === 'sweep-cancel';

export function createSweepCommands(deps: SweepCommandDeps): SweepCommands {
  let current: { runId: string; signal: RunSignal; done: Promise<SweepProgress> } | null = null;
  const ended = new Map<string, SweepProgress>();
  let stopped = false;

  function start(raw: unknown): SendCommandReply {
    const cmd = readSweepCommand(raw);
    if (!cmd) {
      deps.log('rejected a malformed sweep command');
      return { accepted: false, reason: 'invalid' };
    }
    if (current) return current.runId === cmd.runId ? { accepted: true } : { accepted: false, reason: 'busy' };
    const last = ended.get(cmd.runId);
    if (last) {
      deps.report(last);
      return { accepted: true };
    }
    if (cmd.kind !== 'chats' && !cmd.conversationNativeId) return { accepted: false, reason: 'invalid' };
    if (stopped || !deps.adapter.sweep || !deps.ready()) return { accepted: false, reason: 'not-ready' };
    const signal = new RunSignal(deps.clock ?? windowClock(deps.doc.defaultView!));
    const done = deps.queue
      .run(() => runSweep(cmd, deps, signal))
      .then((final) => {
        ended.set(cmd.runId, final);
        if (ended.size > ENDED_KEPT) ended.delete(ended.keys().next().value!);
        return final;
      })
      .finally(() => {
        if (current?.signal === signal) current = null;
      });
    current = { runId: cmd.runId, signal, done };
    return { accepted: true };
  }

  function cancel(raw: unknown): SendCommandReply {
    const cmd = readSweepCancelCommand(raw);
    if (!cmd) return { accepted: false, reason: 'invalid' };
    if (current?.runId !== cmd.runId) return { accepted: false, reason: ended.has(cmd.runId) ? 'ended' : 'unknown-run' };
    current.signal.stop('cancelled');
    return { accepted: true };
  }

  return {
    async handle(raw) {
      return typeOf(raw) === 'sweep-cancel' ? cancel(raw) : start(raw);
    },
    stop() {
      stopped = true;
      current?.signal.stop('tab-lost');
    },
    get active() {
      return current ? { runId: current.runId, done: current.done } : null;
    },
  };
}
