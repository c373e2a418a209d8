// The content runtime's boundary: how it talks to the background, its options, and what a caller
// (the entrypoint, tests, the bench) gets back.
import type { FromContent, SendCommandReply } from '../../lib/shared/protocol';

export interface Transport {
  /** Deliver to the background; resolves with its reply, rejects when it could not be reached. */
  send(message: FromContent): Promise<unknown>;
  /** Register the handler for commands from the background. */
  onCommand(handler: (command: unknown) => Promise<SendCommandReply>): void;
}

export interface RuntimeOptions {
  debounceMs?: number;
  maxWaitMs?: number;
  echoTimeoutMs?: number;
  log?: (...args: unknown[]) => void;
}

/**
 * Counters for tests and benchmarks: batches queued, rows parsed, reads, message snapshots compared
 * with what was sent, and chat-list reads.
 */
export interface RuntimeStats {
  batches: number;
  rowsParsed: number;
  flushes: number;
  comparisons: number;
  chatReads: number;
}

export interface RuntimeHandle {
  /** Resolves once everything observed so far has been acknowledged by the background. */
  idle(): Promise<void>;
  stop(): void;
  stats: RuntimeStats;
}

export type Log = (...args: unknown[]) => void;
