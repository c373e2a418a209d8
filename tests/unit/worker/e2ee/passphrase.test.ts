// The optional passphrase lock: keys and cached plaintexts re-sealed under a passphrase-wrapped
// key; locked, nothing opens and incoming armor waits; unlocking reads what arrived meanwhile.
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { parseIdentity } from '../../../../lib/crypto/identity';
import { toBase64 } from '../../../../lib/crypto/primitives';
import { decrypt, parseSession } from '../../../../lib/crypto/session';
import { openJson, openText, SEAL_CONTEXT } from '../../../../lib/store/e2ee/seal';
import { importSealingKey, memoryKeyFile } from '../../../../lib/store/e2ee/vault';
import { readPlaintexts } from '../../../../lib/store/e2ee/view';
import { connect, nextId, pair, type User } from '../../helpers/e2ee-sim';

const say = (u: User, text: string) => u.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: u.conversationId, text });
const PASS = 'kopi tubruk pagi hari';

/**
 * After `from` set a passphrase (new keys), it starts encryption again and `to` accepts the new
 * key: the consent flow every contact goes through after a key change.
 */
async function rekey(from: User, to: User) {
  expect((await from.state())?.status).toBe('none');
  expect(await from.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: from.conversationId })).toEqual({ ok: true });
  await from.deliver();
  const invite = (await to.state())?.incomingInvite;
  expect(invite?.keyChanged).toBe(true); // the contact sees that the key is a new one
  expect(await to.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: to.conversationId })).toEqual({ ok: true });
  if ((await to.state())?.keyChanged)
    expect(await to.ask({ type: 'e2ee-accept-key-change', conversationId: to.conversationId })).toEqual({ ok: true });
  await to.deliver();
}

/** Alice (with a key file, as in the extension) invites, Bob accepts. */
async function connectWithKeyFile() {
  const { alice, bob } = await pair();
  const file = memoryKeyFile();
  alice.keyFile = file;
  alice.restartWorker();
  expect(await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId })).toEqual({ ok: true });
  await alice.deliver();
  expect(await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId })).toEqual({ ok: true });
  await bob.deliver();
  return { alice, bob, file };
}

/** Everything someone copying the profile's files would get: the key and every sealed row. */
async function copyProfile(u: User, file: { bytes: Uint8Array | null } | null) {
  const legacy = (await u.db.e2eeDevice.get('sealing-key'))?.key;
  const key = legacy ?? (file?.bytes ? await importSealingKey(file.bytes) : null);
  expect(key).toBeTruthy();
  return {
    key: key!,
    device: structuredClone(await u.db.e2eeDevice.toArray()),
    sessions: structuredClone(await u.db.e2eeSessions.toArray()),
  };
}

/** Every sealed value in the store, with the context it was sealed for. */
async function sealedValues(u: User) {
  const out: { sealed: { iv: Uint8Array; data: Uint8Array }; context: string }[] = [];
  for (const r of await u.db.e2eeDevice.toArray()) {
    if (r.sealed) out.push({ sealed: r.sealed, context: r.id === 'identity' ? SEAL_CONTEXT.identity : SEAL_CONTEXT.seen });
  }
  for (const r of await u.db.e2eeSessions.toArray())
    if (r.sessions) out.push({ sealed: r.sessions, context: SEAL_CONTEXT.sessions(r.conversationId) });
  for (const r of await u.db.e2eePlain.toArray()) if (r.sealed) out.push({ sealed: r.sealed, context: SEAL_CONTEXT.plain(r.id) });
  return out;
}

