// Signal's 60-digit safety number (libsignal fingerprint.rs, fingerprint version 0, displayable
// part): for each side, SHA-512 iterated `iterations` times over
//   iteration 0: version(0x0000) | key | identifier | key,   then: previous digest | key
// The first 30 bytes give six 5-byte big-endian numbers mod 100,000 (5 digits each); the two
// 30-digit halves are concatenated in ascending order, so both sides see the same number.
import { concatBytes, sha512, utf8 } from './primitives';

export const SAFETY_NUMBER_ITERATIONS = 5200;
const FINGERPRINT_VERSION = Uint8Array.of(0, 0);

function fingerprintDigest(iterations: number, identifier: Uint8Array, key: Uint8Array): Uint8Array {
  let digest = sha512(concatBytes(FINGERPRINT_VERSION, key, identifier, key));
  for (let i = 1; i < iterations; i++) digest = sha512(concatBytes(digest, key));
  return digest;
}

function displayHalf(digest: Uint8Array): string {
  let out = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    // 5 bytes = 40 bits: fits exactly in a double.
    for (let j = 0; j < 5; j++) value = value * 256 + (digest[chunk * 5 + j] as number);
    out += String(value % 100_000).padStart(5, '0');
  }
  return out;
}

/** The 60-digit number, identical for both sides. `key` is the serialized public identity key. */
export function safetyNumber(
  localIdentifier: Uint8Array,
  localKey: Uint8Array,
  remoteIdentifier: Uint8Array,
  remoteKey: Uint8Array,
  iterations: number = SAFETY_NUMBER_ITERATIONS,
): string {
  if (!Number.isInteger(iterations) || iterations <= 1 || iterations > 1_000_000) throw new Error('safety number: bad iterations');
  const local = displayHalf(fingerprintDigest(iterations, localIdentifier, localKey));
  const remote = displayHalf(fingerprintDigest(iterations, remoteIdentifier, remoteKey));
  return local < remote ? local + remote : remote + local;
}

/**
 * Safety number for two extension identities (Ed25519 public keys). The identifier is the same
 * constant on every platform, so a contact shows the same number on WhatsApp, Instagram and Messenger.
 */
export function identitySafetyNumber(myIdentityKey: Uint8Array, peerIdentityKey: Uint8Array): string {
  const identifier = utf8('UIE1');
  return safetyNumber(identifier, myIdentityKey, identifier, peerIdentityKey);
}

/** "12345 67890 …": twelve groups of five digits, for display. */
export function formatSafetyNumber(digits: string): string {
  return digits.replace(/(\d{5})(?=\d)/g, '$1 ');
}
