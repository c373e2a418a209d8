// Byte helpers without curves or ciphers: what armor parsing and the extension pages need, kept
// apart from ./primitives so importing them does not pull the whole crypto stack into a page.
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Constant-time for equal lengths; lengths themselves are not secret here. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

const encoder = new TextEncoder();
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
/** Returns null for invalid UTF-8 instead of inserting replacement characters. */
export function fromUtf8(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

export function toBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}
/** Strict base64 decode; null when malformed or (if given) of the wrong length. */
export function fromBase64(text: unknown, expectedLength?: number): Uint8Array | null {
  if (typeof text !== 'string') return null;
  try {
    const bytes = base64.decode(text);
    if (expectedLength !== undefined && bytes.length !== expectedLength) return null;
    return bytes;
  } catch {
    return null;
  }
}
export function toHex(bytes: Uint8Array): string {
  return hex.encode(bytes);
}
export function fromHex(text: string): Uint8Array {
  return hex.decode(text);
}

export function sha256Digest(data: Uint8Array): Uint8Array {
  return sha256(data);
}
