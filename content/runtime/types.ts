// The content runtime's boundary: how it talks to the background, its options, and what a caller
// (the entrypoint, tests, the bench) gets back.
import type { FromContent, SendCommandReply, SweepProgress } from '../../lib/shared/protocol';
import type { SweepDeps } from './sweep';
import type { SweepCommands } from './sweeps';

/** What the content script sends the background: page readings, send results, sweep progress. */
export type OutgoingMessage = FromContent | SweepProgress;

export interface Transport {
  /** Deliver to the background; resolves with its reply, rejects when it could not be reached. */
  send(message: OutgoingMessage): Promise<unknown>;
  /** Register the handler for commands from the background. */
  onCommand(handler: (command: unknown) => Promise<SendCommandReply>): void;
}

export interface RuntimeOptions {
  /** Injected into sweeps (tests, the bench): clock, randomness, scroll geometry, a per-step timer. */
  sweep?: Partial<Pick<SweepDeps, 'clock' | 'random' | 'boxOf' | 'onStepRead'>>;
  debounceMs?: number;
  maxWaitMs?: number;
  /**
   * Read in the task after the browser's next frame when the tab is rendered (default true), so the
   * parsers' style and geometry reads find layout done instead of forcing it.
   */
  readAfterFrame?: boolean;
  echoTimeoutMs?: number;
  log?: (...args: unknown[]) => void;
  /** Called as each read starts (the bench times a read from here to the batch it hands over). */
  onReadStart?: () => void;
  /** Thread rows a read parses per task (default READ_CHUNK_ROWS; tests set it small). */
  readChunkRows?: number;
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
  /** The sweep in progress, if any (tests and the bench wait for its end). */
  sweeps: Pick<SweepCommands, 'active'>;
}

export type Log = (...args: unknown[]) => void;
