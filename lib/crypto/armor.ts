// Text armor for envelopes posted into a messenger's text box.
//
// One part = MARKER + base58xmr(partBytes) + TERMINATOR, where
//   partBytes = messageId(8) | index(1) | total(1) | chunk(>=1) | check(4)
//   check     = first 4 bytes of SHA-256(messageId | index | total | chunk)
// base58xmr is base58 (Bitcoin alphabet) applied per 8-byte block (11 characters): linear time,
// unlike plain base58, for 1.375 characters per byte. The marker contains 'I' and the terminator
// is '0': neither is in the base58 alphabet, so a marker can never occur inside a payload and the payload end is explicit even when the platform glues
// surrounding text to it. The checksum rejects corrupted parts early (the AEAD tag remains the real
// integrity check of the reassembled envelope). Nothing here throws on page text.
import { base58xmr } from '@scure/base';
import type { Platform } from '../shared/model';
import { platformTable } from '../shared/platforms';
import { ARMOR_MARKER, normalizeArmorText } from './armor-text';
import { concatBytes, constantTimeEqual, sha256Digest, toHex } from './bytes';

export { ARMOR_MARKER, normalizeArmorText };
export const ARMOR_TERMINATOR = '0';

const MESSAGE_ID_BYTES = 8;
const CHECK_BYTES = 4;
const PART_OVERHEAD_BYTES = MESSAGE_ID_BYTES + 2 + CHECK_BYTES;
const MAX_PARTS = 255;
/** Longest base58 run we try to decode as one part. */
const MAX_PART_CHARS = 16_384;
/** Characters base58xmr uses for a final block of 0..8 bytes. */
const XMR_TAIL_CHARS = [0, 2, 3, 5, 6, 7, 9, 10, 11] as const;

function encodedLength(bytes: number): number {
  return Math.floor(bytes / 8) * 11 + XMR_TAIL_CHARS[bytes % 8]!;
}

/** Characters per part that each platform accepts comfortably. */
export const PLATFORM_PART_LIMITS: Record<Platform, number> = platformTable('armorPartLimit');
export type ArmorPlatform = Platform;

export interface ArmoredPart {
  /** Hex of the 8-byte message id (derived from the envelope, so a retry yields the same text). */
  messageId: string;
  index: number;
  total: number;
  chunk: Uint8Array;
}

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_CHARS = new Set(BASE58_ALPHABET);

function partCheck(body: Uint8Array): Uint8Array {
  return sha256Digest(body).subarray(0, CHECK_BYTES);
}

/** Largest chunk (bytes) whose armored part stays within `maxChars` characters. */
export function chunkCapacity(maxChars: number): number {
  const payloadChars = Math.min(maxChars - ARMOR_MARKER.length - ARMOR_TERMINATOR.length, MAX_PART_CHARS);
  let bytes = Math.floor((payloadChars * 8) / 11);
  while (bytes > 0 && encodedLength(bytes) > payloadChars) bytes--;
  return bytes - PART_OVERHEAD_BYTES;
}

function encodePart(messageId: Uint8Array, index: number, total: number, chunk: Uint8Array): string {
  const body = concatBytes(messageId, Uint8Array.of(index, total), chunk);
  return ARMOR_MARKER + base58xmr.encode(concatBytes(body, partCheck(body))) + ARMOR_TERMINATOR;
}

/**
 * Splits an envelope into armored parts of at most `maxChars` characters each (or the platform's
 * limit). Deterministic: the same envelope always yields the same parts.
 */
export function armorEnvelope(envelope: Uint8Array, limit: ArmorPlatform | number): string[] {
  const maxChars = typeof limit === 'number' ? limit : PLATFORM_PART_LIMITS[limit];
  const capacity = chunkCapacity(maxChars);
  if (capacity < 1) throw new Error(`armor: part limit ${maxChars} is too small`);
  if (envelope.length === 0) throw new Error('armor: empty envelope');
  const total = Math.ceil(envelope.length / capacity);
  if (total > MAX_PARTS) throw new Error(`armor: envelope needs ${total} parts (max ${MAX_PARTS})`);
  const messageId = sha256Digest(envelope).subarray(0, MESSAGE_ID_BYTES);
  const parts: string[] = [];
  for (let i = 0; i < total; i++) {
    const part = encodePart(messageId, i, total, envelope.subarray(i * capacity, (i + 1) * capacity));
    if (part.length > maxChars) throw new Error('armor: part exceeds its limit'); // guards the estimate
    parts.push(part);
  }
  return parts;
}

