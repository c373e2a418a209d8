// X25519 for the Double Ratchet, on the platform's WebCrypto where it works and on @noble/curves
// otherwise. Pure-JS X25519 costs ~1.3 ms per DH (a ratchet step needs two plus a key pair, ~3 ms);
// native WebCrypto does the whole step in well under 1 ms, but only asynchronously.
//
// Both backends take and return raw 32-byte keys, so ratchet state stays the same JSON (base64)
// whichever computed it, and the bytes on the wire do not depend on the backend. WebCrypto is used
// only after a known-answer self-test (RFC 7748 §6.1) passes; any WebCrypto refusal of a peer key
// is handed to noble, which then decides (so both backends accept and refuse exactly the same keys).
import { base64urlnopad } from '@scure/base';
import { constantTimeEqual, fromHex } from './bytes';
import { dh as nobleDh, type KeyPair, x25519KeyPair as nobleKeyPair } from './primitives';

export interface X25519 {
  readonly name: 'webcrypto' | 'noble';
  /** DH of our key pair (its public half lets WebCrypto import it) with a peer key; null if refused. */
  dh(mine: KeyPair, peerPublicKey: Uint8Array): Promise<Uint8Array | null>;
  /** A fresh random key pair and its DH with a peer key; null if the peer key is refused. */
  freshDh(peerPublicKey: Uint8Array): Promise<{ keyPair: KeyPair; shared: Uint8Array } | null>;
}

export const nobleX25519: X25519 = {
  name: 'noble',
  async dh(mine, peerPublicKey) {
    return nobleDh(mine.secretKey, peerPublicKey);
  },
  async freshDh(peerPublicKey) {
    const keyPair = nobleKeyPair();
    const shared = nobleDh(keyPair.secretKey, peerPublicKey);
    return shared ? { keyPair, shared } : null;
  },
};

const ALGORITHM = { name: 'X25519' } as const;

/** WebCrypto wants ArrayBuffer-backed views. */
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

function jwkBytes(value: string | undefined): Uint8Array | null {
  if (typeof value !== 'string') return null;
  try {
    const bytes = base64urlnopad.decode(value);
    return bytes.length === 32 ? bytes : null;
  } catch {
    return null;
  }
}

function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

/**
 * X25519 on a SubtleCrypto. Not self-tested: use `chooseX25519` unless testing the backend itself.
 * `strict` leaves out the noble fallback for refused keys (the self-test checks WebCrypto alone).
 */
export function webCryptoX25519(subtle: SubtleCrypto, { strict = false } = {}): X25519 {
  const fallback = (secretKey: Uint8Array, peerPublicKey: Uint8Array) => (strict ? null : nobleDh(secretKey, peerPublicKey));
  const importPeer = (peerPublicKey: Uint8Array) => subtle.importKey('raw', buffer(peerPublicKey), ALGORITHM, false, []);
  const derive = async (privateKey: CryptoKey, publicKey: CryptoKey): Promise<Uint8Array | null> => {
    const bits = new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: publicKey }, privateKey, 256));
    return bits.length === 32 && !isAllZero(bits) ? bits : null;
  };
  return {
    name: 'webcrypto',
    async dh(mine, peerPublicKey) {
      if (mine.secretKey.length !== 32 || mine.publicKey.length !== 32 || peerPublicKey.length !== 32) return null;
      try {
        const privateKey = await subtle.importKey(
          'jwk',
          { kty: 'OKP', crv: 'X25519', d: base64urlnopad.encode(mine.secretKey), x: base64urlnopad.encode(mine.publicKey) },
          ALGORITHM,
          false,
          ['deriveBits'],
        );
        const shared = await derive(privateKey, await importPeer(peerPublicKey));
        if (shared) return shared;
      } catch {
        // fall through: noble decides on keys WebCrypto refuses
      }
      return fallback(mine.secretKey, peerPublicKey);
    },
    async freshDh(peerPublicKey) {
      if (peerPublicKey.length !== 32) return null;
      let pair: CryptoKeyPair;
      let keyPair: KeyPair;
      try {
        pair = (await subtle.generateKey(ALGORITHM, true, ['deriveBits'])) as CryptoKeyPair;
        const jwk = await subtle.exportKey('jwk', pair.privateKey);
        const secretKey = jwkBytes(jwk.d);
        const publicKey = jwkBytes(jwk.x);
        if (!secretKey || !publicKey) throw new Error('x25519: WebCrypto exported a malformed key');
        keyPair = { secretKey, publicKey };
      } catch (e) {
        if (strict) throw e;
        return nobleX25519.freshDh(peerPublicKey); // a key pair is a key pair: noble's will do
      }
      const { secretKey } = keyPair;
      let shared: Uint8Array | null = null;
      try {
        shared = await derive(pair.privateKey, await importPeer(peerPublicKey));
      } catch {
        // fall through
      }
      shared ??= fallback(secretKey, peerPublicKey);
      return shared ? { keyPair, shared } : null;
    },
  };
}

// RFC 7748 §6.1.
const KAT = {
  alice: {
    secretKey: fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
    publicKey: fromHex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'),
  },
  bobPublicKey: fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'),
  shared: fromHex('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'),
};

/**
 * True when `backend` computes RFC 7748's answer and its fresh key pairs are consistent (the
 * exported public key is the secret's: DH is symmetric with a known pair), so its keys and secrets
 * are the ones noble would produce.
 */
export async function passesSelfTest(backend: X25519): Promise<boolean> {
  try {
    const known = await backend.dh(KAT.alice, KAT.bobPublicKey);
    if (!known || !constantTimeEqual(known, KAT.shared)) return false;
    const fresh = await backend.freshDh(KAT.alice.publicKey);
    if (!fresh) return false;
    const back = await backend.dh(KAT.alice, fresh.keyPair.publicKey);
    const again = await backend.dh(fresh.keyPair, KAT.alice.publicKey);
    return !!back && !!again && constantTimeEqual(back, fresh.shared) && constantTimeEqual(again, fresh.shared);
  } catch {
    return false;
  }
}

let chosen: Promise<X25519> | null = null;

/** The backend for this context, chosen once: WebCrypto if present and self-tested, else noble. */
export function chooseX25519(): Promise<X25519> {
  chosen ??= (async () => {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) return nobleX25519;
    return (await passesSelfTest(webCryptoX25519(subtle, { strict: true }))) ? webCryptoX25519(subtle) : nobleX25519;
  })();
  return chosen;
}

/** Pins a backend (tests, the bench); null chooses again on next use. */
export function useX25519(backend: X25519 | null): void {
  chosen = backend ? Promise.resolve(backend) : null;
}
