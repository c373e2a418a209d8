// Double Ratchet (Signal specification rev. 1, 2016), with state as plain JSON (base64 strings).
//
//   KDF_RK(rk, dhOut) = HKDF-SHA256(ikm = dhOut, salt = rk, info = "UIE1 ratchet", 64) → (rk', ck)
//   KDF_CK(ck)        = (ck' = HMAC-SHA256(ck, 0x02), mk = HMAC-SHA256(ck, 0x01))
//   mk → HKDF-SHA256(ikm = mk, salt = 0*32, info = "UIE1 message", 56) → key(32) | nonce(24)
//   AEAD = XChaCha20-Poly1305, AAD = "UIE1 msg" | IK_initiator | IK_responder | senderRole | header
//   header = ratchetPublicKey(32) | previousChainLength(u32 BE) | messageNumber(u32 BE)
//
// The sender's role in the AAD makes a reflected message (sent back to its author) fail. Every
// function returns a new state and leaves its input untouched, so a failed decryption (tampered,
// replayed, forged) cannot corrupt the session. A message key is deleted once used, so a decrypted
// (ratchet key, number) pair never decrypts twice.
//
// The DH parts (initInitiator, a decryption that turns the ratchet) are async: they run on
// WebCrypto's native X25519 where available (./x25519). Callers must not run two operations on
// one session at once (the background's manager queues them).
import { fromBase64, hkdfSha256, hkdfSha256ZeroSalt, hmacSha256Each, open, seal, toBase64, utf8, x25519PublicKey } from './primitives';
import { chooseX25519 } from './x25519';

export type Role = 'initiator' | 'responder';

export const HEADER_BYTES = 40;
/** Largest gap accepted in one chain (messages lost or still in flight). */
export const MAX_SKIP = 2000;
/** Most skipped message keys kept; the oldest are dropped first. */
export const MAX_STORED_SKIPPED_KEYS = 1000;
/** Skipped keys expire: a message lost for longer will not decrypt later. */
export const SKIPPED_KEY_TTL_MS = 30 * 24 * 3600_000;
/** Peer ratchet keys we moved past, remembered to name old messages "replay" rather than "modified". */
const MAX_RETIRED_KEYS = 50;
const MAX_COUNTER = 0xffffffff;

const RK_INFO = utf8('UIE1 ratchet');
const MK_INFO = utf8('UIE1 message');
const AAD_CONTEXT = utf8('UIE1 msg');
const ROLE_INITIATOR = Uint8Array.of(1);
const ROLE_RESPONDER = Uint8Array.of(2);
const MESSAGE_KEY_CONSTANT = Uint8Array.of(0x01);
const CHAIN_KEY_CONSTANT = Uint8Array.of(0x02);

export interface SkippedKey {
  /** Base64 of the peer ratchet public key. */
  dh: string;
  n: number;
  /** Base64 message key. */
  mk: string;
  expiresAt: number;
}

/** Fully JSON-able. Bytes are base64 strings. */
export interface RatchetState {
  v: 1;
  role: Role;
  /** IK_initiator | IK_responder. */
  associatedData: string;
  rootKey: string;
  sendingSecretKey: string;
  sendingPublicKey: string;
  receivingKey: string | null;
  sendingChainKey: string | null;
  receivingChainKey: string | null;
  sendCount: number;
  receiveCount: number;
  previousSendCount: number;
  skipped: SkippedKey[];
  retiredReceivingKeys: string[];
}

export interface Header {
  dh: Uint8Array;
  previousChainLength: number;
  messageNumber: number;
}

export type RatchetError = 'modified' | 'replay' | 'too-far' | 'malformed';

function b(text: string): Uint8Array {
  const bytes = fromBase64(text);
  if (!bytes) throw new Error('ratchet: corrupt state');
  return bytes;
}

// Big-endian by hand: a DataView would move the (small, on-heap) array's bytes into an ArrayBuffer
// of its own, one more for the collector's helper thread to free (see ./mac).
function putUint32(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = n >>> 16;
  out[at + 2] = n >>> 8;
  out[at + 3] = n;
}

function getUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

export function encodeHeader(header: Header): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  out.set(header.dh, 0);
  putUint32(out, 32, header.previousChainLength);
  putUint32(out, 36, header.messageNumber);
  return out;
}

export function decodeHeader(bytes: Uint8Array): Header | null {
  if (bytes.length !== HEADER_BYTES) return null;
  return { dh: bytes.slice(0, 32), previousChainLength: getUint32(bytes, 32), messageNumber: getUint32(bytes, 36) };
}

function kdfRootKey(rootKey: Uint8Array, dhOut: Uint8Array): { rootKey: Uint8Array; chainKey: Uint8Array } {
  const out = hkdfSha256(dhOut, rootKey, RK_INFO, 64);
  return { rootKey: out.slice(0, 32), chainKey: out.slice(32) };
}

function kdfChainKey(chainKey: Uint8Array): { chainKey: Uint8Array; messageKey: Uint8Array } {
  const [next, messageKey] = hmacSha256Each(chainKey, [CHAIN_KEY_CONSTANT, MESSAGE_KEY_CONSTANT]);
  return { chainKey: next!, messageKey: messageKey! };
}

function messageCipherParams(messageKey: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const out = hkdfSha256ZeroSalt(messageKey, MK_INFO, 56);
  return { key: out.slice(0, 32), nonce: out.slice(32) };
}

/** Grown as needed, never shrunk: the AAD is read only inside the seal or open it is built for. */
let aadBuffer = new Uint8Array(256);

/** The AAD of one message, in a reused buffer (valid until the next call; see ./mac for why). */
function aad(associatedData: Uint8Array, sender: Role, header: Uint8Array): Uint8Array {
  const length = AAD_CONTEXT.length + associatedData.length + 1 + header.length;
  if (aadBuffer.length < length) aadBuffer = new Uint8Array(length);
  let at = 0;
  for (const part of [AAD_CONTEXT, associatedData, sender === 'initiator' ? ROLE_INITIATOR : ROLE_RESPONDER, header]) {
    aadBuffer.set(part, at);
    at += part.length;
  }
  return aadBuffer.subarray(0, length);
}

function otherRole(role: Role): Role {
  return role === 'initiator' ? 'responder' : 'initiator';
}

/** Initiator (Alice in the spec): knows the responder's signed prekey as its first ratchet key. */
export async function initInitiator(
  sharedSecret: Uint8Array,
  responderRatchetKey: Uint8Array,
  associatedData: Uint8Array,
): Promise<RatchetState> {
  const fresh = await (await chooseX25519()).freshDh(responderRatchetKey);
  if (!fresh) throw new Error('ratchet: invalid responder key');
  const sending = fresh.keyPair;
  const { rootKey, chainKey } = kdfRootKey(sharedSecret, fresh.shared);
  return {
    v: 1,
    role: 'initiator',
    associatedData: toBase64(associatedData),
    rootKey: toBase64(rootKey),
    sendingSecretKey: toBase64(sending.secretKey),
    sendingPublicKey: toBase64(sending.publicKey),
    receivingKey: toBase64(responderRatchetKey),
    sendingChainKey: toBase64(chainKey),
    receivingChainKey: null,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    skipped: [],
    retiredReceivingKeys: [],
  };
}

/** Responder (Bob): its signed prekey pair is its first ratchet key pair. */
export function initResponder(sharedSecret: Uint8Array, prekeySecret: Uint8Array, associatedData: Uint8Array): RatchetState {
  return {
    v: 1,
    role: 'responder',
    associatedData: toBase64(associatedData),
    rootKey: toBase64(sharedSecret),
    sendingSecretKey: toBase64(prekeySecret),
    sendingPublicKey: toBase64(x25519PublicKey(prekeySecret)),
    receivingKey: null,
    sendingChainKey: null,
    receivingChainKey: null,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    skipped: [],
    retiredReceivingKeys: [],
  };
}

