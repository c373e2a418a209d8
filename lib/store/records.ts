// Stored shapes of the encryption layer (Dexie schema v3), in the store tier: the schema (db.ts)
// declares its tables with them without importing the e2ee feature code. Secrets never appear in
// clear here: they are `Sealed` with the device's non-extractable AES-GCM key (see e2ee/seal.ts).

/** AES-GCM output: a fresh 12-byte IV and the ciphertext with its tag. */
export interface Sealed {
  iv: Uint8Array;
  data: Uint8Array;
}

/**
 * `e2eeDevice` rows: `sealing-key` holds the non-extractable CryptoKey; `identity` and `seen`
 * hold the sealed device identity and the sealed record of handshake ephemerals already used.
 */
export interface E2eeDeviceRecord {
  id: 'sealing-key' | 'identity' | 'seen' | 'lock';
  /** `sealing-key` only: the non-extractable AES-GCM key (stores from before the key file). */
  key?: CryptoKey;
  /** `sealing-key` only: the key is in the key file (vault.ts); a missing file is then an error. */
  inFile?: true;
  /** `identity` / `seen`: the sealed JSON. */
  sealed?: Sealed;
  /** `identity` only: our public identity key (base64), public. */
  identityKey?: string;
  updatedAt?: number;
  /** `lock` only (keyring.ts): scrypt salt and parameters, the wrapped data key, last change. */
  salt?: Uint8Array;
  scrypt?: { N: number; r: number; p: number };
  wrapped?: Sealed;
  changedAt?: number;
}

/** A peer's invite seen in the conversation, waiting for the user to accept it. */
export interface IncomingInvite {
  messageId: string;
  armorId: string;
  /** The invite envelope (public data: identity key, signed prekey, signature), base64. */
  envelope: string;
  identityKey: string;
  /** The invite comes from another key than the one we trusted for this conversation. */
  keyChanged: boolean;
  seenAt: number;
}

/**
 * Someone's init in a conversation where we did not invite: a request to set up encryption that
 * waits for the user's yes (the init was checked: it opens, and is no replay).
 */
export interface IncomingInit {
  messageId: string;
  armorId: string;
  /** `sessionId/identityKey` of the init: what the user's answer applies to. */
  initKey: string;
  /** The initiator's identity key (base64), public. */
  identityKey: string;
  /** The key differs from the one we trusted for this conversation. */
  keyChanged: boolean;
  seenAt: number;
}

/** `e2eeSessions`: one row per conversation. */
export interface E2eeConversation {
  conversationId: string;
  /** none: nothing yet; invited: our invite is posted, no session; active: a session exists. */
  status: 'none' | 'invited' | 'active';
  /** Sealed `Session[]` (lib/crypto/session.ts), current first, a few older ones kept. */
  sessions: Sealed | null;
  /** The conversation id `sessions` was sealed under, when the row has moved since (lib/store/rekey.ts). */
  sessionsSealedFor?: string;
  /** The current session's id (hex) and peer identity key (base64): public values. */
  sessionId: string | null;
  peerIdentityKey: string | null;
  /** Trust on first use: the key we accepted for this contact. */
  trustedPeerKey: string | null;
  /** The user compared safety numbers and marked `trustedPeerKey` verified. */
  verified: boolean;
  /** A session was set up with a key other than `trustedPeerKey`; needs the user's acceptance. */
  keyChanged: boolean;
  /** Signal's 60-digit number for the current session's two identity keys. */
  safetyNumber: string | null;
  /** The composer's "Encrypt" switch. */
  encrypt: boolean;
  incomingInvite: IncomingInvite | null;
  /** Armor ids of invites already handled (ours, accepted or superseded): never offered again. */
  handledInvites: string[];
  /**
   * Prekey ids of the invites we posted in this conversation and nobody answered yet: an init for
   * one of them is accepted at once (we asked here). Absent in rows written before this existed.
   */
  invitedPrekeys?: number[];
  /** A request to set up encryption waiting for the user (see IncomingInit). */
  incomingInit?: IncomingInit | null;
  /** Inits (`sessionId/identityKey`) the user accepted, and those declined: asked only once. */
  approvedInits?: string[];
  declinedInits?: string[];
  /** Incomplete multi-part messages given up because too many were pending (a flood). */
  droppedPending?: number;
  updatedAt: number;
}

export type PlainKind = 'invite' | 'handshake' | 'message';

/**
 * ok: decrypted (or our own), plaintext in `sealed`. pending: some parts of a multi-part message
 * are still missing. part: a further part of the message shown at `mainId`. modified: edited,
 * corrupted or forged (shown as "modified/unverifiable"). undecryptable: no session or key for it.
 */
export type PlainState = 'ok' | 'pending' | 'part' | 'modified' | 'undecryptable';

/** `e2eePlain`: one row per stored message carrying armor, and one per armor message id. */
export interface E2eePlain {
  /** A stored message id, or `armor:<armor message id>` for a ciphertext known by its content. */
  id: string;
  conversationId: string;
  armorId: string;
  kind: PlainKind;
  state: PlainState;
  direction: 'in' | 'out';
  /** Sealed UTF-8 plaintext (state ok, kind message). */
  sealed: Sealed | null;
  /** The row id `sealed` was sealed under, when the row has moved since (lib/store/rekey.ts). */
  sealedFor?: string;
  /** SHA-256 (hex) of the normalised armored text this row was derived from: an edit changes it. */
  textHash: string;
  partIndex: number;
  partTotal: number;
  /** For state `part`: the message that shows the whole text. */
  mainId?: string;
  /** Why it could not be read (a session error code), for the UI and debugging. */
  reason?: string;
  updatedAt: number;
}
