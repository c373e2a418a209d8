import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope, type Envelope, MAX_CIPHERTEXT_BYTES, parseEnvelope } from '../../../lib/crypto/envelope';
import { randomBytes, toHex } from '../../../lib/crypto/primitives';

const message = () => ({ sessionId: randomBytes(8), header: randomBytes(40), ciphertext: randomBytes(40) });
const samples: Envelope[] = [
  {
    type: 'invite',
    invite: { version: 1, identityKey: randomBytes(32), prekeyId: 0xfedcba98, signedPrekey: randomBytes(32), signature: randomBytes(64) },
  },
  {
    type: 'init-message',
    init: { version: 1, initiatorIdentityKey: randomBytes(32), ephemeralKey: randomBytes(32), prekeyId: 7 },
    message: message(),
  },
  { type: 'message', message: message() },
];

function canonical(e: Envelope): string {
  return JSON.stringify(e, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v));
}

describe('envelope', () => {
  it('round-trips every type', () => {
    for (const e of samples) {
      const parsed = parseEnvelope(encodeEnvelope(e));
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(canonical(parsed.envelope)).toBe(canonical(e));
    }
  });

  it('has the documented sizes', () => {
    expect(encodeEnvelope(samples[0]!).length).toBe(2 + 32 + 4 + 32 + 64);
    expect(encodeEnvelope(samples[1]!).length).toBe(2 + 68 + 8 + 40 + 40);
    expect(encodeEnvelope(samples[2]!).length).toBe(2 + 8 + 40 + 40);
  });

  it('rejects wrong version, type, and every truncation or extension with an error result', () => {
    expect(parseEnvelope(new Uint8Array(0))).toEqual({ ok: false, error: 'empty' });
    const invite = encodeEnvelope(samples[0]!);
    expect(parseEnvelope(Uint8Array.of(2, ...invite.subarray(1)))).toEqual({ ok: false, error: 'version' });
    expect(parseEnvelope(Uint8Array.of(1, 9, ...invite.subarray(2)))).toEqual({ ok: false, error: 'type' });
    for (const e of samples) {
      const bytes = encodeEnvelope(e);
      for (let cut = 2; cut < bytes.length; cut++) {
        const r = parseEnvelope(bytes.subarray(0, cut));
        // A message body only needs a 16-byte tag: cutting inside a 40-byte ciphertext may still parse.
        if (r.ok) expect(e.type).not.toBe('invite');
        if (cut < bytes.length - 24) expect(r.ok).toBe(false);
      }
    }
    expect(parseEnvelope(Uint8Array.of(...invite, 0)).ok).toBe(false);
    const huge = new Uint8Array(2 + 8 + 40 + MAX_CIPHERTEXT_BYTES + 1);
    huge[0] = 1;
    huge[1] = 3;
    expect(parseEnvelope(huge)).toEqual({ ok: false, error: 'length' });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(0, 1, 2), fc.integer({ min: 0, max: 4 }), (tail, version, type) => {
        const bytes = Uint8Array.of(version, type, ...tail);
        expect(() => parseEnvelope(bytes)).not.toThrow();
        expect(() => parseEnvelope(tail)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to encode malformed fields', () => {
    expect(() => encodeEnvelope({ type: 'message', message: { ...message(), header: randomBytes(39) } })).toThrow();
    expect(() => encodeEnvelope({ type: 'message', message: { ...message(), ciphertext: randomBytes(15) } })).toThrow();
  });
});
