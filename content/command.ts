// Reads the commands the background sends. The content script ships without the schema library
// (it would double the script's size), so these shapes are checked by hand with the same rules as
// SendCommandSchema, SweepCommandSchema and SweepCancelCommandSchema in lib/shared/protocol.ts;
// tests/unit/content/command.test.ts proves each pair accepts and refuses the same inputs.
import { LIMITS } from '../lib/shared/model';
import type { SendCommand, SweepCancelCommand, SweepCommand } from '../lib/shared/protocol';
import { SWEEP_KINDS, SWEEP_LOAD_WAIT_MS, SWEEP_STEP_DELAY_MS, type SweepKind } from '../lib/shared/sweep';

const SEND_KEYS = ['type', 'outboxId', 'conversationNativeId', 'conversationTitle', 'text', 'attemptStartedAt', 'checkEchoFirst'];
const SWEEP_KEYS = [
  'type',
  'runId',
  'kind',
  'conversationNativeId',
  'conversationTitle',
  'maxSteps',
  'targetMessages',
  'stepDelayMs',
  'loadWaitMs',
];
const CANCEL_KEYS = ['type', 'runId'];

const isString = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;

const isId = (v: unknown): v is string => isString(v, 1, LIMITS.nativeIdChars);

const isIntIn = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** A plain object with no key outside `keys` (strict: an unknown key means a sender we do not understand). */
function strictObject(raw: unknown, keys: readonly string[]): Record<string, unknown> | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  return Object.keys(o).some((k) => !keys.includes(k)) ? null : o;
}

export function readSendCommand(raw: unknown): SendCommand | null {
  const o = strictObject(raw, SEND_KEYS);
  if (!o || o.type !== 'send') return null;
  if (!isId(o.outboxId)) return null;
  if (!isId(o.conversationNativeId)) return null;
  if (!isString(o.conversationTitle, 0, LIMITS.titleChars)) return null;
  if (!isString(o.text, 1, LIMITS.outgoingChars)) return null;
  if (typeof o.attemptStartedAt !== 'number' || Number.isNaN(o.attemptStartedAt)) return null;
  if (typeof o.checkEchoFirst !== 'boolean') return null;
  return {
    type: 'send',
    outboxId: o.outboxId,
    conversationNativeId: o.conversationNativeId,
    conversationTitle: o.conversationTitle,
    text: o.text,
    attemptStartedAt: o.attemptStartedAt,
    checkEchoFirst: o.checkEchoFirst,
  };
}

export function readSweepCommand(raw: unknown): SweepCommand | null {
  const o = strictObject(raw, SWEEP_KEYS);
  if (!o || o.type !== 'sweep') return null;
  if (!isId(o.runId)) return null;
  if (!(SWEEP_KINDS as readonly unknown[]).includes(o.kind)) return null;
  // Optional keys: absent or undefined, as the schema's v.optional takes them.
  if (o.conversationNativeId !== undefined && !isId(o.conversationNativeId)) return null;
  if (o.conversationTitle !== undefined && !isString(o.conversationTitle, 0, LIMITS.titleChars)) return null;
  if (!isIntIn(o.maxSteps, 1, 1_000)) return null;
  if (o.targetMessages !== undefined && !isIntIn(o.targetMessages, 1, 10_000)) return null;
  if (o.stepDelayMs !== undefined && !isIntIn(o.stepDelayMs, 0, SWEEP_STEP_DELAY_MS.max)) return null;
  if (o.loadWaitMs !== undefined && !isIntIn(o.loadWaitMs, 100, SWEEP_LOAD_WAIT_MS)) return null;
  return {
    type: 'sweep',
    runId: o.runId,
    kind: o.kind as SweepKind,
    ...(o.conversationNativeId !== undefined ? { conversationNativeId: o.conversationNativeId } : {}),
    ...(o.conversationTitle !== undefined ? { conversationTitle: o.conversationTitle } : {}),
    maxSteps: o.maxSteps,
    ...(o.targetMessages !== undefined ? { targetMessages: o.targetMessages } : {}),
    ...(o.stepDelayMs !== undefined ? { stepDelayMs: o.stepDelayMs } : {}),
    ...(o.loadWaitMs !== undefined ? { loadWaitMs: o.loadWaitMs } : {}),
  };
}

export function readSweepCancelCommand(raw: unknown): SweepCancelCommand | null {
  const o = strictObject(raw, CANCEL_KEYS);
  if (!o || o.type !== 'sweep-cancel' || !isId(o.runId)) return null;
  return { type: 'sweep-cancel', runId: o.runId };
}
