// The content script's hand-written command readers must agree with the background's schemas.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readSendCommand, readSweepCancelCommand, readSweepCommand } from '../../../content/command';
import { LIMITS } from '../../../lib/shared/model';
import { parse, SendCommandSchema, SweepCancelCommandSchema, SweepCommandSchema } from '../../../lib/shared/protocol';

const good = {
  type: 'send',
  outboxId: 'o1',
  conversationNativeId: 'Budi Santoso',
  conversationTitle: 'Budi Santoso',
  text: 'Halo',
  attemptStartedAt: 1_700_000_000_000,
  checkEchoFirst: false,
};

const agree = (input: unknown) => {
  const schema = parse(SendCommandSchema, input);
  const mine = readSendCommand(input);
  expect(mine !== null).toBe(schema.ok);
  if (schema.ok) expect(mine).toEqual(schema.value);
};

describe('readSendCommand', () => {
  test('accepts a good command and returns a clean copy', () => {
    const cmd = readSendCommand({ ...good });
    expect(cmd).toEqual(good);
    agree(good);
  });

  test('refuses what the schema refuses, at the edges', () => {
    const cases: unknown[] = [
      null,
      'send',
      [],
      { ...good, type: 'ingest' },
      { ...good, extra: 1 },
      { ...good, outboxId: '' },
      { ...good, text: '' },
      { ...good, text: 'x'.repeat(LIMITS.outgoingChars) },
      { ...good, text: 'x'.repeat(LIMITS.outgoingChars + 1) },
      { ...good, conversationTitle: '' },
      { ...good, conversationNativeId: 'x'.repeat(LIMITS.nativeIdChars + 1) },
      { ...good, attemptStartedAt: Number.NaN },
      { ...good, attemptStartedAt: Number.POSITIVE_INFINITY },
      { ...good, attemptStartedAt: '1' },
      { ...good, checkEchoFirst: 'yes' },
      (({ checkEchoFirst: _, ...rest }) => rest)(good),
    ];
    for (const c of cases) agree(c);
    expect(readSendCommand({ ...good, extra: 1 })).toBeNull();
  });

  test('agrees with the schema on random mutations', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(fc.nat(), { maxLength: 2 }),
    );
    const key = fc.constantFrom(...Object.keys(good), 'other');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value, fc.boolean()), { maxLength: 4 }), (edits) => {
        const o: Record<string, unknown> = { ...good };
        for (const [k, v, remove] of edits) {
          if (remove) delete o[k];
          else o[k] = v;
        }
        agree(o);
      }),
      { numRuns: 500 },
    );
  });
});

const goodSweep = {
  type: 'sweep',
  runId: 'r1',
  kind: 'older',
  conversationNativeId: 'Budi Santoso',
  conversationTitle: 'Budi Santoso',
  maxSteps: 120,
  targetMessages: 200,
};

const agreeSweep = (input: unknown) => {
  const schema = parse(SweepCommandSchema, input);
  const mine = readSweepCommand(input);
  expect(mine !== null).toBe(schema.ok);
  if (schema.ok) expect(mine).toEqual(schema.value);
};

const agreeCancel = (input: unknown) => {
  const schema = parse(SweepCancelCommandSchema, input);
  const mine = readSweepCancelCommand(input);
  expect(mine !== null).toBe(schema.ok);
  if (schema.ok) expect(mine).toEqual(schema.value);
};

