// Reads a send command from the background. The content script ships without the schema library
// (it would double the script's size), so this is the one shape it receives, checked by hand with
// the same rules as SendCommandSchema in lib/shared/protocol.ts; tests/unit/content/command.test.ts proves the two
// accept and refuse the same inputs.
import { LIMITS } from '../lib/shared/model';
import type { SendCommand } from '../lib/shared/protocol';

const KEYS = ['type', 'outboxId', 'conversationNativeId', 'conversationTitle', 'text', 'attemptStartedAt', 'checkEchoFirst'];

const isString = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;

export function readSendCommand(raw: unknown): SendCommand | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  // Strict: an unknown key means a sender we do not understand.
  if (Object.keys(o).some((k) => !KEYS.includes(k))) return null;
  if (o.type !== 'send') return null;
  if (!isString(o.outboxId, 1, LIMITS.nativeIdChars)) return null;
  if (!isString(o.conversationNativeId, 1, LIMITS.nativeIdChars)) return null;
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