describe('keys at rest (issue 12 item 3): a passphrase replaces the keys', () => {
  for (const store of ['key file (this version)', 'IndexedDB key (stores from before)'] as const) {
    test(`nothing copied from the profile before the passphrase opens anything after it: ${store}`, async () => {
      const { alice, bob, file } = store.startsWith('key file') ? await connectWithKeyFile() : { ...(await connect()), file: null };
      await say(alice, 'sebelum kunci');
      await alice.deliver();
      await say(bob, 'balasan sebelum kunci');
      await bob.deliver();
      expect(await alice.texts()).toEqual(['out:sebelum kunci', 'in:balasan sebelum kunci']);
      const loot = await copyProfile(alice, file);
      const oldIdentity = parseIdentity(
        await openJson(loot.key, loot.device.find((r) => r.id === 'identity')!.sealed!, SEAL_CONTEXT.identity),
      );
      expect(oldIdentity).toBeTruthy(); // the attack works on what was copied before

      expect(await alice.ask({ type: 'e2ee-set-passphrase', passphrase: PASS })).toEqual({ ok: true });
      // The old key is gone from the profile (file and IndexedDB record).
      expect(file?.bytes ?? null).toBeNull();
      expect(await alice.db.e2eeDevice.get('sealing-key')).toBeUndefined();
      // A new identity, with new prekeys: the copied one is worth nothing from now on.
      const current = (await alice.db.e2eeDevice.get('identity'))!;
      expect(current.identityKey).not.toBe(toBase64(oldIdentity!.identity.publicKey));
      // No sealed value in the store opens with the copied key.
      const values = await sealedValues(alice);
      expect(values.length).toBeGreaterThan(2);
      for (const v of values) expect(await openText(loot.key, v.sealed, v.context)).toBeNull();
      // The history stays readable for the user.
      expect(await alice.texts()).toEqual(['out:sebelum kunci', 'in:balasan sebelum kunci']);

      // The conversation is keyed again through Bob's consent; what he sends next cannot be read with
      // any session copied before.
      await rekey(alice, bob);
      await say(bob, 'setelah kunci');
      const posted = bob.posted.at(-1)!;
      await bob.deliver();
      expect((await alice.texts()).at(-1)).toBe('in:setelah kunci');
      const oldSessions = (
        (await openJson(loot.key, loot.sessions[0]!.sessions!, SEAL_CONTEXT.sessions(alice.conversationId))) as unknown[]
      ).map(parseSession);
      expect(oldSessions.length).toBeGreaterThan(0);
      for (const s of oldSessions) expect((await decrypt(s!, posted, Date.now())).ok).toBe(false);
      // Alice sends again under the new session, and Bob reads it.
      await say(alice, 'aman lagi');
      await alice.deliver();
      expect((await bob.texts()).at(-1)).toBe('in:aman lagi');
    });
  }

  test('an interrupted passphrase change leaves no key file behind: the next start deletes it', async () => {
    const { alice, file } = await connectWithKeyFile();
    const leftover = file.bytes!.slice();
    expect(await alice.ask({ type: 'e2ee-set-passphrase', passphrase: PASS })).toEqual({ ok: true });
    await file.write(leftover); // as if the worker stopped before the file was removed
    alice.restartWorker();
    expect(await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId })).toEqual({ ok: true });
    expect(file.bytes).toBeNull();
  });

  test('a key file that cannot be read is an error, never silently replaced (the sealed data would be lost)', async () => {
    const { alice, file } = await connectWithKeyFile();
    const identity = (await alice.db.e2eeDevice.get('identity'))!.identityKey;
    const kept = file.bytes!.slice();
    file.bytes = null; // deleted behind our back
    alice.restartWorker();
    const reply = await say(alice, 'x').catch((e: unknown) => ({ thrown: String(e) }));
    expect(reply).not.toEqual({ ok: true });
    expect(file.bytes).toBeNull(); // no new key written over the place of the old one
    file.bytes = kept; // back: everything opens again, same identity
    alice.restartWorker();
    expect(await say(alice, 'lagi')).toEqual({ ok: true });
    expect((await alice.db.e2eeDevice.get('identity'))!.identityKey).toBe(identity);
  });

  test('where the file system refuses writes, an IndexedDB key is used instead', async () => {
    const { alice, bob } = await pair();
    alice.keyFile = { ...memoryKeyFile(), write: () => Promise.reject(new DOMException('refused', 'SecurityError')) };
    alice.restartWorker();
    expect(await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId })).toEqual({ ok: true });
    await alice.deliver();
    expect(await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId })).toEqual({ ok: true });
    await bob.deliver();
    await say(bob, 'tetap jalan');
    await bob.deliver();
    expect(await alice.texts()).toEqual(['in:tetap jalan']);
    expect((await alice.db.e2eeDevice.get('sealing-key'))?.key?.extractable).toBe(false);
  });

  test('"delete all data" deletes the key file too', async () => {
    const { alice, file } = await connectWithKeyFile();
    expect(file.bytes).not.toBeNull();
    expect(await alice.ask({ type: 'delete-all-data' })).toEqual({ ok: true });
    expect(file.bytes).toBeNull();
  });
});

