// Crypto benchmark, run in Node 20 (vite-node) rather than the browser: lib/crypto is pure
// TypeScript on @noble/*, so the engine is the same V8; libsodium-wrappers (WASM) and WebCrypto
// (Node's, OpenSSL) are the baselines measured in the same process.
import sodium from 'libsodium-wrappers';
import { dh, hkdfSha256, open, randomBytes, seal, utf8, x25519KeyPair } from '../lib/crypto/primitives';
import { initInitiator, initResponder, ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../lib/crypto/ratchet';
import { summarize, type Summary } from './pages/stats';

const { subtle } = globalThis.crypto;
/** WebCrypto wants ArrayBuffer-backed views (not SharedArrayBuffer). */
const ab = (u: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(u);

function timeSync(reps: number, fn: () => void): number[] {
  for (let i = 0; i < Math.min(20, reps); i++) fn(); // warm up the JIT
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function timeAsync(reps: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < Math.min(20, reps); i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export interface CryptoResults {
  encryptDecrypt1k: { product: Summary; libsodium: Summary; webcrypto: Summary; productSealOpen: Summary };
  ratchetStep: { product: Summary; libsodium: Summary; webcrypto: Summary };
  parts: { x25519Dh: Summary; x25519KeyPair: Summary; hkdf: Summary };
  reps: number;
}

/** A ratchet pair whose next Alice → Bob message needs no DH step (Bob already has the chain). */
function pair(): { alice: RatchetState; bob: RatchetState } {
  const shared = randomBytes(32);
  const prekey = x25519KeyPair();
  const ad = randomBytes(64);
  let alice = initInitiator(shared, prekey.publicKey, ad);
  let bob = initResponder(shared, prekey.secretKey, ad);
  const first = ratchetEncrypt(alice, utf8('hello'));
  alice = first.state;
  const opened = ratchetDecrypt(bob, first.header, first.ciphertext, Date.now());
  if (!opened.ok) throw new Error('ratchet setup failed');
  bob = opened.state;
  return { alice, bob };
}

export async function runCrypto(reps = 300): Promise<CryptoResults> {
  await sodium.ready;
  const text = utf8('x'.repeat(1024));

  // ---- encrypt + decrypt 1 KB ----
  let { alice, bob } = pair();
  const product = timeSync(reps, () => {
    const enc = ratchetEncrypt(alice, text);
    alice = enc.state;
    const dec = ratchetDecrypt(bob, enc.header, enc.ciphertext, Date.now());
    if (!dec.ok) throw new Error('decrypt failed');
    bob = dec.state;
  });
  const key = randomBytes(32);
  const productSealOpen = timeSync(reps, () => {
    const nonce = randomBytes(24);
    if (!open(key, nonce, seal(key, nonce, text))) throw new Error('open failed');
  });
  const sKey = sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
  const libsodium = timeSync(reps, () => {
    const nonce = sodium.randombytes_buf(24);
    const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(text, null, null, nonce, sKey);
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ct, null, nonce, sKey);
  });
  const aes = await subtle.importKey('raw', ab(randomBytes(32)), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const wcText = ab(text);
  const webcrypto = await timeAsync(reps, async () => {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, aes, wcText);
    await subtle.decrypt({ name: 'AES-GCM', iv }, aes, ct);
  });

  // ---- one DH ratchet step: the receiver of a reply turns the ratchet (2 DH + key pair + 2 KDF) ----
  const stepReps = Math.max(30, Math.floor(reps / 5));
  ({ alice, bob } = pair());
  const stepTimes: number[] = [];
  for (let i = 0; i < stepReps + 5; i++) {
    // Bob replies, so Alice's decrypt performs a DH ratchet step; then Alice answers, and Bob's does.
    const fromBob = ratchetEncrypt(bob, text);
    bob = fromBob.state;
    const t0 = performance.now();
    const a = ratchetDecrypt(alice, fromBob.header, fromBob.ciphertext, Date.now());
    const t1 = performance.now();
    if (!a.ok) throw new Error('step failed');
    alice = a.state;
    const fromAlice = ratchetEncrypt(alice, text);
    alice = fromAlice.state;
    const b = ratchetDecrypt(bob, fromAlice.header, fromAlice.ciphertext, Date.now());
    if (!b.ok) throw new Error('step failed');
    bob = b.state;
    if (i >= 5) stepTimes.push(t1 - t0);
  }
  const peer = sodium.crypto_box_keypair();
  const mine = sodium.crypto_box_keypair();
  const sodiumStep = timeSync(stepReps, () => {
    // Same shape of work: DH with the old key, a new key pair, DH with it, two KDFs (BLAKE2b: the
    // standard libsodium-wrappers build has no HMAC-SHA256).
    const d1 = sodium.crypto_scalarmult(mine.privateKey, peer.publicKey);
    sodium.crypto_generichash(64, d1, key);
    const next = sodium.crypto_box_keypair();
    const d2 = sodium.crypto_scalarmult(next.privateKey, peer.publicKey);
    sodium.crypto_generichash(64, d2, key);
  });
  const wcPeer = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const wcMine = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const salt = ab(key);
  const hkdf = async (ikm: ArrayBuffer) => {
    const k = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
    return subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: new Uint8Array(8) }, k, 512);
  };
  const wcStep = await timeAsync(stepReps, async () => {
    const d1 = await subtle.deriveBits({ name: 'X25519', public: wcPeer.publicKey }, wcMine.privateKey, 256);
    await hkdf(d1);
    const next = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
    const d2 = await subtle.deriveBits({ name: 'X25519', public: wcPeer.publicKey }, next.privateKey, 256);
    await hkdf(d2);
  });

  // ---- parts of the product's step ----
  const kp = x25519KeyPair();
  const other = x25519KeyPair();
  const x25519Dh = timeSync(stepReps, () => void dh(kp.secretKey, other.publicKey));
  const x25519Kp = timeSync(stepReps, () => void x25519KeyPair());
  const hk = timeSync(reps, () => void hkdfSha256(randomBytes(32), key, utf8('bench'), 64));

  return {
    reps,
    encryptDecrypt1k: {
      product: summarize(product),
      libsodium: summarize(libsodium),
      webcrypto: summarize(webcrypto),
      productSealOpen: summarize(productSealOpen),
    },
    ratchetStep: { product: summarize(stepTimes), libsodium: summarize(sodiumStep), webcrypto: summarize(wcStep) },
    parts: { x25519Dh: summarize(x25519Dh), x25519KeyPair: summarize(x25519Kp), hkdf: summarize(hk) },
  };
}
