// Thin, typed wrappers over the audited @noble/@scure primitives. Every other crypto module goes
// through here so the choice of algorithm lives in one place. Functions that see attacker-controlled
// input (open, dh, verify) return null/false instead of throwing.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes as nobleRandomBytes } from '@noble/ciphers/utils.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { hkdfWith, macEach, macKey, type MacKey } from './mac';

// Byte helpers live in ./bytes (no curves or ciphers), so extension pages can use them cheaply.
export { concatBytes, constantTimeEqual, fromBase64, fromHex, fromUtf8, sha256Digest, toBase64, toHex, utf8 } from './bytes';

export const KEY_BYTES = 32;
export const XNONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const SIGNATURE_BYTES = 64;

export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function randomBytes(length: number): Uint8Array {
  return nobleRandomBytes(length);
}

// ---- AEAD: XChaCha20-Poly1305 (24-byte nonce, so random nonces are safe too) ----

export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  return xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

/** Returns null when the tag does not verify or the inputs have the wrong sizes. */
export function open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array): Uint8Array | null {
  if (key.length !== KEY_BYTES || nonce.length !== XNONCE_BYTES || ciphertext.length < TAG_BYTES) return null;
  try {
    return xchacha20poly1305(key, nonce, aad).decrypt(ciphertext);
  } catch {
    return null;
  }
}

// ---- X25519 ----

export function x25519KeyPair(): KeyPair {
  const secretKey = x25519.utils.randomSecretKey();
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}

/** X25519; null for low-order / malformed peer keys (all-zero shared secret). */
export function dh(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array | null {
  if (secretKey.length !== KEY_BYTES || peerPublicKey.length !== KEY_BYTES) return null;
  try {
    return x25519.getSharedSecret(secretKey, peerPublicKey);
  } catch {
    return null;
  }
}

// ---- Ed25519 (identity) and its Montgomery form for DH ----

export function ed25519KeyPair(): KeyPair {
  const secretKey = ed25519.utils.randomSecretKey();
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function ed25519PublicKey(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey);
}

export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

/** Strict RFC 8032 verification (no ZIP-215 leniency); never throws. */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** Ed25519 public key → X25519 public key; null if the point does not decode or is of small order. */
export function edPublicToX25519(edPublicKey: Uint8Array): Uint8Array | null {
  if (edPublicKey.length !== KEY_BYTES) return null;
  try {
    const point = ed25519.Point.fromBytes(edPublicKey);
    if (point.isSmallOrder()) return null;
    return ed25519.utils.toMontgomery(edPublicKey);
  } catch {
    return null;
  }
}

export function edSecretToX25519(edSecretKey: Uint8Array): Uint8Array {
  return ed25519.utils.toMontgomerySecret(edSecretKey);
}

// ---- Hashes and KDFs ----

export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array {
  return hkdf(sha256, ikm, salt, info, length);
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha256, key, data);
}

/**
 * HMAC-SHA256 of each message under one key, equal to hmacSha256(key, m) for each: the key is
 * absorbed once (its two hash blocks), on reused hash states (see ./mac: a ratchet chain step takes
 * two MACs under its chain key on every message).
 */
export function hmacSha256Each(key: Uint8Array, messages: readonly Uint8Array[]): Uint8Array[] {
  return macEach(key, messages);
}

let zeroSalt: MacKey | null = null;

/**
 * HKDF-SHA256 with a salt of 32 zero bytes (RFC 5869's "not provided"), equal to hkdfSha256(ikm,
 * new Uint8Array(32), info, length): the extract step's HMAC key is a constant, absorbed once per
 * context instead of on every message key.
 */
export function hkdfSha256ZeroSalt(ikm: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  zeroSalt ??= macKey(new Uint8Array(32));
  return hkdfWith(zeroSalt, ikm, info, length);
}

export { sha512 };
