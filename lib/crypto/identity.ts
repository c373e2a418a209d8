// Per-device identity: a long-term Ed25519 key (signs, and converts to X25519 for the handshake) and
// a signed X25519 prekey that is rotated; a few previous prekeys are kept so that an init answering
// an older invite still works for a while.
import {
  concatBytes,
  ed25519KeyPair,
  ed25519PublicKey,
  fromBase64,
  type KeyPair,
  randomBytes,
  sign,
  toBase64,
  utf8,
  verify,
  x25519KeyPair,
  x25519PublicKey,
} from './primitives';

export interface SignedPrekey {
  id: number;
  keyPair: KeyPair;
  signature: Uint8Array;
  createdAt: number;
}

export interface DeviceIdentity {
  /** Ed25519 identity key pair. */
  identity: KeyPair;
  signedPrekey: SignedPrekey;
  /** Newest first; at most MAX_PREVIOUS_PREKEYS. */
  previousPrekeys: SignedPrekey[];
}

export const MAX_PREVIOUS_PREKEYS = 2;
/** Rotate the signed prekey after a week, or right after a session was set up from it. */
export const PREKEY_MAX_AGE_MS = 7 * 24 * 3600_000;

const PREKEY_SIGNATURE_CONTEXT = utf8('UIE1 signed prekey');

export function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

/** The exact bytes the identity key signs for a prekey (domain-separated, id-bound). */
export function prekeySignatureMessage(prekeyId: number, prekeyPublic: Uint8Array): Uint8Array {
  return concatBytes(PREKEY_SIGNATURE_CONTEXT, u32(prekeyId), prekeyPublic);
}

export function verifyPrekeySignature(identityKey: Uint8Array, prekeyId: number, prekeyPublic: Uint8Array, signature: Uint8Array): boolean {
  return verify(identityKey, prekeySignatureMessage(prekeyId, prekeyPublic), signature);
}

function newSignedPrekey(identity: KeyPair, id: number, now: number): SignedPrekey {
  const keyPair = x25519KeyPair();
  return {
    id: id >>> 0,
    keyPair,
    signature: sign(identity.secretKey, prekeySignatureMessage(id >>> 0, keyPair.publicKey)),
    createdAt: now,
  };
}

export function createIdentity(now: number): DeviceIdentity {
  const identity = ed25519KeyPair();
  const firstId = new DataView(randomBytes(4).buffer).getUint32(0);
  return { identity, signedPrekey: newSignedPrekey(identity, firstId, now), previousPrekeys: [] };
}

/** Returns a new identity with a fresh signed prekey; the current one moves to `previousPrekeys`. */
export function rotateSignedPrekey(device: DeviceIdentity, now: number): DeviceIdentity {
  const next = newSignedPrekey(device.identity, (device.signedPrekey.id + 1) >>> 0, now);
  return {
    identity: device.identity,
    signedPrekey: next,
    previousPrekeys: [device.signedPrekey, ...device.previousPrekeys].slice(0, MAX_PREVIOUS_PREKEYS),
  };
}

export function prekeyNeedsRotation(device: DeviceIdentity, now: number): boolean {
  return now - device.signedPrekey.createdAt > PREKEY_MAX_AGE_MS;
}

export function findPrekey(device: DeviceIdentity, id: number): SignedPrekey | null {
  if (device.signedPrekey.id === id) return device.signedPrekey;
  return device.previousPrekeys.find((p) => p.id === id) ?? null;
}

// ---- Storage form: plain JSON with base64 strings ----

export interface SignedPrekeyJSON {
  id: number;
  secretKey: string;
  publicKey: string;
  signature: string;
  createdAt: number;
}
export interface DeviceIdentityJSON {
  v: 1;
  identitySecretKey: string;
  identityPublicKey: string;
  signedPrekey: SignedPrekeyJSON;
  previousPrekeys: SignedPrekeyJSON[];
}

function prekeyToJSON(p: SignedPrekey): SignedPrekeyJSON {
  return {
    id: p.id,
    secretKey: toBase64(p.keyPair.secretKey),
    publicKey: toBase64(p.keyPair.publicKey),
    signature: toBase64(p.signature),
    createdAt: p.createdAt,
  };
}

export function serializeIdentity(device: DeviceIdentity): DeviceIdentityJSON {
  return {
    v: 1,
    identitySecretKey: toBase64(device.identity.secretKey),
    identityPublicKey: toBase64(device.identity.publicKey),
    signedPrekey: prekeyToJSON(device.signedPrekey),
    previousPrekeys: device.previousPrekeys.map(prekeyToJSON),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function prekeyFromJSON(value: unknown, identityPublic: Uint8Array): SignedPrekey | null {
  if (!isRecord(value)) return null;
  const { id, createdAt } = value;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff) return null;
  if (typeof createdAt !== 'number' || !Number.isFinite(createdAt)) return null;
  const secretKey = fromBase64(value.secretKey, 32);
  const publicKey = fromBase64(value.publicKey, 32);
  const signature = fromBase64(value.signature, 64);
  if (!secretKey || !publicKey || !signature) return null;
  // Refuse stored data that is internally inconsistent rather than using it.
  if (x25519PublicKey(secretKey).some((b, i) => b !== publicKey[i])) return null;
  if (!verifyPrekeySignature(identityPublic, id, publicKey, signature)) return null;
  return { id, keyPair: { secretKey, publicKey }, signature, createdAt };
}

/** Parses stored identity JSON; null when anything is missing or inconsistent. */
export function parseIdentity(value: unknown): DeviceIdentity | null {
  if (!isRecord(value) || value.v !== 1) return null;
  const secretKey = fromBase64(value.identitySecretKey, 32);
  const publicKey = fromBase64(value.identityPublicKey, 32);
  if (!secretKey || !publicKey) return null;
  if (ed25519PublicKey(secretKey).some((b, i) => b !== publicKey[i])) return null;
  const signedPrekey = prekeyFromJSON(value.signedPrekey, publicKey);
  if (!signedPrekey || !Array.isArray(value.previousPrekeys)) return null;
  const previousPrekeys: SignedPrekey[] = [];
  for (const p of value.previousPrekeys.slice(0, MAX_PREVIOUS_PREKEYS)) {
    const parsed = prekeyFromJSON(p, publicKey);
    if (!parsed) return null;
    previousPrekeys.push(parsed);
  }
  return { identity: { secretKey, publicKey }, signedPrekey, previousPrekeys };
}
