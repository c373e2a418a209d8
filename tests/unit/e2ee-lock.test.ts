// The optional passphrase lock: keys and cached plaintexts re-sealed under a passphrase-wrapped
// key; locked, nothing opens and incoming armor waits; unlocking reads what arrived meanwhile.
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { readPlaintexts } from '../../lib/e2ee/view';
import { connect, nextId, type User } from './e2ee-sim';

const say = (u: User, text: string) => u.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: u.conversationId, text });
const PASS = 'kopi tubruk pagi hari';

describe('passphrase lock', () => {
  test('setting a passphrase re-seals everything; the stored key is gone; old messages still read', async () => {
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
    // The session goes on.
    await say(bob, 'setelah kunci');
    await bob.deliver();
    expect(await alice.texts()).toEqual(['out:sebelum kunci', 'in:setelah kunci']);
  });

  test('locked: sending refused, incoming waits; a wrong passphrase is refused; unlocking reads what came', async () => {
    const { alice, bob } = await connect();
    await alice.ask({ type: 'e2ee-set-passphrase', passphrase: PASS });
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
