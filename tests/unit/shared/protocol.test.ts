// Runtime messages are untrusted: whatever a page (or a forged message) sends, the schemas admit
// only well-formed, size-capped values.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../../lib/shared/model';
import { FromContentSchema, FromExtensionPageSchema, IngestSchema, parse, SendCommandSchema } from '../../../lib/shared/protocol';

const goodMessage = {
  nativeId: 'ABC',
  sender: { name: 'Budi', isSelf: false },
  text: 'Halo',
  sentAt: 1_700_000_000_000,
  timePrecision: 'minute',
  status: 'received',
  attachments: [],
  quote: null,
  system: false,
  truncated: false,
};
const goodIngest = {
  type: 'ingest',
  platform: 'whatsapp',
  batchId: 'r-1',
  health: { state: 'ok' },
  conversations: [],
  thread: { conversation: { nativeId: 'Budi', title: 'Budi', isGroup: false }, messages: [goodMessage] },
};

describe('schemas', () => {
  test('a well-formed batch passes, with 100,000-character, HTML-looking and RTL text intact', () => {
    for (const text of ['x'.repeat(100_000), '<img src=x onerror=alert(1)>', 'שלום עולם', '👋🏽🇮🇩']) {
      const r = parse(IngestSchema, { ...goodIngest, thread: { ...goodIngest.thread, messages: [{ ...goodMessage, text }] } });
      expect(r.ok && r.value.thread!.messages[0]!.text).toBe(text);
    }
  });

  test('unknown types, extra fields, wrong types and oversize values are rejected with a reason', () => {
    const cases: unknown[] = [
      null,
      'ingest',
      { type: 'drop-table' },
      { ...goodIngest, extra: 1 },
      { ...goodIngest, platform: 'telegram' },
      { ...goodIngest, batchId: '' },
      { ...goodIngest, health: { state: 'pwned' } },
      { ...goodIngest, thread: { ...goodIngest.thread, messages: [{ ...goodMessage, nativeId: 'x'.repeat(LIMITS.nativeIdChars + 1) }] } },
      { ...goodIngest, thread: { ...goodIngest.thread, messages: [{ ...goodMessage, text: 'x'.repeat(LIMITS.textChars + 1) }] } },
      { ...goodIngest, thread: { ...goodIngest.thread, messages: [{ ...goodMessage, sentAt: Number.NaN }] } },
      { ...goodIngest, thread: { ...goodIngest.thread, messages: Array(LIMITS.messagesPerBatch + 1).fill(goodMessage) } },
      { ...goodIngest, thread: { ...goodIngest.thread, messages: [{ ...goodMessage, sender: { name: 'x', isSelf: 'yes' } }] } },
    ];
    for (const c of cases) {
      const r = parse(FromContentSchema, c);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
    }
  });

  test('fuzz: random values never pass as a content message, a page message or a command', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        expect(parse(FromContentSchema, junk).ok).toBe(false);
        expect(parse(FromExtensionPageSchema, junk).ok).toBe(false);
        expect(parse(SendCommandSchema, junk).ok).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  test('fuzz: mutating one field of a good batch to a random value is either still valid or rejected, never thrown', () => {
    const keys = Object.keys(goodMessage) as (keyof typeof goodMessage)[];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), (key, value) => {
        const m = { ...goodMessage, [key]: value };
        const r = parse(IngestSchema, { ...goodIngest, thread: { ...goodIngest.thread, messages: [m] } });
        if (r.ok) expect(r.value.thread!.messages[0]![key]).toEqual(value);
      }),
      { numRuns: 2_000 },
    );
  });
});
