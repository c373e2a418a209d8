// The product's ratchet timings, shared by the Node bench (bench/crypto.ts) and the Chromium page it
// bundles this into: the same code measures both engines.
import { randomBytes, utf8, x25519KeyPair } from '../../lib/crypto/primitives';
import { initInitiator, initResponder, ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../lib/crypto/ratchet';
import { chooseX25519, nobleX25519, useX25519 } from '../../lib/crypto/x25519';
import { type Summary, summarize } from './stats';

/** A ratchet pair whose next Alice → Bob message needs no DH step (Bob already has the chain). */
export async function ratchetPair(): Promise<{ alice: RatchetState; bob: RatchetState }> {
  const shared = randomBytes(32);
  const prekey = x25519KeyPair();
  const ad = randomBytes(64);
  let alice = await initInitiator(shared, prekey.publicKey, ad);
  let bob = initResponder(shared, prekey.secretKey, ad);
  const first = ratchetEncrypt(alice, utf8('hello'));
  alice = first.state;
  const opened = await ratchetDecrypt(bob, first.header, first.ciphertext, Date.now());
  if (!opened.ok) throw new Error('ratchet setup failed');
  bob = opened.state;
  return { alice, bob };
}

/**
 * Operations run before the timed ones: the JIT compiles the pure-JS cipher over the first few
 * hundred calls (with 20, the p95 measured tier-up: 0.7–0.9 ms against 0.13–0.16 ms after). The
 * baselines get the same; what the first calls cost is reported apart (`cold`).
 */
export const WARMUP = 300;

/** Encrypt + decrypt of a 1 KB message in one chain (no DH step); `cold`: the warm-up calls themselves. */
export async function encryptDecrypt(reps: number): Promise<{ times: number[]; cold: number[] }> {
  const text = utf8('x'.repeat(1024));
  let { alice, bob } = await ratchetPair();
  const out: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < reps + WARMUP; i++) {
    const t0 = performance.now();
    const enc = ratchetEncrypt(alice, text);
    alice = enc.state;
    const dec = await ratchetDecrypt(bob, enc.header, enc.ciphertext, Date.now());
    const t1 = performance.now();
    if (!dec.ok) throw new Error('decrypt failed');
    bob = dec.state;
    (i >= WARMUP ? out : cold).push(t1 - t0);
  }
  return { times: out, cold };
}

/** Decrypts that turn the DH ratchet: each side answers the other, so every timed decrypt steps. */
export async function ratchetSteps(reps: number): Promise<number[]> {
  const text = utf8('x'.repeat(1024));
  let { alice, bob } = await ratchetPair();
  const out: number[] = [];
  for (let i = 0; i < reps + 5; i++) {
    const fromBob = ratchetEncrypt(bob, text);
    bob = fromBob.state;
    const t0 = performance.now();
    const a = await ratchetDecrypt(alice, fromBob.header, fromBob.ciphertext, Date.now());
    const t1 = performance.now();
    if (!a.ok) throw new Error('step failed');
    alice = a.state;
    const fromAlice = ratchetEncrypt(alice, text);
    alice = fromAlice.state;
    const b = await ratchetDecrypt(bob, fromAlice.header, fromAlice.ciphertext, Date.now());
    if (!b.ok) throw new Error('step failed');
    bob = b.state;
    if (i >= 5) out.push(t1 - t0);
  }
  return out;
}

export interface RatchetTimings {
  /** Which X25519 the product chose in this engine. */
  backend: string;
  encryptDecrypt1k: Summary;
  /** The first call in a fresh context, and the warm-up calls (JIT compiling), for the notes. */
  encryptDecrypt1kCold: { first: number; warmup: Summary };
  /** With the backend the product chooses (WebCrypto where it passes its self-test). */
  step: Summary;
  /** With noble pinned: what a context without WebCrypto X25519 gets. */
  stepNoble: Summary;
  webCryptoSameWork: Summary;
}

export async function ratchetTimings(reps: number, stepReps: number): Promise<RatchetTimings> {
  useX25519(null);
  const backend = (await chooseX25519()).name;
  const ed = await encryptDecrypt(reps);
  const encryptDecrypt1k = summarize(ed.times);
  const encryptDecrypt1kCold = { first: ed.cold[0]!, warmup: summarize(ed.cold) };
  const step = summarize(await ratchetSteps(stepReps));
  useX25519(nobleX25519);
  const stepNoble = summarize(await ratchetSteps(stepReps));
  useX25519(null);
  const webCrypto = summarize(await webCryptoSameWork(stepReps));
  return { backend, encryptDecrypt1k, encryptDecrypt1kCold, step, stepNoble, webCryptoSameWork: webCrypto };
}

/** The same work as one step on raw WebCrypto (2 X25519 + key pair + 2 HKDF): the floor for that path. */
export async function webCryptoSameWork(reps: number): Promise<number[]> {
  const { subtle } = globalThis.crypto;
  const peer = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const mine = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const salt = new Uint8Array(randomBytes(32));
  const hkdf = async (ikm: ArrayBuffer) => {
    const k = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
    return subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: new Uint8Array(8) }, k, 512);
  };
  const out: number[] = [];
  for (let i = 0; i < reps + 20; i++) {
    const t0 = performance.now();
    const d1 = await subtle.deriveBits({ name: 'X25519', public: peer.publicKey }, mine.privateKey, 256);
    await hkdf(d1);
    const next = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
    const d2 = await subtle.deriveBits({ name: 'X25519', public: peer.publicKey }, next.privateKey, 256);
    await hkdf(d2);
    const t1 = performance.now();
    if (i >= 20) out.push(t1 - t0);
  }
  return out;
}