function decodePart(payload: string): ArmoredPart | null {
  if (payload.length === 0 || payload.length > MAX_PART_CHARS) return null;
  let bytes: Uint8Array;
  try {
    bytes = base58xmr.decode(payload);
  } catch {
    return null;
  }
  if (bytes.length < PART_OVERHEAD_BYTES + 1) return null;
  const body = bytes.subarray(0, bytes.length - CHECK_BYTES);
  if (!constantTimeEqual(partCheck(body), bytes.subarray(bytes.length - CHECK_BYTES))) return null;
  // Canonical encoding only: a different text for the same bytes is an edit, not our output.
  if (base58xmr.encode(bytes) !== payload) return null;
  const index = body[MESSAGE_ID_BYTES] as number;
  const total = body[MESSAGE_ID_BYTES + 1] as number;
  if (total < 1 || index >= total) return null;
  return {
    messageId: toHex(body.subarray(0, MESSAGE_ID_BYTES)),
    index,
    total,
    chunk: body.slice(MESSAGE_ID_BYTES + 2),
  };
}

export interface FoundArmor {
  parts: ArmoredPart[];
  /** Markers whose payload was malformed, truncated or failed its checksum. */
  rejected: number;
}

/** Finds every armored part in a page text (surrounding text, wrapping and invisible characters allowed). */
export function findArmored(text: string): FoundArmor {
  const clean = normalizeArmorText(text);
  const parts: ArmoredPart[] = [];
  let rejected = 0;
  let from = 0;
  for (;;) {
    const start = clean.indexOf(ARMOR_MARKER, from);
    if (start < 0) break;
    let end = start + ARMOR_MARKER.length;
    while (end < clean.length && BASE58_CHARS.has(clean[end] as string)) end++;
    const payload = clean.slice(start + ARMOR_MARKER.length, end);
    const terminated = clean[end] === ARMOR_TERMINATOR;
    const part = terminated ? decodePart(payload) : null;
    if (part) parts.push(part);
    else rejected++;
    from = Math.max(end, start + 1);
    if (parts.length + rejected > MAX_PARTS) break;
  }
  return { parts, rejected };
}

/** Concatenates parts that form one complete message; null if any is missing or inconsistent. */
export function joinParts(parts: readonly ArmoredPart[]): Uint8Array | null {
  const first = parts[0];
  if (!first) return null;
  const byIndex = new Map<number, Uint8Array>();
  for (const p of parts) {
    if (p.messageId !== first.messageId || p.total !== first.total) return null;
    const existing = byIndex.get(p.index);
    if (existing && !constantTimeEqual(existing, p.chunk)) return null;
    byIndex.set(p.index, p.chunk);
  }
  if (byIndex.size !== first.total) return null;
  const ordered: Uint8Array[] = [];
  for (let i = 0; i < first.total; i++) ordered.push(byIndex.get(i) as Uint8Array);
  const envelope = concatBytes(...ordered);
  // The id is derived from the envelope: this catches parts mixed from different envelopes.
  if (toHex(sha256Digest(envelope).subarray(0, MESSAGE_ID_BYTES)) !== first.messageId) return null;
  return envelope;
}

/** Decodes a text that holds all parts of exactly one armored message. */
export function decodeArmoredText(text: string): Uint8Array | null {
  const { parts } = findArmored(text);
  return joinParts(parts);
}

export interface ReassemblerOptions {
  maxPendingMessages?: number;
  timeoutMs?: number;
}

interface PendingMessage {
  total: number;
  firstSeen: number;
  parts: Map<number, ArmoredPart>;
  conflicted: boolean;
}

/**
 * Collects parts that arrive in separate bubbles, in any order, with duplicates. Bounded: at most
 * `maxPendingMessages` incomplete messages (oldest evicted first), each dropped after `timeoutMs`.
 * Yields an envelope only once every part is present and the parts agree with the message id.
 */
export class Reassembler {
  private readonly pending = new Map<string, PendingMessage>();
  private readonly maxPending: number;
  private readonly timeoutMs: number;

  constructor(options: ReassemblerOptions = {}) {
    this.maxPending = options.maxPendingMessages ?? 64;
    this.timeoutMs = options.timeoutMs ?? 30 * 60_000;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Adds one part; returns the complete envelope when this part completes its message. */
  add(part: ArmoredPart, now: number): Uint8Array | null {
    this.expire(now);
    if (part.total === 1) return joinParts([part]);
    let message = this.pending.get(part.messageId);
    if (!message) {
      while (this.pending.size >= this.maxPending) {
        const oldest = this.pending.keys().next().value as string;
        this.pending.delete(oldest);
      }
      message = { total: part.total, firstSeen: now, parts: new Map(), conflicted: false };
      this.pending.set(part.messageId, message);
    }
    if (message.total !== part.total) {
      message.conflicted = true;
      return null;
    }
    const existing = message.parts.get(part.index);
    if (existing) {
      if (!constantTimeEqual(existing.chunk, part.chunk)) message.conflicted = true;
      return null;
    }
    message.parts.set(part.index, part);
    if (message.parts.size < message.total) return null;
    this.pending.delete(part.messageId);
    if (message.conflicted) return null;
    return joinParts([...message.parts.values()]);
  }

  private expire(now: number): void {
    for (const [id, message] of this.pending) {
      if (now - message.firstSeen > this.timeoutMs || now < message.firstSeen) this.pending.delete(id);
    }
  }
}