describe('readSweepCommand and readSweepCancelCommand', () => {
  test('accept good commands and return clean copies', () => {
    expect(readSweepCommand({ ...goodSweep })).toEqual(goodSweep);
    const chats = { type: 'sweep', runId: 'r2', kind: 'chats', maxSteps: 600 };
    expect(readSweepCommand(chats)).toEqual(chats);
    expect(Object.keys(readSweepCommand(chats)!)).toEqual(['type', 'runId', 'kind', 'maxSteps']);
    expect(readSweepCancelCommand({ type: 'sweep-cancel', runId: 'r1' })).toEqual({ type: 'sweep-cancel', runId: 'r1' });
    agreeSweep(goodSweep);
    agreeSweep(chats);
  });

  test('refuse what the schemas refuse, at the edges', () => {
    const without = (k: keyof typeof goodSweep) => {
      const o: Record<string, unknown> = { ...goodSweep };
      delete o[k];
      return o;
    };
    const cases: unknown[] = [
      null,
      'sweep',
      [],
      { ...goodSweep, type: 'send' },
      { ...goodSweep, extra: 1 },
      { ...goodSweep, runId: '' },
      { ...goodSweep, runId: 'x'.repeat(LIMITS.nativeIdChars) },
      { ...goodSweep, runId: 'x'.repeat(LIMITS.nativeIdChars + 1) },
      { ...goodSweep, kind: 'everything' },
      { ...goodSweep, kind: 'chat' },
      { ...goodSweep, kind: 'chats' },
      { ...goodSweep, conversationNativeId: '' },
      { ...goodSweep, conversationNativeId: undefined },
      { ...goodSweep, conversationTitle: '' },
      { ...goodSweep, conversationTitle: 'x'.repeat(LIMITS.titleChars + 1) },
      { ...goodSweep, conversationTitle: undefined },
      { ...goodSweep, maxSteps: 0 },
      { ...goodSweep, maxSteps: 1 },
      { ...goodSweep, maxSteps: 1_000 },
      { ...goodSweep, maxSteps: 1_001 },
      { ...goodSweep, maxSteps: 1.5 },
      { ...goodSweep, maxSteps: Number.NaN },
      { ...goodSweep, maxSteps: Number.POSITIVE_INFINITY },
      { ...goodSweep, maxSteps: '5' },
      { ...goodSweep, targetMessages: 0 },
      { ...goodSweep, targetMessages: 10_000 },
      { ...goodSweep, targetMessages: 10_001 },
      { ...goodSweep, targetMessages: undefined },
      { ...goodSweep, targetMessages: null },
      { ...goodSweep, stepDelayMs: 0 },
      { ...goodSweep, stepDelayMs: 1_200 },
      { ...goodSweep, stepDelayMs: 1_201 },
      { ...goodSweep, stepDelayMs: -1 },
      { ...goodSweep, stepDelayMs: 2.5 },
      { ...goodSweep, loadWaitMs: 99 },
      { ...goodSweep, loadWaitMs: 100 },
      { ...goodSweep, loadWaitMs: 8_000 },
      { ...goodSweep, loadWaitMs: 8_001 },
      without('maxSteps'),
      without('runId'),
      without('targetMessages'),
      without('conversationNativeId'),
    ];
    for (const c of cases) agreeSweep(c);
    expect(readSweepCommand({ ...goodSweep, extra: 1 })).toBeNull();
    expect(readSweepCommand({ ...goodSweep, maxSteps: 1_001 })).toBeNull();

    const cancels: unknown[] = [
      null,
      { type: 'sweep-cancel' },
      { type: 'sweep-cancel', runId: '' },
      { type: 'sweep-cancel', runId: 'r', extra: true },
      { type: 'sweep', runId: 'r' },
      { type: 'sweep-cancel', runId: 5 },
      { type: 'sweep-cancel', runId: 'x'.repeat(LIMITS.nativeIdChars + 1) },
    ];
    for (const c of cancels) agreeCancel(c);
    expect(readSweepCancelCommand({ type: 'sweep-cancel' })).toBeNull();
  });

  test('agree with the schemas on random mutations', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('chats', 'older', 'chat', 'sweep', 'sweep-cancel'),
      fc.integer({ min: -2, max: 12_000 }),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(fc.nat(), { maxLength: 2 }),
    );
    const key = fc.constantFrom(...Object.keys(goodSweep), 'other');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value, fc.boolean()), { maxLength: 4 }), fc.boolean(), (edits, cancel) => {
        const o: Record<string, unknown> = cancel ? { type: 'sweep-cancel', runId: 'r1' } : { ...goodSweep };
        for (const [k, v, remove] of edits) {
          if (remove) delete o[k];
          else o[k] = v;
        }
        agreeSweep(o);
        agreeCancel(o);
      }),
      { numRuns: 1_000 },
    );
  });
});