export function canEncrypt(state: RatchetState): boolean {
  return state.sendingChainKey !== null && state.sendCount < MAX_COUNTER;
}

/** Encrypts one message; returns the new state (save it before posting the ciphertext). */
export function ratchetEncrypt(
  state: RatchetState,
  plaintext: Uint8Array,
): { state: RatchetState; header: Uint8Array; ciphertext: Uint8Array } {
  if (!state.sendingChainKey || state.sendCount >= MAX_COUNTER) {
    throw new Error('ratchet: no sending chain yet (the responder sends after its first received message)');
  }
  const { chainKey, messageKey } = kdfChainKey(b(state.sendingChainKey));
  const header = encodeHeader({
    dh: b(state.sendingPublicKey),
    previousChainLength: state.previousSendCount,
    messageNumber: state.sendCount,
  });
  const { key, nonce } = messageCipherParams(messageKey);
  const ciphertext = seal(key, nonce, plaintext, aad(b(state.associatedData), state.role, header));
  return {
    state: { ...state, sendingChainKey: toBase64(chainKey), sendCount: state.sendCount + 1 },
    header,
    ciphertext,
  };
}

/** Mutable working copy used inside one decryption; discarded unless the message authenticates. */
type Draft = RatchetState;

function pruneSkipped(skipped: SkippedKey[], now: number): SkippedKey[] {
  return skipped.filter((k) => k.expiresAt > now);
}

function skipMessageKeys(draft: Draft, until: number, now: number): RatchetError | null {
  if (draft.receivingChainKey === null || draft.receivingKey === null) return null;
  if (until - draft.receiveCount > MAX_SKIP) return 'too-far';
  let chainKey = b(draft.receivingChainKey);
  const added: SkippedKey[] = [];
  while (draft.receiveCount < until) {
    const step = kdfChainKey(chainKey);
    added.push({ dh: draft.receivingKey, n: draft.receiveCount, mk: toBase64(step.messageKey), expiresAt: now + SKIPPED_KEY_TTL_MS });
    chainKey = step.chainKey;
    draft.receiveCount++;
  }
  draft.receivingChainKey = toBase64(chainKey);
  draft.skipped = [...draft.skipped, ...added].slice(-MAX_STORED_SKIPPED_KEYS);
  return null;
}

async function dhRatchetStep(draft: Draft, peerKey: Uint8Array): Promise<boolean> {
  const current = { secretKey: b(draft.sendingSecretKey), publicKey: b(draft.sendingPublicKey) };
  if (draft.receivingKey !== null) {
    draft.retiredReceivingKeys = [...draft.retiredReceivingKeys, draft.receivingKey].slice(-MAX_RETIRED_KEYS);
  }
  draft.previousSendCount = draft.sendCount;
  draft.sendCount = 0;
  draft.receiveCount = 0;
  draft.receivingKey = toBase64(peerKey);
  // Both DHs are with the peer's new key and independent of each other: run them together.
  const x25519 = await chooseX25519();
  const [received, fresh] = await Promise.all([x25519.dh(current, peerKey), x25519.freshDh(peerKey)]);
  if (!received || !fresh) return false;
  const recv = kdfRootKey(b(draft.rootKey), received);
  const next = fresh.keyPair;
  const send = kdfRootKey(recv.rootKey, fresh.shared);
  draft.receivingChainKey = toBase64(recv.chainKey);
  draft.sendingSecretKey = toBase64(next.secretKey);
  draft.sendingPublicKey = toBase64(next.publicKey);
  draft.rootKey = toBase64(send.rootKey);
  draft.sendingChainKey = toBase64(send.chainKey);
  return true;
}

function openWithMessageKey(state: RatchetState, messageKey: Uint8Array, header: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  const { key, nonce } = messageCipherParams(messageKey);
  return open(key, nonce, ciphertext, aad(b(state.associatedData), otherRole(state.role), header));
}

