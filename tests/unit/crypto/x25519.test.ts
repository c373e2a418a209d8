import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInvite, initiate, respond } from '../../../lib/crypto/handshake';
import { createIdentity } from '../../../lib/crypto/identity';
import { dh, fromHex, randomBytes, toHex, utf8, x25519KeyPair, x25519PublicKey } from '../../../lib/crypto/primitives';
import { initInitiator, initResponder, ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../lib/crypto/ratchet';
import { chooseX25519, nobleX25519, passesSelfTest, useX25519, webCryptoX25519, type X25519 } from '../../../lib/crypto/x25519';

// Node 20's WebCrypto has X25519 (OpenSSL), as current Chromium has (BoringSSL): these tests run the
// WebCrypto path for real and hold it to noble's results byte for byte.
const subtle = globalThis.crypto.subtle;
const webcrypto = webCryptoX25519(subtle);
const strict = webCryptoX25519(subtle, { strict: true });

interface XdhCase {
  tcId: number;
  public: string;
  private: string;
  shared: string;
  result: 'valid' | 'acceptable' | 'invalid';
}
const wycheproof = (
  JSON.parse(readFileSync(path.resolve(__dirname, 'vectors/x25519_test.json'), 'utf8')) as { testGroups: { tests: XdhCase[] }[] }
).testGroups.flatMap((g) => g.tests);

afterEach(() => {
  useX25519(null);
  vi.unstubAllGlobals();
});

describe('X25519 backends agree', () => {
  it('WebCrypto gives noble’s result (or noble’s refusal) on every Wycheproof case', async () => {
    expect(wycheproof.length).toBe(518);
    let strictRefusals = 0;
    for (const c of wycheproof) {
      const secretKey = fromHex(c.private);
      const mine = { secretKey, publicKey: x25519PublicKey(secretKey) };
      const expected = dh(secretKey, fromHex(c.public));
      const got = await webcrypto.dh(mine, fromHex(c.public));
      expect(got && toHex(got), `tc ${c.tcId}`).toBe(expected && toHex(expected));
      if (c.result === 'valid') expect(got && toHex(got), `tc ${c.tcId}`).toBe(c.shared);
      // WebCrypto alone: whatever it computes is right; what it refuses, noble refuses too here.
      const alone = await strict.dh(mine, fromHex(c.public));
      if (alone) expect(toHex(alone), `tc ${c.tcId}`).toBe(c.shared);
      else strictRefusals++;
    }
    expect(strictRefusals).toBeGreaterThan(0); // the low-order cases
  });

  it('same shared secrets for the same keys, and fresh WebCrypto key pairs are valid noble key pairs', async () => {
    for (let i = 0; i < 40; i++) {
      const a = x25519KeyPair();
      const b = x25519KeyPair();
      const viaWebCrypto = await webcrypto.dh(a, b.publicKey);
      expect(toHex(viaWebCrypto!)).toBe(toHex(dh(a.secretKey, b.publicKey)!));
      expect(toHex((await nobleX25519.dh(b, a.publicKey))!)).toBe(toHex(viaWebCrypto!));

      const fresh = (await webcrypto.freshDh(b.publicKey))!;
      expect(toHex(x25519PublicKey(fresh.keyPair.secretKey))).toBe(toHex(fresh.keyPair.publicKey));
      expect(toHex(dh(b.secretKey, fresh.keyPair.publicKey)!)).toBe(toHex(fresh.shared));
      const nobleFresh = (await nobleX25519.freshDh(a.publicKey))!;
      expect(toHex((await webcrypto.dh(a, nobleFresh.keyPair.publicKey))!)).toBe(toHex(nobleFresh.shared));
    }
  });

  it('both refuse a low-order peer key with null, never a throw', async () => {
    const zero = new Uint8Array(32);
    const one = Uint8Array.of(1, ...new Uint8Array(31));
    for (const backend of [webcrypto, strict, nobleX25519]) {
      expect(await backend.dh(x25519KeyPair(), zero)).toBeNull();
      expect(await backend.dh(x25519KeyPair(), one)).toBeNull();
      expect(await backend.freshDh(zero)).toBeNull();
      expect(await backend.dh(x25519KeyPair(), new Uint8Array(31))).toBeNull();
    }
  });
});

describe('choosing a backend', () => {
  it('uses WebCrypto where it passes the RFC 7748 self-test', async () => {
    expect(await passesSelfTest(strict)).toBe(true);
    expect((await chooseX25519()).name).toBe('webcrypto');
  });

  it('falls back to noble without WebCrypto X25519, or when it computes wrong answers', async () => {
    const noX25519 = {
      importKey: () => Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError')),
      generateKey: () => Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError')),
    } as unknown as SubtleCrypto;
    expect(await passesSelfTest(webCryptoX25519(noX25519, { strict: true }))).toBe(false);
    vi.stubGlobal('crypto', { subtle: noX25519, getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    expect((await chooseX25519()).name).toBe('noble');

    const wrong: X25519 = {
      name: 'webcrypto',
      dh: async (mine, peer) => {
        const out = await nobleX25519.dh(mine, peer);
        if (out) out[0]! ^= 1;
        return out;
      },
      freshDh: (peer) => nobleX25519.freshDh(peer),
    };
    expect(await passesSelfTest(wrong)).toBe(false);
    expect(await passesSelfTest(nobleX25519)).toBe(true);
  });
});

describe('the ratchet across backends', () => {
  /** A backend that alternates between WebCrypto and noble on every call. */
  function alternating(): X25519 {
    let turn = 0;
    const next = () => (turn++ % 2 === 0 ? webcrypto : nobleX25519);
    return { name: 'webcrypto', dh: (mine, peer) => next().dh(mine, peer), freshDh: (peer) => next().freshDh(peer) };
  }

  async function talk(aliceBackend: X25519, bobBackend: X25519) {
    const shared = randomBytes(32);
    const prekey = x25519KeyPair();
    const ad = randomBytes(64);
    useX25519(aliceBackend);
    let alice: RatchetState = await initInitiator(shared, prekey.publicKey, ad);
    let bob: RatchetState = initResponder(shared, prekey.secretKey, ad);
    for (let round = 0; round < 4; round++) {
      const a = ratchetEncrypt(alice, utf8(`a${round}`));
      alice = a.state;
      useX25519(bobBackend);
      const atBob = await ratchetDecrypt(bob, a.header, a.ciphertext, 0);
      if (!atBob.ok) throw new Error(`bob: ${atBob.error}`);
      expect(new TextDecoder().decode(atBob.plaintext)).toBe(`a${round}`);
      const b = ratchetEncrypt(atBob.state, utf8(`b${round}`));
      bob = b.state;
      useX25519(aliceBackend);
      const atAlice = await ratchetDecrypt(alice, b.header, b.ciphertext, 0);
      if (!atAlice.ok) throw new Error(`alice: ${atAlice.error}`);
      expect(new TextDecoder().decode(atAlice.plaintext)).toBe(`b${round}`);
      alice = atAlice.state;
    }
  }

  it('a WebCrypto peer and a noble peer talk through several DH steps', async () => {
    await talk(webcrypto, nobleX25519);
    await talk(nobleX25519, webcrypto);
    await talk(alternating(), alternating());
  });

  it('a state written on one backend continues on the other (same stored JSON)', async () => {
    const shared = randomBytes(32);
    const prekey = x25519KeyPair();
    const ad = randomBytes(64);
    useX25519(webcrypto);
    const alice = await initInitiator(shared, prekey.publicKey, ad);
    const first = ratchetEncrypt(alice, utf8('hello'));
    useX25519(nobleX25519);
    const bob = await ratchetDecrypt(initResponder(shared, prekey.secretKey, ad), first.header, first.ciphertext, 0);
    if (!bob.ok) throw new Error(bob.error);
    const reply = ratchetEncrypt(bob.state, utf8('hi'));
    // Alice's stored state (JSON) is read back and its WebCrypto-generated key used by noble.
    const restored = JSON.parse(JSON.stringify(first.state)) as RatchetState;
    const opened = await ratchetDecrypt(restored, reply.header, reply.ciphertext, 0);
    expect(opened.ok && new TextDecoder().decode(opened.plaintext)).toBe('hi');
  });
});

describe('a WebCrypto failure after the self-test', () => {
  it('falls back to noble for that operation instead of failing the decryption', async () => {
    const failing = {
      importKey: () => Promise.reject(new DOMException('busy', 'OperationError')),
      generateKey: () => Promise.reject(new DOMException('busy', 'OperationError')),
    } as unknown as SubtleCrypto;
    const backend = webCryptoX25519(failing);
    const a = x25519KeyPair();
    const b = x25519KeyPair();
    expect(toHex((await backend.dh(a, b.publicKey))!)).toBe(toHex(dh(a.secretKey, b.publicKey)!));
    const fresh = (await backend.freshDh(b.publicKey))!;
    expect(toHex(dh(b.secretKey, fresh.keyPair.publicKey)!)).toBe(toHex(fresh.shared));
    await expect(webCryptoX25519(failing, { strict: true }).freshDh(b.publicKey)).rejects.toThrow();
  });
});

describe('the handshake across backends', () => {
  it('an initiator on one backend and a responder on the other derive the same secret', async () => {
    for (const [first, second] of [
      [webcrypto, nobleX25519],
      [nobleX25519, webcrypto],
    ] as const) {
      const bob = createIdentity(0);
      const alice = createIdentity(0);
      useX25519(first);
      const a = await initiate(alice, createInvite(bob));
      if (!a.ok) throw new Error(a.error);
      useX25519(second);
      const b = await respond(bob, a.init, {});
      if (!b.ok) throw new Error(b.error);
      expect(toHex(b.result.sharedSecret)).toBe(toHex(a.result.sharedSecret));
    }
  });
});
