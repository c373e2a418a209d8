import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  concatBytes,
  constantTimeEqual,
  dh,
  ed25519KeyPair,
  edPublicToX25519,
  edSecretToX25519,
  fromHex,
  hkdfSha256,
  hkdfSha256ZeroSalt,
  hmacSha256,
  hmacSha256Each,
  open,
  randomBytes,
  seal,
  toHex,
  utf8,
  x25519KeyPair,
  x25519PublicKey,
} from '../../../lib/crypto/primitives';

interface WycheproofFile<T> {
  testGroups: { ivSize?: number; tests: T[] }[];
}
interface AeadCase {
  tcId: number;
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface XdhCase {
  tcId: number;
  public: string;
  private: string;
  shared: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface HkdfCase {
  tcId: number;
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
  result: 'valid' | 'invalid' | 'acceptable';
}

function loadCases<T>(file: string): T[] {
  const full = path.resolve(__dirname, 'vectors', file);
  const parsed = JSON.parse(readFileSync(full, 'utf8')) as WycheproofFile<T>;
  return parsed.testGroups.flatMap((g) => g.tests);
}

const h = fromHex;

describe('Wycheproof XChaCha20-Poly1305 through seal/open', () => {
  const cases = loadCases<AeadCase>('xchacha20_poly1305_test.json');
  it('has all 315 cases', () => expect(cases.length).toBe(315));
  it('valid cases encrypt to the expected bytes and decrypt back; invalid ones are rejected', () => {
    let valid = 0;
    let invalid = 0;
    for (const c of cases) {
      const sealed = concatBytes(h(c.ct), h(c.tag));
      if (c.result === 'valid') {
        expect(toHex(seal(h(c.key), h(c.iv), h(c.msg), h(c.aad))), `tc ${c.tcId}`).toBe(toHex(sealed));
        const opened = open(h(c.key), h(c.iv), sealed, h(c.aad));
        expect(opened && toHex(opened), `tc ${c.tcId}`).toBe(c.msg);
        valid++;
      } else {
        expect(open(h(c.key), h(c.iv), sealed, h(c.aad)), `tc ${c.tcId}`).toBeNull();
        invalid++;
      }
    }
    expect(valid).toBe(246);
    expect(invalid).toBe(69);
  });
});

describe('Wycheproof ChaCha20-Poly1305 (RFC 8439 construction, library check)', () => {
  const cases = loadCases<AeadCase>('chacha20_poly1305_test.json');
  it('has all 325 cases and each behaves as labelled', () => {
    expect(cases.length).toBe(325);
    for (const c of cases) {
      const sealed = concatBytes(h(c.ct), h(c.tag));
      if (c.result === 'valid') {
        const cipher = chacha20poly1305(h(c.key), h(c.iv), h(c.aad));
        expect(toHex(cipher.encrypt(h(c.msg))), `tc ${c.tcId}`).toBe(toHex(sealed));
        expect(toHex(chacha20poly1305(h(c.key), h(c.iv), h(c.aad)).decrypt(sealed)), `tc ${c.tcId}`).toBe(c.msg);
      } else {
        // Construction itself may throw for a wrong nonce size: keep it inside the expectation.
        expect(() => chacha20poly1305(h(c.key), h(c.iv), h(c.aad)).decrypt(sealed), `tc ${c.tcId}`).toThrow();
      }
    }
  });
});

describe('Wycheproof X25519 through dh()', () => {
  const cases = loadCases<XdhCase>('x25519_test.json');
  it('valid cases match; acceptable ones match or are refused', () => {
    expect(cases.length).toBe(518);
    let refused = 0;
    for (const c of cases) {
      const shared = dh(h(c.private), h(c.public));
      if (c.result === 'valid') {
        expect(shared && toHex(shared), `tc ${c.tcId}`).toBe(c.shared);
      } else if (c.result === 'acceptable') {
        if (shared === null) refused++;
        else expect(toHex(shared), `tc ${c.tcId}`).toBe(c.shared);
      } else {
        expect(shared, `tc ${c.tcId}`).toBeNull();
      }
    }
    // Low-order inputs giving an all-zero secret must be among the refused ones.
    expect(refused).toBeGreaterThan(0);
  });
});

describe('Wycheproof HKDF-SHA256', () => {
  const cases = loadCases<HkdfCase>('hkdf_sha256_test.json');
  it('valid cases produce the expected OKM; oversize requests throw', () => {
    expect(cases.length).toBe(86);
    for (const c of cases) {
      const run = () => hkdfSha256(h(c.ikm), c.salt === '' ? undefined : h(c.salt), h(c.info), c.size);
      if (c.result === 'valid') expect(toHex(run()), `tc ${c.tcId}`).toBe(c.okm);
      else expect(run, `tc ${c.tcId}`).toThrow();
    }
  });

  it("the zero-salt form (the ratchet's message keys) gives the same OKM for every case without a salt, on repeated calls", () => {
    const unsalted = cases.filter((c) => c.salt === '' && c.result === 'valid');
    expect(unsalted.length).toBeGreaterThan(5);
    for (let round = 0; round < 2; round++) {
      for (const c of unsalted) expect(toHex(hkdfSha256ZeroSalt(h(c.ikm), h(c.info), c.size)), `tc ${c.tcId}`).toBe(c.okm);
    }
  });
});

describe('RFC vectors', () => {
  it('RFC 8439 §2.8.2 AEAD', () => {
    const key = h('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = h('070000004041424344454647');
    const aad = h('50515253c0c1c2c3c4c5c6c7');
    const pt = utf8("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    const out = chacha20poly1305(key, nonce, aad).encrypt(pt);
    expect(toHex(out.subarray(0, 16))).toBe('d31a8d34648e60db7b86afbc53ef7ec2');
    expect(toHex(out.subarray(out.length - 16))).toBe('1ae10b594f09e26a7e902ecbd0600691');
  });

  it('RFC 7748 §5.2 scalar multiplication', () => {
    const a = dh(
      h('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      h('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
    );
    expect(a && toHex(a)).toBe('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
    const b = dh(
      h('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'),
      h('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493'),
    );
    expect(b && toHex(b)).toBe('95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957');
  });

  it('RFC 7748 §6.1 Diffie-Hellman', () => {
    const alicePriv = h('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bobPriv = h('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    expect(toHex(x25519PublicKey(alicePriv))).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(x25519PublicKey(bobPriv))).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(dh(alicePriv, x25519PublicKey(bobPriv))!)).toBe(shared);
    expect(toHex(dh(bobPriv, x25519PublicKey(alicePriv))!)).toBe(shared);
  });

  it('RFC 5869 test cases 1 and 3', () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    expect(toHex(hkdfSha256(ikm, h('000102030405060708090a0b0c'), h('f0f1f2f3f4f5f6f7f8f9'), 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
    expect(toHex(hkdfSha256(ikm, undefined, new Uint8Array(0), 42))).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });

  it('RFC 4231 HMAC-SHA256 test case 2', () => {
    expect(toHex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('several MACs under one key equal one MAC each (RFC 4231 case 2; keys shorter, equal to and longer than a block)', () => {
    const [a, b, c] = hmacSha256Each(utf8('Jefe'), [
      utf8('what do ya want for nothing?'),
      new Uint8Array([1]),
      utf8('what do ya want for nothing?'),
    ]);
    expect(toHex(a!)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(toHex(c!)).toBe(toHex(a!));
    expect(toHex(b!)).toBe(toHex(hmacSha256(utf8('Jefe'), new Uint8Array([1]))));
    for (const size of [32, 64, 100]) {
      const key = randomBytes(size);
      const messages = [randomBytes(1), randomBytes(0), randomBytes(200)];
      expect(hmacSha256Each(key, messages).map(toHex)).toEqual(messages.map((m) => toHex(hmacSha256(key, m))));
    }
    expect(hmacSha256Each(randomBytes(32), [])).toEqual([]);
  });

  it('the reused hash states leak nothing between calls: results stay put, interleaved calls agree with one-off ones', () => {
    const key = randomBytes(32);
    const [first] = hmacSha256Each(key, [utf8('a')]);
    const kept = toHex(first!);
    const okm = hkdfSha256ZeroSalt(randomBytes(32), utf8('info'), 56);
    const okmHex = toHex(okm);
    // Later calls write the same scratch blocks: earlier results are copies, not views of them.
    hmacSha256Each(randomBytes(100), [randomBytes(300), randomBytes(5)]);
    hkdfSha256ZeroSalt(randomBytes(32), utf8('other'), 200);
    expect(toHex(first!)).toBe(kept);
    expect(toHex(okm)).toBe(okmHex);
    for (let i = 0; i < 20; i++) {
      const ikm = randomBytes(1 + i * 7);
      const info = randomBytes(i);
      const length = [0, 1, 31, 32, 33, 56, 64, 100][i % 8]!;
      expect(toHex(hkdfSha256ZeroSalt(ikm, info, length))).toBe(toHex(hkdfSha256(ikm, new Uint8Array(32), info, length)));
      const k = randomBytes(i * 5);
      const m = randomBytes(i * 11);
      expect(toHex(hmacSha256Each(k, [m])[0]!)).toBe(toHex(hmacSha256(k, m)));
    }
    expect(() => hkdfSha256ZeroSalt(randomBytes(32), utf8('x'), 255 * 32 + 1)).toThrow();
  });
});

describe('helpers', () => {
  it('open() refuses tampering of ciphertext, tag, nonce and AAD without throwing', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(24);
    const aad = utf8('header');
    const sealed = seal(key, nonce, utf8('hello'), aad);
    expect(open(key, nonce, sealed, aad)).toEqual(utf8('hello'));
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i]! ^= 1;
      expect(open(key, nonce, bad, aad)).toBeNull();
    }
    expect(open(key, nonce, sealed, utf8('Header'))).toBeNull();
    expect(open(key, randomBytes(24), sealed, aad)).toBeNull();
    expect(open(key, nonce, sealed.subarray(0, 10), aad)).toBeNull();
    expect(open(key.subarray(1), nonce, sealed, aad)).toBeNull();
  });

  it('Ed25519 identity converts to an X25519 key pair that agrees with a peer', () => {
    const ed = ed25519KeyPair();
    const xSecret = edSecretToX25519(ed.secretKey);
    const xPublic = edPublicToX25519(ed.publicKey);
    expect(xPublic).not.toBeNull();
    expect(toHex(x25519PublicKey(xSecret))).toBe(toHex(xPublic!));
    const peer = x25519KeyPair();
    expect(toHex(dh(xSecret, peer.publicKey)!)).toBe(toHex(dh(peer.secretKey, xPublic!)!));
  });

  it('edPublicToX25519 refuses non-points and small-order points', () => {
    expect(edPublicToX25519(new Uint8Array(31))).toBeNull();
    // The identity point (y = 1) has small order.
    const identity = new Uint8Array(32);
    identity[0] = 1;
    expect(edPublicToX25519(identity)).toBeNull();
  });

  it('constantTimeEqual', () => {
    expect(constantTimeEqual(h('0102'), h('0102'))).toBe(true);
    expect(constantTimeEqual(h('0102'), h('0103'))).toBe(false);
    expect(constantTimeEqual(h('0102'), h('01'))).toBe(false);
  });
});

describe('interop with libsodium', () => {
  beforeAll(async () => {
    await sodium.ready;
  });

  it('libsodium decrypts our XChaCha20-Poly1305 ciphertexts and we decrypt its', () => {
    for (const size of [0, 1, 63, 64, 65, 1000]) {
      const key = randomBytes(32);
      const nonce = randomBytes(24);
      const aad = randomBytes(size % 40);
      const pt = randomBytes(size);
      const ours = seal(key, nonce, pt, aad);
      const theirsOpen = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ours, aad, nonce, key);
      expect(toHex(theirsOpen)).toBe(toHex(pt));
      const theirs = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(pt, aad, null, nonce, key);
      expect(toHex(theirs)).toBe(toHex(ours));
      expect(toHex(open(key, nonce, theirs, aad)!)).toBe(toHex(pt));
    }
  });
});
