// The content script's hand-written command reader must agree with the background's schema.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readSendCommand } from '../../../content/command';
import { LIMITS } from '../../../lib/shared/model';
import { parse, SendCommandSchema } from '../../../lib/shared/protocol';

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
