// X3DH-style handshake without one-time prekeys (there is no server to hand them out).
//
// The inviter (responder, B) posts an invite: identity key IK_B (Ed25519), signed prekey SPK_B
// (X25519), prekey id and signature. The accepting side (initiator, A) checks the signature and
// computes, with EK_A a fresh X25519 key and IK_x the Montgomery form of the Ed25519 identity keys:
//   DH1 = DH(IK_A, SPK_B)  DH2 = DH(EK_A, IK_B)  DH3 = DH(EK_A, SPK_B)
//   SK  = HKDF-SHA256(ikm = 0xFF*32 | DH1 | DH2 | DH3, salt = 0*32, info = "UIE1 X3DH", 32)
//   AD  = IK_A | IK_B (Ed25519 public keys, initiator first)
// The init (IK_A, EK_A, prekey id) travels with A's messages until B replies. Without one-time
// prekeys an attacker can replay an init: B remembers every ephemeral key seen per prekey and
// refuses a repeat, and rotating the prekey bounds how long that list must be kept.
// The DHs run on the X25519 the ratchet uses (./x25519: WebCrypto where it works), hence async.
import { findPrekey, type DeviceIdentity, type SignedPrekey, verifyPrekeySignature } from './identity';
import {
  concatBytes,
  constantTimeEqual,
  edPublicToX25519,
  edSecretToX25519,
  hkdfSha256,
  type KeyPair,
  sha256Digest,
  toBase64,
  utf8,
} from './primitives';
import { chooseX25519 } from './x25519';

export const PROTOCOL_VERSION = 1;
const X3DH_INFO = utf8('UIE1 X3DH');
const SESSION_ID_CONTEXT = utf8('UIE1 session id');
export const SESSION_ID_BYTES = 8;
/** Bound on remembered ephemeral keys per prekey (rotate the prekey long before this). */
export const MAX_SEEN_EPHEMERALS_PER_PREKEY = 5000;

export interface Invite {
  version: number;
  identityKey: Uint8Array;
  prekeyId: number;
  signedPrekey: Uint8Array;
  signature: Uint8Array;
}

export interface InitData {
  version: number;
  initiatorIdentityKey: Uint8Array;
  ephemeralKey: Uint8Array;
  prekeyId: number;
}

export interface HandshakeResult {
  sharedSecret: Uint8Array;
  /** IK_initiator | IK_responder (Ed25519 public keys). */
  associatedData: Uint8Array;
  sessionId: Uint8Array;
}

export type HandshakeError = 'bad-signature' | 'bad-key' | 'own-invite' | 'unknown-prekey' | 'replay' | 'version';

export function createInvite(device: DeviceIdentity): Invite {
  return {
    version: PROTOCOL_VERSION,
    identityKey: device.identity.publicKey,
    prekeyId: device.signedPrekey.id,
    signedPrekey: device.signedPrekey.keyPair.publicKey,
    signature: device.signedPrekey.signature,
  };
}

export function verifyInvite(invite: Invite): boolean {
  return (
    invite.version === PROTOCOL_VERSION && verifyPrekeySignature(invite.identityKey, invite.prekeyId, invite.signedPrekey, invite.signature)
  );
}

export function deriveSessionId(associatedData: Uint8Array, ephemeralKey: Uint8Array): Uint8Array {
  return sha256Digest(concatBytes(SESSION_ID_CONTEXT, associatedData, ephemeralKey)).subarray(0, SESSION_ID_BYTES);
}

function kdfX3dh(dh1: Uint8Array, dh2: Uint8Array, dh3: Uint8Array): Uint8Array {
  const padding = new Uint8Array(32).fill(0xff);
  return hkdfSha256(concatBytes(padding, dh1, dh2, dh3), new Uint8Array(32), X3DH_INFO, 32);
}

/** Our Ed25519 identity as an X25519 key pair (both halves: WebCrypto imports need the public one). */
function identityX25519(device: DeviceIdentity): KeyPair | null {
  const publicKey = edPublicToX25519(device.identity.publicKey);
  return publicKey && { secretKey: edSecretToX25519(device.identity.secretKey), publicKey };
}

