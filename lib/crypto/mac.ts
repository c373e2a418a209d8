// HMAC-SHA256 and HKDF-SHA256 for the ratchet's per-message path, on a fixed set of SHA-256 states
// that are reset and reused rather than created per MAC. Each noble hash object takes its own
// ArrayBuffer (a DataView over its block), and so does each fresh output a DataView writes into:
// ~46 buffers per encrypt + decrypt. After every young-generation collection V8 frees such buffers
// on a helper thread, and on 2 vCPUs the next 20–30 calls ran ~3× slower while it did (the p95 of
// encrypt + decrypt, bench/README.md "Crypto at p95"). Same bytes as noble's hmac/hkdf: the
// tests check them against RFC 4231, RFC 5869 and Wycheproof.
import { sha256 } from '@noble/hashes/sha2.js';

type Sha256 = ReturnType<typeof sha256.create>;

const BLOCK = 64;
const OUT = 32;
/** Never updated: the initial state every MAC starts from. */
const initial = sha256.create();
const pad = new Uint8Array(BLOCK);
const block = new Uint8Array(OUT);

/** An HMAC key absorbed once: its inner and outer states after their key block. */
export interface MacKey {
  inner: Sha256;
  outer: Sha256;
}

/** A key's states (a key longer than a block is hashed first, as RFC 2104 says). `into`: reuse these. */
export function macKey(key: Uint8Array, into?: MacKey): MacKey {
  let k = key;
  if (k.length > BLOCK) k = sha256(k);
  pad.fill(0x36);
  for (let i = 0; i < k.length; i++) pad[i]! ^= k[i]!;
  const inner = initial._cloneInto(into?.inner).update(pad);
  for (let i = 0; i < BLOCK; i++) pad[i]! ^= 0x36 ^ 0x5c;
  const outer = initial._cloneInto(into?.outer).update(pad);
  pad.fill(0);
  return { inner, outer };
}

/** Reused by every call below; each call leaves them wiped. */
const work = sha256.create();
const scratchKey: MacKey = { inner: sha256.create(), outer: sha256.create() };
const counter = new Uint8Array(1);

/** HMAC(key, parts concatenated) written into `block`; nothing allocated. */
function macIntoBlock(key: MacKey, parts: readonly Uint8Array[]): void {
  key.inner._cloneInto(work);
  for (const p of parts) work.update(p);
  work.digestInto(block);
  key.outer._cloneInto(work).update(block).digestInto(block);
}

function wipe(): void {
  work.destroy();
  scratchKey.inner.destroy();
  scratchKey.outer.destroy();
  block.fill(0);
}

/** HMAC-SHA256 of each message under one key (a ratchet chain step's two MACs). */
export function macEach(key: Uint8Array, messages: readonly Uint8Array[]): Uint8Array[] {
  const k = macKey(key, scratchKey);
  const out = messages.map((m) => {
    macIntoBlock(k, [m]);
    return block.slice();
  });
  wipe();
  return out;
}

/** HKDF-SHA256 (RFC 5869) whose extract key (the salt) was absorbed once by macKey. */
export function hkdfWith(salt: MacKey, ikm: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * OUT) throw new Error('hkdf: length must be 0…255 × 32');
  macIntoBlock(salt, [ikm]);
  const prk = macKey(block, scratchKey);
  const out = new Uint8Array(length);
  for (let i = 0, at = 0; at < length; i++, at += OUT) {
    counter[0] = i + 1;
    macIntoBlock(prk, i === 0 ? [info, counter] : [block, info, counter]);
    out.set(length - at < OUT ? block.subarray(0, length - at) : block, at);
  }
  wipe();
  return out;
}