export type DecryptResult = { ok: true; state: RatchetState; plaintext: Uint8Array } | { ok: false; error: RatchetError };

/**
 * Decrypts one message. On success returns a new state; on any failure the caller keeps its old
 * state (the input is never modified).
 */
export async function ratchetDecrypt(
  state: RatchetState,
  headerBytes: Uint8Array,
  ciphertext: Uint8Array,
  now: number,
): Promise<DecryptResult> {
  const header = decodeHeader(headerBytes);
  if (!header) return { ok: false, error: 'malformed' };
  const dhText = toBase64(header.dh);
  const { messageNumber: n, previousChainLength: pn } = header;

  // 1. A key we skipped earlier (late or reordered message).
  const live = pruneSkipped(state.skipped, now);
  const skippedIndex = live.findIndex((k) => k.dh === dhText && k.n === n);
  if (skippedIndex >= 0) {
    const entry = live[skippedIndex] as SkippedKey;
    const plaintext = openWithMessageKey(state, b(entry.mk), headerBytes, ciphertext);
    if (!plaintext) return { ok: false, error: 'modified' };
    return { ok: true, state: { ...state, skipped: live.filter((_, i) => i !== skippedIndex) }, plaintext };
  }

  const draft: Draft = { ...state, skipped: live };
  if (dhText === state.receivingKey && state.receivingChainKey !== null) {
    // 2. Current receiving chain: an already-used number is a replay (its key is gone).
    if (n < state.receiveCount) return { ok: false, error: 'replay' };
  } else {
    // 3. A ratchet key we already moved past, or our own (a reflected message).
    if (state.retiredReceivingKeys.includes(dhText) || dhText === state.sendingPublicKey || dhText === state.receivingKey) {
      return { ok: false, error: 'replay' };
    }
    if (n > MAX_SKIP) return { ok: false, error: 'too-far' };
    const skipError = skipMessageKeys(draft, pn, now);
    if (skipError) return { ok: false, error: skipError };
    if (!(await dhRatchetStep(draft, header.dh))) return { ok: false, error: 'modified' };
  }
  const skipError = skipMessageKeys(draft, n, now);
  if (skipError) return { ok: false, error: skipError };
  const { chainKey, messageKey } = kdfChainKey(b(draft.receivingChainKey as string));
  const plaintext = openWithMessageKey(state, messageKey, headerBytes, ciphertext);
  if (!plaintext) return { ok: false, error: 'modified' };
  draft.receivingChainKey = toBase64(chainKey);
  draft.receiveCount = n + 1;
  return { ok: true, state: draft, plaintext };
}

/** Structural check of a stored state (types and key sizes), for loading from storage. */
export function isRatchetState(value: unknown): value is RatchetState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const key = (x: unknown) => fromBase64(x, 32) !== null;
  const optKey = (x: unknown) => x === null || key(x);
  const count = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= MAX_COUNTER;
  return (
    s.v === 1 &&
    (s.role === 'initiator' || s.role === 'responder') &&
    fromBase64(s.associatedData, 64) !== null &&
    key(s.rootKey) &&
    key(s.sendingSecretKey) &&
    key(s.sendingPublicKey) &&
    optKey(s.receivingKey) &&
    optKey(s.sendingChainKey) &&
    optKey(s.receivingChainKey) &&
    count(s.sendCount) &&
    count(s.receiveCount) &&
    count(s.previousSendCount) &&
    Array.isArray(s.skipped) &&
    s.skipped.length <= MAX_STORED_SKIPPED_KEYS &&
    s.skipped.every(
      (k: unknown) =>
        typeof k === 'object' &&
        k !== null &&
        key((k as SkippedKey).dh) &&
        count((k as SkippedKey).n) &&
        key((k as SkippedKey).mk) &&
        typeof (k as SkippedKey).expiresAt === 'number',
    ) &&
    Array.isArray(s.retiredReceivingKeys) &&
    s.retiredReceivingKeys.every(key)
  );
}
