// Binary envelope, the bytes that the armor carries. Every length is fixed or checked; parsing
// returns an error result on any malformed input and never throws.
//
//   byte 0   version (1)
//   byte 1   type: 1 invite | 2 init+message | 3 message
//   invite:        identityKey(32) | prekeyId(u32 BE) | signedPrekey(32) | signature(64)
//   init+message:  initiatorIdentityKey(32) | ephemeralKey(32) | prekeyId(u32 BE) | message body
//   message:       message body
//   message body:  sessionId(8) | ratchet header(40) | ciphertext(16..MAX_CIPHERTEXT_BYTES)
import type { InitData, Invite } from './handshake';
import { PROTOCOL_VERSION, SESSION_ID_BYTES } from './handshake';
import { u32 } from './identity';
import { concatBytes, SIGNATURE_BYTES, TAG_BYTES } from './primitives';
import { HEADER_BYTES } from './ratchet';

export const ENVELOPE_VERSION = PROTOCOL_VERSION;
export const MAX_CIPHERTEXT_BYTES = 64 * 1024;

const TYPE_INVITE = 1;
const TYPE_INIT_MESSAGE = 2;
const TYPE_MESSAGE = 3;

const KEY = 32;
const INVITE_BODY_BYTES = KEY + 4 + KEY + SIGNATURE_BYTES;
const INIT_BYTES = KEY + KEY + 4;
const MESSAGE_FIXED_BYTES = SESSION_ID_BYTES + HEADER_BYTES;

export interface MessageBody {
  sessionId: Uint8Array;
  header: Uint8Array;
  ciphertext: Uint8Array;
}

export type Envelope =
  | { type: 'invite'; invite: Invite }
  | { type: 'init-message'; init: InitData; message: MessageBody }
  | { type: 'message'; message: MessageBody };

export type EnvelopeError = 'empty' | 'version' | 'type' | 'length';
export type ParseResult = { ok: true; envelope: Envelope } | { ok: false; error: EnvelopeError };

function encodeMessageBody(m: MessageBody): Uint8Array {
  if (m.sessionId.length !== SESSION_ID_BYTES || m.header.length !== HEADER_BYTES) throw new Error('envelope: bad message body');
  if (m.ciphertext.length < TAG_BYTES || m.ciphertext.length > MAX_CIPHERTEXT_BYTES) throw new Error('envelope: bad ciphertext size');
  return concatBytes(m.sessionId, m.header, m.ciphertext);
}

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const prefix = (type: number) => Uint8Array.of(ENVELOPE_VERSION, type);
  switch (envelope.type) {
    case 'invite': {
      const i = envelope.invite;
      if (i.identityKey.length !== KEY || i.signedPrekey.length !== KEY || i.signature.length !== SIGNATURE_BYTES) {
        throw new Error('envelope: bad invite');
      }
      return concatBytes(prefix(TYPE_INVITE), i.identityKey, u32(i.prekeyId), i.signedPrekey, i.signature);
    }
    case 'init-message': {
      const i = envelope.init;
      if (i.initiatorIdentityKey.length !== KEY || i.ephemeralKey.length !== KEY) throw new Error('envelope: bad init');
      return concatBytes(
        prefix(TYPE_INIT_MESSAGE),
        i.initiatorIdentityKey,
        i.ephemeralKey,
        u32(i.prekeyId),
        encodeMessageBody(envelope.message),
      );
    }
    case 'message':
      return concatBytes(prefix(TYPE_MESSAGE), encodeMessageBody(envelope.message));
  }
}

function readU32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
}

function parseMessageBody(bytes: Uint8Array): MessageBody | null {
  const ciphertextLength = bytes.length - MESSAGE_FIXED_BYTES;
  if (ciphertextLength < TAG_BYTES || ciphertextLength > MAX_CIPHERTEXT_BYTES) return null;
  return {
    sessionId: bytes.slice(0, SESSION_ID_BYTES),
    header: bytes.slice(SESSION_ID_BYTES, MESSAGE_FIXED_BYTES),
    ciphertext: bytes.slice(MESSAGE_FIXED_BYTES),
  };
}

/** Strict parser for attacker-controlled bytes. */
export function parseEnvelope(bytes: Uint8Array): ParseResult {
  if (!(bytes instanceof Uint8Array) || bytes.length < 2) return { ok: false, error: 'empty' };
  if (bytes[0] !== ENVELOPE_VERSION) return { ok: false, error: 'version' };
  const body = bytes.subarray(2);
  switch (bytes[1]) {
    case TYPE_INVITE: {
      if (body.length !== INVITE_BODY_BYTES) return { ok: false, error: 'length' };
      return {
        ok: true,
        envelope: {
          type: 'invite',
          invite: {
            version: ENVELOPE_VERSION,
            identityKey: body.slice(0, KEY),
            prekeyId: readU32(body, KEY),
            signedPrekey: body.slice(KEY + 4, KEY + 4 + KEY),
            signature: body.slice(KEY + 4 + KEY),
          },
        },
      };
    }
    case TYPE_INIT_MESSAGE: {
      if (body.length < INIT_BYTES) return { ok: false, error: 'length' };
      const message = parseMessageBody(body.subarray(INIT_BYTES));
      if (!message) return { ok: false, error: 'length' };
      return {
        ok: true,
        envelope: {
          type: 'init-message',
          init: {
            version: ENVELOPE_VERSION,
            initiatorIdentityKey: body.slice(0, KEY),
            ephemeralKey: body.slice(KEY, 2 * KEY),
            prekeyId: readU32(body, 2 * KEY),
          },
          message,
        },
      };
    }
    case TYPE_MESSAGE: {
      const message = parseMessageBody(body);
      if (!message) return { ok: false, error: 'length' };
      return { ok: true, envelope: { type: 'message', message } };
    }
    default:
      return { ok: false, error: 'type' };
  }
}
