// "Read all chats", "Load older messages" and "Read this chat": the contract between the pages, the
// worker and the content script for reading what the page has not rendered yet. Runs anywhere.
//
// Flow: a page asks the worker (`sweep-start`, on the user's click only) → the worker records a
// SweepRecord (state 'running') and sends one SweepCommand to the platform's tab → the content script
// scrolls in human-paced steps; what each window shows reaches the store through the normal ingest
// path; after each step it reports SweepProgress → the worker updates the record; pages show it live
// from the store. Only one sweep runs at a time across all platforms ("Read all" runs the platforms
// one after another). Cancel, the user touching the page, navigation, the end of the list, the step
// cap, a stalled page or a lost tab end it; nothing resumes it later.
import type { Platform } from './model';

/** 'chats': the whole chat list. 'older': older messages of one conversation. 'chat': open one conversation and read it. */
export const SWEEP_KINDS = ['chats', 'older', 'chat'] as const;
export type SweepKind = (typeof SWEEP_KINDS)[number];

/** A run's state. 'running' is the only non-final one. */
export const SWEEP_STATES = ['running', 'done', 'cancelled', 'stopped', 'interrupted', 'failed'] as const;
export type SweepState = (typeof SWEEP_STATES)[number];

/**
 * Why a run ended (or why it was refused). 'end': the list's bottom (chats) or the 200 messages
 * arrived (older); 'start-of-conversation': nothing older exists; 'user-input': the user scrolled,
 * clicked or typed in the page; 'navigation': the page left the list/thread it was reading;
 * 'step-cap': the hard cap on steps; 'no-progress': the page stopped producing rows before an end
 * was seen; 'tab-lost': the tab closed or reloaded, or the worker lost it; 'busy': another run is
 * active; 'no-tab': the platform has no tab; 'not-ready': the page is not readable (logged out,
 * layout not recognised); 'chat-not-found' / 'ambiguous-target': the conversation could not be
 * opened (as for a send); 'opening-chats-off': the user chose "Never open chats for me".
 */
export const SWEEP_REASONS = [
  'end',
  'start-of-conversation',
  'cancelled',
  'user-input',
  'navigation',
  'step-cap',
  'no-progress',
  'tab-lost',
  'busy',
  'no-tab',
  'not-ready',
  'chat-not-found',
  'ambiguous-target',
  'opening-chats-off',
] as const;
export type SweepReason = (typeof SWEEP_REASONS)[number];

/** Human pacing between two scroll steps (ms), drawn uniformly each step. */
export const SWEEP_STEP_DELAY_MS = { min: 400, max: 1_200 } as const;
/** Hard caps on steps per run (a step is one scroll of about a screen). */
export const SWEEP_MAX_STEPS: Record<SweepKind, number> = { chats: 600, older: 320, chat: 200 };
/** "Load older messages" stops after this many older messages arrived. */
export const OLDER_MESSAGES_PER_RUN = 200;
/** How long one step waits for the page to load more (spinner, then rows) before counting a stall. */
export const SWEEP_LOAD_WAIT_MS = 8_000;
/** Consecutive steps without a new row before the run ends as 'end' (at the bottom/top) or 'no-progress'. */
export const SWEEP_STALL_STEPS = 3;

/** The worker's record of the latest run per platform, in the store's `meta` table under `sweepKey(platform)`. */
export interface SweepRecord {
  platform: Platform;
  runId: string;
  kind: SweepKind;
  /** For 'older' and 'chat': the conversation's store id. */
  conversationId?: string;
  state: SweepState;
  reason?: SweepReason;
  /** Steps taken so far. */
  steps: number;
  /** Distinct chats (kind 'chats') or messages (kind 'older'/'chat') read so far in this run. */
  found: number;
  startedAt: number;
  /** Last progress heard; a 'running' record not updated for SWEEP_SILENCE_MS is shown as interrupted. */
  updatedAt: number;
  endedAt?: number;
}

/** A running record silent this long is treated as interrupted (a step plus its load wait, with margin). */
export const SWEEP_SILENCE_MS = SWEEP_STEP_DELAY_MS.max + SWEEP_LOAD_WAIT_MS + 5_000;

export const sweepKey = (platform: Platform) => `sweep:${platform}`;
/** Meta key: when the platform's whole chat list was last read to its end (epoch ms). */
export const chatsReadKey = (platform: Platform) => `chats-read:${platform}`;

/**
 * Browser tests' pacing (tests/e2e/sweep.e2e.ts): a fixed step delay, a shorter load wait and a
 * lower step cap, so a 2,000-chat run or a step-cap run fits a test's time. Read by the worker from
 * `browser.storage.local` under this key, which only the extension's own contexts can write (never
 * a web page, never a content script's page); the worker puts it into the SweepCommand it sends.
 * It can only make a run shorter or its steps faster than a test needs, never longer or unbounded.
 */
export const SWEEP_TEST_PACING_KEY = 'test:sweep-pacing';
export interface SweepTestPacing {
  /** Fixed delay between steps (ms), 0 to SWEEP_STEP_DELAY_MS.max. */
  stepDelayMs?: number;
  /** Load wait per step (ms), 100 to SWEEP_LOAD_WAIT_MS. */
  loadWaitMs?: number;
  /** Step cap, at most SWEEP_MAX_STEPS of the kind. */
  maxSteps?: number;
}
