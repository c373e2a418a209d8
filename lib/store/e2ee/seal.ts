// Sealing at rest: every secret of the encryption layer (identity, sessions, plaintext cache) is
// stored AES-GCM-encrypted under one sealing key (keyring.ts: a key file of the extension's own
// origin, or with a passphrase a data key wrapped under it). Extension contexts only can reach it
// (content scripts share the page's storage, not ours). Without a passphrase, anyone holding the
// profile's files holds the key too: sealing then stops casual reads, not forensics.
import type { Sealed } from '../records';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** `context` binds the sealed value to where it is stored, so rows cannot be swapped. */
export async function sealBytes(key: CryptoKey, bytes: Uint8Array, context: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, key, bytes as BufferSource);
  return { iv, data: new Uint8Array(data) };
}

export async function openBytes(key: CryptoKey, sealed: Sealed, context: string): Promise<Uint8Array | null> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.iv as BufferSource, additionalData: encoder.encode(context) },
      key,
      sealed.data as BufferSource,
    );
    return new Uint8Array(plain);
  } catch {
    return null;
  }
}

export async function sealText(key: CryptoKey, text: string, context: string): Promise<Sealed> {
  return sealBytes(key, encoder.encode(text), context);
}

export async function openText(key: CryptoKey, sealed: Sealed, context: string): Promise<string | null> {
  const bytes = await openBytes(key, sealed, context);
  if (!bytes) return null;
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

export async function sealJson(key: CryptoKey, value: unknown, context: string): Promise<Sealed> {
  return sealText(key, JSON.stringify(value), context);
}

export async function openJson(key: CryptoKey, sealed: Sealed, context: string): Promise<unknown> {
  const text = await openText(key, sealed, context);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The sealing contexts, one per kind of row. */
export const SEAL_CONTEXT = {
  identity: 'e2ee identity',
  seen: 'e2ee seen',
  sessions: (conversationId: string) => `e2ee sessions ${conversationId}`,
  plain: (rowId: string) => `e2ee plain ${rowId}`,
} as const;

/**
 * A row's context is the id it was first sealed under: when the store re-keys a row (a provisional
 * chat folded into its real one, a message seen under its real id, an id migration) it records
 * that id in `sealedFor`, since it cannot re-seal without the key (which may be locked).
 */
export function plainContext(row: { id: string; sealedFor?: string }): string {
  return SEAL_CONTEXT.plain(row.sealedFor ?? row.id);
}

export function sessionsContext(row: { conversationId: string; sessionsSealedFor?: string }): string {
  return SEAL_CONTEXT.sessions(row.sessionsSealedFor ?? row.conversationId);
}
