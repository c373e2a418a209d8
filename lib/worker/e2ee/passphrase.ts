// Starting or changing the passphrase lock (issue 12 item 3): everything secret is replaced or
// sealed again under the new key, in one transaction, and the old key is deleted for good.
import type { SeenEphemerals } from '../../crypto/handshake';
import { createIdentity, serializeIdentity } from '../../crypto/identity';
import { toBase64 } from '../../crypto/primitives';
import type { E2eeReply } from './common';
import { MIN_PASSPHRASE_CHARS } from './keyring';
import type { SealedStore } from './sealed-store';
import { openText, plainContext, SEAL_CONTEXT, sealJson, sealText } from '../../store/e2ee/seal';
import type { E2eeConversation, E2eeDeviceRecord, E2eePlain } from '../../store/records';

/**
 * Whoever copied the profile's files before holds the old sealing key and everything sealed under
 * it, so the passphrase would protect nothing of value if the keys stayed the same: the device
 * identity and its prekeys are replaced by new ones; sessions set up with the old identity end
 * (each conversation is started again, and the contact is asked to accept the new key); cached
 * plaintexts are sealed again under the new key. All of it is written with the lock record in one
 * transaction, then the old key is deleted for good (its file leaves the profile).
 * Runs inside the e2ee serial queue (the caller's).
 */
export async function setPassphrase(store: SealedStore, passphrase: string, now: number): Promise<E2eeReply> {
  if (passphrase.length < MIN_PASSPHRASE_CHARS) return { ok: false, error: 'passphrase too short' };
  const { db, keys } = store;
  const oldKey = await keys.key(); // LockedError when locked: unlock first
  const { key, raw, record } = await keys.prepareLock(passphrase);
  const device = createIdentity(now);
  const seen: SeenEphemerals = {};
  const nextDevice: E2eeDeviceRecord[] = [
    {
      id: 'identity',
      sealed: await sealJson(key, serializeIdentity(device), SEAL_CONTEXT.identity),
      identityKey: toBase64(device.identity.publicKey),
      updatedAt: now,
    },
    { id: 'seen', sealed: await sealJson(key, seen, SEAL_CONTEXT.seen), updatedAt: now },
  ];
  // Sessions of the old identity end; what the user decided about the contact's key stays.
  const nextSessions = (await db.e2eeSessions.toArray()).map((r): E2eeConversation => ({
    ...r,
    status: 'none',
    sessions: null,
    sessionId: null,
    peerIdentityKey: null,
    safetyNumber: null,
    keyChanged: false,
    encrypt: false,
    updatedAt: now,
  }));
  const nextPlain: E2eePlain[] = [];
  for (const r of (await db.e2eePlain.toArray()).filter((row) => row.sealed)) {
    const text = await openText(oldKey, r.sealed!, plainContext(r));
    if (text === null) throw new Error('e2ee: a sealed value does not open');
    nextPlain.push({ ...r, sealed: await sealText(key, text, plainContext(r)) });
  }
  // The unlocked key is in place before the lock record appears, so no reader sees "locked".
  await keys.adopt(raw);
  await db.transaction('rw', [db.e2eeDevice, db.e2eeSessions, db.e2eePlain], async () => {
    await db.e2eeDevice.bulkPut(nextDevice);
    await db.e2eeSessions.bulkPut(nextSessions);
    await db.e2eePlain.bulkPut(nextPlain);
    await db.e2eeDevice.delete('sealing-key');
    await db.e2eeDevice.put(record);
  });
  store.forgetDevice();
  await keys.discardStoredKey();
  keys.forget();
  return { ok: true };
}
