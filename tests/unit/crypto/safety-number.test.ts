import { describe, expect, it } from 'vitest';
import { ed25519KeyPair, fromHex, utf8 } from '../../../lib/crypto/primitives';
import { formatSafetyNumber, identitySafetyNumber, safetyNumber } from '../../../lib/crypto/safety-number';

// libsignal rust/protocol/src/fingerprint.rs, fingerprint_test_v1 (testVectorsVersion1 in Java):
// serialized identity keys (0x05 | Curve25519 public key), stable ids, 5200 iterations.
const ALICE_IDENTITY = fromHex('0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868');
const BOB_IDENTITY = fromHex('05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b');
const ALICE_STABLE_ID = utf8('+14152222222');
const BOB_STABLE_ID = utf8('+14153333333');
const EXPECTED = '300354477692869396892869876765458257569162576843440918079131';

describe('safety number', () => {
  it("reproduces libsignal's known-answer test from both sides", () => {
    expect(safetyNumber(ALICE_STABLE_ID, ALICE_IDENTITY, BOB_STABLE_ID, BOB_IDENTITY, 5200)).toBe(EXPECTED);
    expect(safetyNumber(BOB_STABLE_ID, BOB_IDENTITY, ALICE_STABLE_ID, ALICE_IDENTITY)).toBe(EXPECTED);
  });

  it('changes when a key or an identifier changes', () => {
    const otherKey = ALICE_IDENTITY.slice();
    otherKey[10]! ^= 1;
    expect(safetyNumber(ALICE_STABLE_ID, otherKey, BOB_STABLE_ID, BOB_IDENTITY)).not.toBe(EXPECTED);
    expect(safetyNumber(utf8('+141512222222'), ALICE_IDENTITY, BOB_STABLE_ID, BOB_IDENTITY)).not.toBe(EXPECTED);
  });

  it('is symmetric and 60 digits for extension identities, and formats in groups of five', () => {
    const a = ed25519KeyPair().publicKey;
    const b = ed25519KeyPair().publicKey;
    const n = identitySafetyNumber(a, b);
    expect(n).toMatch(/^\d{60}$/);
    expect(identitySafetyNumber(b, a)).toBe(n);
    expect(identitySafetyNumber(a, ed25519KeyPair().publicKey)).not.toBe(n);
    expect(formatSafetyNumber(EXPECTED)).toBe('30035 44776 92869 39689 28698 76765 45825 75691 62576 84344 09180 79131');
  });

  it('refuses nonsensical iteration counts like libsignal', () => {
    expect(() => safetyNumber(ALICE_STABLE_ID, ALICE_IDENTITY, BOB_STABLE_ID, BOB_IDENTITY, 1)).toThrow();
  });
});