/** Initiator side: checks the invite and derives the shared secret and the init to send. */
export async function initiate(
  device: DeviceIdentity,
  invite: Invite,
): Promise<{ ok: true; result: HandshakeResult; init: InitData; responderRatchetKey: Uint8Array } | { ok: false; error: HandshakeError }> {
  if (invite.version !== PROTOCOL_VERSION) return { ok: false, error: 'version' };
  if (!verifyInvite(invite)) return { ok: false, error: 'bad-signature' };
  if (constantTimeEqual(invite.identityKey, device.identity.publicKey)) return { ok: false, error: 'own-invite' };
  const responderIdentityX = edPublicToX25519(invite.identityKey);
  if (!responderIdentityX) return { ok: false, error: 'bad-key' };
  const myIdentityX = identityX25519(device);
  if (!myIdentityX) return { ok: false, error: 'bad-key' };
  const x25519 = await chooseX25519();
  const [dh1, fresh] = await Promise.all([x25519.dh(myIdentityX, invite.signedPrekey), x25519.freshDh(responderIdentityX)]);
  if (!dh1 || !fresh) return { ok: false, error: 'bad-key' };
  const ephemeral: KeyPair = fresh.keyPair;
  const dh2 = fresh.shared;
  const dh3 = await x25519.dh(ephemeral, invite.signedPrekey);
  if (!dh3) return { ok: false, error: 'bad-key' };
  const associatedData = concatBytes(device.identity.publicKey, invite.identityKey);
  return {
    ok: true,
    result: {
      sharedSecret: kdfX3dh(dh1, dh2, dh3),
      associatedData,
      sessionId: deriveSessionId(associatedData, ephemeral.publicKey),
    },
    init: {
      version: PROTOCOL_VERSION,
      initiatorIdentityKey: device.identity.publicKey,
      ephemeralKey: ephemeral.publicKey,
      prekeyId: invite.prekeyId,
    },
    responderRatchetKey: invite.signedPrekey,
  };
}

/** Ephemeral keys already used in an init, per prekey id (base64), for replay refusal. JSON-able. */
export type SeenEphemerals = Record<string, string[]>;

export function hasSeenEphemeral(seen: SeenEphemerals, init: InitData): boolean {
  return (seen[String(init.prekeyId)] ?? []).includes(toBase64(init.ephemeralKey));
}

/** Returns a new record with the init's ephemeral key added, dropping prekeys the device no longer has. */
export function rememberEphemeral(seen: SeenEphemerals, init: InitData, device: DeviceIdentity): SeenEphemerals {
  const live = new Set([device.signedPrekey.id, ...device.previousPrekeys.map((p) => p.id)].map(String));
  const next: SeenEphemerals = {};
  for (const [id, list] of Object.entries(seen)) if (live.has(id)) next[id] = list;
  const key = String(init.prekeyId);
  next[key] = [...(next[key] ?? []), toBase64(init.ephemeralKey)].slice(-MAX_SEEN_EPHEMERALS_PER_PREKEY);
  return next;
}

/** Responder side: derives the same secret from an init; refuses replays and unknown prekeys. */
export async function respond(
  device: DeviceIdentity,
  init: InitData,
  seen: SeenEphemerals,
): Promise<{ ok: true; result: HandshakeResult; prekey: SignedPrekey } | { ok: false; error: HandshakeError }> {
  if (init.version !== PROTOCOL_VERSION) return { ok: false, error: 'version' };
  if (constantTimeEqual(init.initiatorIdentityKey, device.identity.publicKey)) return { ok: false, error: 'own-invite' };
  const prekey = findPrekey(device, init.prekeyId);
  if (!prekey) return { ok: false, error: 'unknown-prekey' };
  if (hasSeenEphemeral(seen, init)) return { ok: false, error: 'replay' };
  const initiatorIdentityX = edPublicToX25519(init.initiatorIdentityKey);
  if (!initiatorIdentityX) return { ok: false, error: 'bad-key' };
  const myIdentityX = identityX25519(device);
  if (!myIdentityX) return { ok: false, error: 'bad-key' };
  const x25519 = await chooseX25519();
  const [dh1, dh2, dh3] = await Promise.all([
    x25519.dh(prekey.keyPair, initiatorIdentityX),
    x25519.dh(myIdentityX, init.ephemeralKey),
    x25519.dh(prekey.keyPair, init.ephemeralKey),
  ]);
  if (!dh1 || !dh2 || !dh3) return { ok: false, error: 'bad-key' };
  const associatedData = concatBytes(init.initiatorIdentityKey, device.identity.publicKey);
  return {
    ok: true,
    result: {
      sharedSecret: kdfX3dh(dh1, dh2, dh3),
      associatedData,
      sessionId: deriveSessionId(associatedData, init.ephemeralKey),
    },
    prekey,
  };
}
