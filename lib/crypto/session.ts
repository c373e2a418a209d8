// High-level facade for the background (the single owner of crypto state). Pure: every call takes
// state and returns new state; nothing here stores, logs or posts anything. Save the returned
// session BEFORE handing its armored parts to a page, and re-post the same parts on retry.
// acceptInvite, openInit and decrypt are async (X25519 may run on WebCrypto): never run two of
// them, or one and encrypt, on the same session at once.
import { type ArmorPlatform, armorEnvelope, findArmored, joinParts } from './armor';
import { type Envelope, encodeEnvelope, type MessageBody, parseEnvelope } from './envelope';
import {
  createInvite as createHandshakeInvite,
  type HandshakeError,
  initiate,
  type InitData,
  type Invite,
  rememberEphemeral,
  respond,
  type SeenEphemerals,
} from './handshake';
import type { DeviceIdentity } from './identity';
import { constantTimeEqual, fromBase64, fromHex, fromUtf8, toBase64, toHex, utf8 } from './primitives';
import { initInitiator, initResponder, isRatchetState, type RatchetState, ratchetDecrypt, ratchetEncrypt, type Role } from './ratchet';
import { identitySafetyNumber } from './safety-number';

/** Largest plaintext accepted for one message (UTF-8 bytes). */
export const MAX_PLAINTEXT_BYTES = 32 * 1024;
/** Plaintexts are padded to a multiple of this, hiding exact lengths. */
const PAD_BLOCK = 16;

export interface PendingInitJSON {
  initiatorIdentityKey: string;
  ephemeralKey: string;
  prekeyId: number;
}

/** One encrypted conversation with one peer device. Fully JSON-able. */
export interface Session {
  v: 1;
  /** Hex of the 8-byte id carried by every message of this session. */
  sessionId: string;
  role: Role;
  myIdentityKey: string;
  peerIdentityKey: string;
  ratchet: RatchetState;
  /** Initiator only: handshake data repeated on every message until the peer's first reply decrypts. */
  pendingInit: PendingInitJSON | null;
  createdAt: number;
}

export type SessionError =
  | 'malformed' // not our format, or an armored text that does not decode
  | 'modified' // the ciphertext was changed (edited, corrupted, forged): show "modified/unverifiable"
  | 'replay' // an already decrypted message (or a reflected one): show the cached plaintext, if any
  | 'unknown-session' // belongs to another session (or none yet)
  | 'incomplete' // some parts of a multi-part message are still missing
  | 'too-far' // too many messages skipped
  | 'not-a-message' // an invite where a message was expected, or the reverse
  | 'too-long'
  | HandshakeError;

export type Failure = { ok: false; error: SessionError };

export type EnvelopeInput = string | Uint8Array;

export interface Outgoing {
  session: Session;
  /** The binary envelope (e.g. to store for retries). */
  envelope: Uint8Array;
  /** Text parts to post, in order, each within the platform's limit. */
  armoredParts: string[];
}

/** Reads armored text (all parts present) or raw envelope bytes. */
export function readEnvelope(input: EnvelopeInput): { ok: true; envelope: Envelope; bytes: Uint8Array } | Failure {
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    const { parts, rejected } = findArmored(input);
    if (parts.length === 0) return { ok: false, error: rejected > 0 ? 'modified' : 'malformed' };
    const joined = joinParts(parts);
    if (!joined) {
      const first = parts[0]!;
      const sameMessage = parts.every((p) => p.messageId === first.messageId && p.total === first.total);
      const distinct = new Set(parts.map((p) => p.index)).size;
      return { ok: false, error: sameMessage && distinct < first.total && rejected === 0 ? 'incomplete' : 'modified' };
    }
    bytes = joined;
  } else {
    bytes = input;
  }
  const parsed = parseEnvelope(bytes);
  if (!parsed.ok) return { ok: false, error: 'malformed' };
  return { ok: true, envelope: parsed.envelope, bytes };
}

/** What an envelope is, for routing to the right session without decrypting. */
export type EnvelopeInfo =
  | { type: 'invite'; identityKey: string }
  | { type: 'init-message'; sessionId: string; initiatorIdentityKey: string; prekeyId: number }
  | { type: 'message'; sessionId: string };

