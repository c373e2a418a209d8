// Crypto benchmark. The Node rows run in Node 20 (vite-node): lib/crypto is TypeScript on @noble/*
// and WebCrypto, with libsodium-wrappers (WASM) and raw WebCrypto as baselines in the same process.
// Node's WebCrypto is OpenSSL, the extension's is Chromium's (BoringSSL), so the same ratchet code
// (pages/ratchet-work.ts) is also bundled into a plain Chromium page and timed there.
import { build } from 'esbuild';
import sodium from 'libsodium-wrappers';
import { chromium } from 'playwright-core';
import { dh, hkdfSha256, open, randomBytes, seal, utf8, x25519KeyPair } from '../lib/crypto/primitives';
import { ratchetTimings, WARMUP, type RatchetTimings } from './pages/ratchet-work';
import { summarize, type Summary } from './pages/stats';

const { subtle } = globalThis.crypto;
/** WebCrypto wants ArrayBuffer-backed views (not SharedArrayBuffer). */
const ab = (u: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(u);

function timeSync(reps: number, fn: () => void): number[] {
  for (let i = 0; i < WARMUP; i++) fn(); // warm up the JIT, as the product's rows are
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function timeAsync(reps: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export interface CryptoResults {
  encryptDecrypt1k: {
    product: Summary;
    /** The product's first call in this process, and its warm-up calls (not in `product`). */
    productCold: { first: number; warmup: Summary };
    libsodium: Summary;
    webcrypto: Summary;
    productSealOpen: Summary;
  };
  ratchetStep: { product: Summary; productNoble: Summary; backend: string; libsodium: Summary; webcrypto: Summary };
  parts: { x25519Dh: Summary; x25519KeyPair: Summary; hkdf: Summary };
  /** The product's ratchet in headless Chromium (the extension's engine and WebCrypto). */
  browser: (RatchetTimings & { crossOriginIsolated: boolean; userAgent: string }) | { error: string };
  reps: number;
}

export async function runCrypto(reps = 300, chromiumPath?: string): Promise<CryptoResults> {
  await sodium.ready;
  const text = utf8('x'.repeat(1024));
  const stepReps = Math.max(30, Math.floor(reps / 5));

  // ---- the product: encrypt + decrypt 1 KB, one DH ratchet step (chosen backend, and noble) ----
  const product = await ratchetTimings(reps, stepReps);

  // ---- baselines: encrypt + decrypt 1 KB ----
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

  // ---- baselines: one DH ratchet step's work ----
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

  // ---- parts of the noble step ----
  const kp = x25519KeyPair();
  const other = x25519KeyPair();
  const x25519Dh = timeSync(stepReps, () => void dh(kp.secretKey, other.publicKey));
  const x25519Kp = timeSync(stepReps, () => void x25519KeyPair());
  const hk = timeSync(reps, () => void hkdfSha256(randomBytes(32), key, utf8('bench'), 64));

  return {
    reps,
    encryptDecrypt1k: {
      product: product.encryptDecrypt1k,
      productCold: product.encryptDecrypt1kCold,
      libsodium: summarize(libsodium),
      webcrypto: summarize(webcrypto),
      productSealOpen: summarize(productSealOpen),
    },
    ratchetStep: {
      product: product.step,
      productNoble: product.stepNoble,
      backend: product.backend,
      libsodium: summarize(sodiumStep),
      webcrypto: product.webCryptoSameWork,
    },
    parts: { x25519Dh: summarize(x25519Dh), x25519KeyPair: summarize(x25519Kp), hkdf: summarize(hk) },
    browser: chromiumPath ? await runInChromium(chromiumPath, reps, stepReps) : { error: 'no Chromium given' },
  };
}

/**
 * The same ratchet code in a plain headless Chromium page (no extension: WebCrypto and V8 are the
 * same in the service worker). The page is served cross-origin isolated so performance.now() has
 * 5 µs resolution instead of 100 µs.
 */
async function runInChromium(executablePath: string, reps: number, stepReps: number): Promise<CryptoResults['browser']> {
  const bundle = await build({
    stdin: {
      contents: "import { ratchetTimings } from './ratchet-work'; (globalThis as any).ratchetTimings = ratchetTimings;",
      resolveDir: new URL('./pages', import.meta.url).pathname,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  const script = bundle.outputFiles[0]!.text;
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const origin = 'https://crypto-bench.invalid';
    await page.route(`${origin}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
        body: '<!doctype html><title>crypto bench</title>',
      }),
    );
    await page.goto(`${origin}/`);
    await page.addScriptTag({ content: script });
    return await page.evaluate(
      async ([r, s]) => {
        const run = (globalThis as unknown as { ratchetTimings: typeof ratchetTimings }).ratchetTimings;
        return { ...(await run(r!, s!)), crossOriginIsolated: globalThis.crossOriginIsolated, userAgent: navigator.userAgent };
      },
      [reps, stepReps],
    );
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    await browser.close();
  }
}