describe('passphrase lock', () => {
  test('setting a passphrase re-seals the history; the stored key is gone; old messages still read', async () => {
    const { alice, bob } = await connect();
    await say(alice, 'sebelum kunci');
    await alice.deliver();
    expect(await alice.ask({ type: 'e2ee-set-passphrase', passphrase: 'short' })).toMatchObject({ ok: false });
    expect(await alice.ask({ type: 'e2ee-set-passphrase', passphrase: PASS })).toEqual({ ok: true });
    expect(await alice.db.e2eeDevice.get('sealing-key')).toBeUndefined();
    expect(await alice.db.e2eeDevice.get('lock')).toBeTruthy();
    expect(await alice.texts()).toEqual(['out:sebelum kunci']);
    // Without the unlocked key (a page that cannot reach it) nothing opens.
    const { byMessage } = await readPlaintexts(alice.db, [alice.conversationId]);
    expect([...byMessage.values()].every((v) => v.text === null)).toBe(true);
    // New keys: the conversation is started again and Bob accepts the new key.
    await rekey(alice, bob);
    await say(bob, 'setelah kunci');
    await bob.deliver();
    expect(await alice.texts()).toEqual(['out:sebelum kunci', 'in:setelah kunci']);
  });

  test('locked: sending refused, incoming waits; a wrong passphrase is refused; unlocking reads what came', async () => {
    const { alice, bob } = await connect();
    await alice.ask({ type: 'e2ee-set-passphrase', passphrase: PASS });
    await rekey(alice, bob);
    expect(await alice.ask({ type: 'e2ee-lock' })).toEqual({ ok: true });
    expect(await say(alice, 'tidak bisa')).toEqual({ ok: false, error: 'locked' });
    await say(bob, 'pesan saat terkunci');
    await bob.deliver();
    expect(await alice.texts()).toEqual([]);
    expect((await alice.views()).at(-1)).toMatchObject({ state: 'pending', reason: 'locked', text: null });
    // The stored message is already marked encrypted (kept out of search).
    const stored = await alice.db.messages.where('conversationId').equals(alice.conversationId).last();
    expect(stored?.encrypted).toBe(true);

    expect(await alice.ask({ type: 'e2ee-unlock', passphrase: 'salah sekali' })).toEqual({ ok: false, error: 'wrong passphrase' });
    expect(await alice.ask({ type: 'e2ee-unlock', passphrase: PASS })).toEqual({ ok: true });
    expect(await alice.texts()).toEqual(['in:pesan saat terkunci']);
    expect(await say(alice, 'terbuka lagi')).toEqual({ ok: true });
    await alice.deliver();
    expect((await bob.texts()).at(-1)).toBe('in:terbuka lagi');
  });

  test('a restarted worker stays unlocked; after a browser restart it is locked until the passphrase', async () => {
    const { alice, bob } = await connect();
    await alice.ask({ type: 'e2ee-set-passphrase', passphrase: PASS });
    await rekey(alice, bob);
    alice.restartWorker();
    await say(bob, 'satu');
    await bob.deliver();
    expect(await alice.texts()).toEqual(['in:satu']);

    alice.restartWorker({ browserRestart: true });
    expect(await alice.texts()).toEqual(['in:null']); // read before, but the page cannot open the cache now
    await say(bob, 'dua');
    await bob.deliver();
    expect(await say(alice, 'x')).toEqual({ ok: false, error: 'locked' });
    await alice.ask({ type: 'e2ee-unlock', passphrase: PASS });
    expect(await alice.texts()).toEqual(['in:satu', 'in:dua']);
  });

  test('Instagram parts that arrived while locked are joined after unlocking', async () => {
    const { alice, bob } = await connect('instagram');
    await alice.ask({ type: 'e2ee-set-passphrase', passphrase: PASS });
    await rekey(alice, bob);
    await alice.ask({ type: 'e2ee-lock' });
    const long = 'panjang '.repeat(200).trim();
    await say(bob, long);
    await bob.deliver({ reverse: true });
    expect(await alice.texts()).toEqual([]);
    await alice.ask({ type: 'e2ee-unlock', passphrase: PASS });
    expect(await alice.texts()).toEqual([`in:${long}`]);
    // A later re-scrape changes nothing (no part is taken for an edit).
    await alice.ingest();
    expect(await alice.texts()).toEqual([`in:${long}`]);
    expect((await alice.views()).filter((v) => v.state === 'modified')).toEqual([]);
  });

  test('after "delete all data" a fresh identity is created (nothing stale kept in memory)', async () => {
    const { alice } = await connect();
    const before = (await alice.db.e2eeDevice.get('identity'))?.identityKey;
    expect(await alice.ask({ type: 'delete-all-data' })).toEqual({ ok: true });
    await alice.ingest();
    expect(await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId })).toEqual({ ok: true });
    const after = (await alice.db.e2eeDevice.get('identity'))?.identityKey;
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    expect(await alice.db.e2eeDevice.get('sealing-key')).toBeTruthy();
  });
});