export function inspectEnvelope(input: EnvelopeInput): { ok: true; info: EnvelopeInfo } | Failure {
  const read = readEnvelope(input);
  if (!read.ok) return read;
  const e = read.envelope;
  switch (e.type) {
    case 'invite':
      return { ok: true, info: { type: 'invite', identityKey: toBase64(e.invite.identityKey) } };
    case 'init-message':
      return {
        ok: true,
        info: {
          type: 'init-message',
          sessionId: toHex(e.message.sessionId),
          initiatorIdentityKey: toBase64(e.init.initiatorIdentityKey),
          prekeyId: e.init.prekeyId,
        },
      };
    case 'message':
      return { ok: true, info: { type: 'message', sessionId: toHex(e.message.sessionId) } };
  }
}

function pad(plaintext: Uint8Array): Uint8Array {
  // ISO/IEC 7816-4: 0x80 then zeros up to the block size.
  const length = (Math.floor(plaintext.length / PAD_BLOCK) + 1) * PAD_BLOCK;
  const out = new Uint8Array(length);
  out.set(plaintext);
  out[plaintext.length] = 0x80;
  return out;
}

function unpad(padded: Uint8Array): Uint8Array | null {
  let i = padded.length - 1;
  while (i >= 0 && padded[i] === 0) i--;
  if (i < 0 || padded[i] !== 0x80) return null;
  return padded.slice(0, i);
}

/** The invite to post into a conversation (armored) to offer an encrypted session. */
export function createInvite(
  device: DeviceIdentity,
  platform: ArmorPlatform | number,
): { invite: Invite; envelope: Uint8Array; armoredParts: string[] } {
  const invite = createHandshakeInvite(device);
  const envelope = encodeEnvelope({ type: 'invite', invite });
  return { invite, envelope, armoredParts: armorEnvelope(envelope, platform) };
}

function encryptInto(session: Session, plaintext: string, platform: ArmorPlatform | number): Outgoing | Failure {
  const bytes = utf8(plaintext);
  if (bytes.length > MAX_PLAINTEXT_BYTES) return { ok: false, error: 'too-long' };
  const out = ratchetEncrypt(session.ratchet, pad(bytes));
  const message: MessageBody = { sessionId: fromHex(session.sessionId), header: out.header, ciphertext: out.ciphertext };
  const pending = session.pendingInit;
  const envelope = encodeEnvelope(
    pending
      ? {
          type: 'init-message',
          init: {
            version: 1,
            initiatorIdentityKey: fromBase64(pending.initiatorIdentityKey, 32)!,
            ephemeralKey: fromBase64(pending.ephemeralKey, 32)!,
            prekeyId: pending.prekeyId,
          },
          message,
        }
      : { type: 'message', message },
  );
  return { session: { ...session, ratchet: out.state }, envelope, armoredParts: armorEnvelope(envelope, platform) };
}

/**
 * Answers a peer's invite: verifies it, creates the session (we are the initiator) and returns the
 * init envelope to post, which carries `firstMessage` (empty by default: a key confirmation).
 */
export async function acceptInvite(
  device: DeviceIdentity,
  input: EnvelopeInput | Invite,
  options: { platform: ArmorPlatform | number; now: number; firstMessage?: string },
): Promise<({ ok: true; peerIdentityKey: Uint8Array } & Outgoing) | Failure> {
  let invite: Invite;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const read = readEnvelope(input);
    if (!read.ok) return read;
    if (read.envelope.type !== 'invite') return { ok: false, error: 'not-a-message' };
    invite = read.envelope.invite;
  } else {
    invite = input;
  }
  const handshake = await initiate(device, invite);
  if (!handshake.ok) return handshake;
  const { result, init } = handshake;
  const session: Session = {
    v: 1,
    sessionId: toHex(result.sessionId),
    role: 'initiator',
    myIdentityKey: toBase64(device.identity.publicKey),
    peerIdentityKey: toBase64(invite.identityKey),
    ratchet: await initInitiator(result.sharedSecret, handshake.responderRatchetKey, result.associatedData),
    pendingInit: {
      initiatorIdentityKey: toBase64(init.initiatorIdentityKey),
      ephemeralKey: toBase64(init.ephemeralKey),
      prekeyId: init.prekeyId,
    },
    createdAt: options.now,
  };
  const out = encryptInto(session, options.firstMessage ?? '', options.platform);
  if (!('session' in out)) return out;
  return { ok: true, peerIdentityKey: invite.identityKey, ...out };
}

