// Crypto: the ratchet against libsodium and WebCrypto, in Node and in a Chromium page (bench/crypto.ts).
import { runCrypto } from '../crypto';
import { WARMUP } from '../pages/ratchet-work';
import { add, details, log, QUICK, round, skipped } from './context';

export async function benchCrypto(chromium: string): Promise<void> {
  log('crypto (Node, then the same ratchet code in Chromium)');
  const c = await runCrypto(QUICK ? 100 : 400, chromium);
  details.crypto = c;
  const e = c.encryptDecrypt1k;
  add({
    figure: 'Crypto: encrypt + decrypt 1 KB (ratchet, Node)',
    scale: '1×',
    data: '1 KB',
    unit: 'ms',
    value: e.product,
    baseline: { name: 'libsodium XChaCha20-Poly1305', value: e.libsodium },
    ratio: e.product.median / e.libsodium.median,
    target: '≤ 0.2 ms',
    pass: e.product.median <= 0.2 && e.product.p95 <= 0.2,
    note: `after ${WARMUP} warm-up calls (each row alike); cold, the first call took ${round(e.productCold.first, 2)} ms and the ${WARMUP} warm-up calls ${round(e.productCold.warmup.median, 3)} ms median, p95 ${round(e.productCold.warmup.p95, 3)} (the JIT compiling the pure-JS cipher); WebCrypto AES-GCM median ${round(e.webcrypto.median, 3)} ms (p95 ${round(e.webcrypto.p95, 3)}); noble seal+open alone ${round(e.productSealOpen.median, 3)} ms`,
  });
  const s = c.ratchetStep;
  add({
    figure: 'Crypto: one DH ratchet step (decrypt, Node)',
    scale: '1×',
    data: '1 KB',
    unit: 'ms',
    value: s.product,
    baseline: { name: 'libsodium 2×X25519+keypair+2 KDF', value: s.libsodium },
    ratio: s.product.median / s.libsodium.median,
    target: '≤ 2 ms',
    pass: s.product.median <= 2 && s.product.p95 <= 2,
    note: `X25519 on ${s.backend}; with noble (the fallback) ${round(s.productNoble.median, 3)} ms. Raw WebCrypto same work ${round(s.webcrypto.median, 3)} ms; noble X25519 DH ${round(c.parts.x25519Dh.median, 3)} ms, key pair ${round(c.parts.x25519KeyPair.median, 3)} ms, HKDF ${round(c.parts.hkdf.median, 3)} ms`,
  });
  const b = c.browser;
  if ('error' in b) {
    skipped.push({ figure: 'Crypto: one DH ratchet step (decrypt, Chromium)', scale: '1×', why: b.error });
    return;
  }
  add({
    figure: 'Crypto: one DH ratchet step (decrypt, Chromium)',
    scale: '1×',
    data: '1 KB',
    unit: 'ms',
    value: b.step,
    baseline: { name: 'raw WebCrypto 2×X25519+keypair+2 HKDF', value: b.webCryptoSameWork },
    ratio: b.step.median / b.webCryptoSameWork.median,
    target: '≤ 2 ms',
    pass: b.step.median <= 2 && b.step.p95 <= 2,
    note: `X25519 on ${b.backend}; with noble (the fallback) ${round(b.stepNoble.median, 3)} ms; encrypt + decrypt 1 KB ${round(b.encryptDecrypt1k.median, 3)} ms. Plain page (cross-origin isolated: ${b.crossOriginIsolated}), not the service worker`,
  });
}