async function decryptBody(
  session: Session,
  message: MessageBody,
  now: number,
): Promise<{ ok: true; session: Session; plaintext: string } | Failure> {
  if (!constantTimeEqual(message.sessionId, fromHex(session.sessionId))) return { ok: false, error: 'unknown-session' };
  const result = await ratchetDecrypt(session.ratchet, message.header, message.ciphertext, now);
  if (!result.ok) return result;
  const unpadded = unpad(result.plaintext);
  const text = unpadded && fromUtf8(unpadded);
  if (text === null) return { ok: false, error: 'malformed' };
  return {
    ok: true,
    // The peer's reply proves it has the session: stop repeating the handshake data.
    session: { ...session, ratchet: result.state, pendingInit: session.role === 'initiator' ? null : session.pendingInit },
    plaintext: text,
  };
}

/**
 * Inviter side: opens an init (a peer accepted our invite) with no session for it yet. Refuses an
 * init whose ephemeral key was already used (replay). Returns the new session, the updated replay
 * record and the first message. Rotate the signed prekey afterwards (identity.rotateSignedPrekey).
 */
export async function openInit(
  device: DeviceIdentity,
  seen: SeenEphemerals,
  input: EnvelopeInput,
  now: number,
): Promise<{ ok: true; session: Session; seen: SeenEphemerals; plaintext: string; peerIdentityKey: Uint8Array } | Failure> {
  const read = readEnvelope(input);
  if (!read.ok) return read;
  if (read.envelope.type !== 'init-message') return { ok: false, error: 'not-a-message' };
  const { init, message } = read.envelope;
  const handshake = await respond(device, init, seen);
  if (!handshake.ok) return handshake;
  const { result, prekey } = handshake;
  const session: Session = {
    v: 1,
    sessionId: toHex(result.sessionId),
    role: 'responder',
    myIdentityKey: toBase64(device.identity.publicKey),
    peerIdentityKey: toBase64(init.initiatorIdentityKey),
    ratchet: initResponder(result.sharedSecret, prekey.keyPair.secretKey, result.associatedData),
    pendingInit: null,
    createdAt: now,
  };
  // The session id is derived from the init, so a mismatch means the envelope was altered.
  const opened = await decryptBody(session, message, now);
  if (!opened.ok) return { ok: false, error: opened.error === 'unknown-session' ? 'modified' : opened.error };
  return {
    ok: true,
    session: opened.session,
    seen: rememberEphemeral(seen, init as InitData, device),
    plaintext: opened.plaintext,
    peerIdentityKey: init.initiatorIdentityKey,
  };
}

/** Encrypts a text message for the session. Save the returned session before posting the parts. */
export function encrypt(session: Session, plaintext: string, platform: ArmorPlatform | number): ({ ok: true } & Outgoing) | Failure {
  if (!session.ratchet.sendingChainKey) return { ok: false, error: 'unknown-session' };
  const out = encryptInto(session, plaintext, platform);
  return 'session' in out ? { ok: true, ...out } : out;
}

/** Decrypts one armored message (all its parts) or envelope bytes belonging to this session. */
export async function decrypt(
  session: Session,
  input: EnvelopeInput,
  now: number,
): Promise<{ ok: true; session: Session; plaintext: string } | Failure> {
  const read = readEnvelope(input);
  if (!read.ok) return read;
  if (read.envelope.type === 'invite') return { ok: false, error: 'not-a-message' };
  return decryptBody(session, read.envelope.message, now);
}

/** The 60-digit safety number of this session's two identity keys. */
export function sessionSafetyNumber(session: Session): string {
  return identitySafetyNumber(fromBase64(session.myIdentityKey, 32)!, fromBase64(session.peerIdentityKey, 32)!);
}

/** Validates a stored session (shape and key sizes). */
export function parseSession(value: unknown): Session | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  if (s.v !== 1 || typeof s.sessionId !== 'string' || !/^[0-9a-f]{16}$/.test(s.sessionId)) return null;
  if (s.role !== 'initiator' && s.role !== 'responder') return null;
  if (!fromBase64(s.myIdentityKey, 32) || !fromBase64(s.peerIdentityKey, 32)) return null;
  if (!isRatchetState(s.ratchet) || s.ratchet.role !== s.role) return null;
  if (typeof s.createdAt !== 'number') return null;
  const p = s.pendingInit as Record<string, unknown> | null;
  if (p !== null) {
    if (typeof p !== 'object' || !fromBase64(p.initiatorIdentityKey, 32) || !fromBase64(p.ephemeralKey, 32)) return null;
    if (typeof p.prekeyId !== 'number' || !Number.isInteger(p.prekeyId) || p.prekeyId < 0 || p.prekeyId > 0xffffffff) return null;
  }
  return value as Session;
}
