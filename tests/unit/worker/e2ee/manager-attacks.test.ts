// Attacks on the encryption layer by the messenger page (issue 12, items 1, 2 and 7). The page
// decides what bubbles exist, in which chat and from whom; it must never get plaintext shown for
// what was not decrypted in that conversation and direction, never get a session set up without
// the user, and never grow the store without bound.
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { armorEnvelope } from '../../../../lib/crypto/armor';
import { randomBytes } from '../../../../lib/crypto/primitives';
import { MAX_PENDING_PER_CONVERSATION } from '../../../../lib/worker/e2ee/manager';
import { readE2eeState } from '../../../../lib/store/e2ee/view';
import type { Runtime } from 'webextension-polyfill';
import { handleMessage } from '../../../../lib/worker/router';
import { connect, EXT, ingestChat, nextId, ORIGIN, pair, snapshot, User, viewsOf } from '../../helpers/e2ee-sim';

async function say(user: User, text: string) {
  return user.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: user.conversationId, text });
}

/** Every plaintext shown anywhere in `user`'s store, with the conversation and direction it is shown in. */
async function shownPlaintexts(user: User): Promise<string[]> {
  const convs = await user.db.conversations.toArray();
  const out: string[] = [];
  for (const c of convs) {
    for (const v of await viewsOf(user, c.id)) {
      if (v.view?.state === 'ok' && v.view.text !== null && v.view.kind === 'message') {
        out.push(`${c.id} ${v.isSelf ? 'out' : 'in'}:${v.view.text}`);
      }
    }
  }
  return out;
}

describe('item 1: a verdict is bound to its conversation and direction', () => {
  test('reflection: the page re-shows my own encrypted message as an incoming one from Bob', async () => {
    const { alice } = await connect();
    expect(await say(alice, 'I agree to transfer 5000 EUR')).toEqual({ ok: true });
    await alice.deliver();
    const own = alice.thread.at(-1)!;
    // The page shows the same ciphertext again, now as Bob's.
    alice.thread.push(snapshot(nextId(), own.text, false, 'Bob'));
    await alice.ingest();
    await alice.ingest(); // repeated: still consistent

    const views = await viewsOf(alice, alice.conversationId);
    const reflected = views.at(-1)!;
    expect(reflected.isSelf).toBe(false);
    expect(reflected.view).toMatchObject({ state: 'modified', reason: 'not-this-chat', text: null });
    expect(await shownPlaintexts(alice)).toEqual([`${alice.conversationId} out:I agree to transfer 5000 EUR`]);
    // Our own copy still reads; nothing was deleted.
    expect(views.at(-2)!.view).toMatchObject({ state: 'ok', direction: 'out', text: 'I agree to transfer 5000 EUR' });
    expect(await alice.db.messages.count()).toBe(alice.thread.length);
  });

  test("reflection the other way: Bob's message shown as mine before I read it; the real one still reads", async () => {
    const { alice, bob } = await connect();
    await say(bob, 'only for Alice');
    // The page shows Bob's ciphertext as an outgoing bubble of Alice's first...
    const text = bob.queue[0]!.text;
    alice.thread.push(snapshot(nextId(), text, true, 'Alice'));
    await alice.ingest();
    expect((await viewsOf(alice, alice.conversationId)).at(-1)!.view).toMatchObject({
      state: 'modified',
      reason: 'not-this-chat',
      text: null,
    });
    // ...then the real incoming bubble arrives: it is still read (the ratchet was not consumed).
    await bob.deliver();
    expect(await alice.texts()).toEqual(['in:only for Alice']);
    expect(await shownPlaintexts(alice)).toEqual([`${alice.conversationId} in:only for Alice`]);
  });

  test("transplant: a ciphertext Bob got from Alice on WhatsApp, posted into Bob's Instagram chat with Carol", async () => {
    const { alice, bob } = await connect('whatsapp');
    await say(alice, 'kode rahasia 4471');
    await alice.deliver();
    expect(await bob.texts()).toEqual(['in:kode rahasia 4471']);
    const stolen = bob.thread.at(-1)!.text;

    const carol = await ingestChat(bob, 'instagram', 'Carol', [snapshot(nextId(), stolen, false, 'Carol')]);
    // Repeated, and with a second copy under another id.
    await ingestChat(bob, 'instagram', 'Carol', [snapshot(nextId(), stolen, false, 'Carol'), snapshot(nextId(), stolen, false, 'Carol')]);
    for (const v of await viewsOf(bob, carol)) expect(v.view).toMatchObject({ state: 'modified', reason: 'not-this-chat', text: null });
    expect(await shownPlaintexts(bob)).toEqual([`${bob.conversationId} in:kode rahasia 4471`]);
    expect(await readE2eeState(bob.db, carol)).toBeNull(); // no session, nothing switched on there
  });

  test('the same ciphertext re-rendered in its own chat and direction still shows (a recycled bubble)', async () => {
    const { alice, bob } = await connect();
    await say(alice, 'sekali saja');
    await alice.deliver();
    const last = bob.thread.at(-1)!;
    bob.thread.push({ ...last, nativeId: nextId() });
    await bob.ingest();
    expect(await bob.texts()).toEqual(['in:sekali saja', 'in:sekali saja']);
  });
});

/** Mallory's extension answers `invite` (public text she saw) and returns her init's text. */
async function forgeInit(invite: string): Promise<{ mallory: User; init: string }> {
  const mallory = new User('Mallory', 'whatsapp', 'Victim');
  await mallory.ingest();
  mallory.thread.push(snapshot(nextId(), invite, false, 'Victim'));
  await mallory.ingest();
  expect(await mallory.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: mallory.conversationId })).toEqual({ ok: true });
  return { mallory, init: mallory.queue[0]!.text };
}

describe('item 2: no handshake without the user', () => {
  test('an init answering my invite in another chat asks first; nothing is switched on until I say yes', async () => {
    const { alice } = await pair();
    await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
    await alice.deliver();
    const invite = alice.thread.at(-1)!.text;
    const { mallory, init } = await forgeInit(invite);

    // The page posts Mallory's init into Alice's chat with Carol, where Alice never invited.
    const carol = await ingestChat(alice, 'whatsapp', 'Carol', [snapshot(nextId(), init, false, 'Carol')]);
    await ingestChat(alice, 'whatsapp', 'Carol', [snapshot(nextId(), init, false, 'Carol')]); // repeated
    const state = await readE2eeState(alice.db, carol);
    expect(state).toMatchObject({ status: 'none', encrypt: false, sessionId: null, trustedPeerKey: null });
    expect(state?.incomingInit).toMatchObject({ identityKey: (await mallory.db.e2eeDevice.get('identity'))!.identityKey });
    // Alice's own chat with Bob is untouched.
    expect(await alice.state()).toMatchObject({ status: 'invited', sessionId: null });
    expect(await say(alice, 'x')).toEqual({ ok: false, error: 'no encrypted session' });
    expect(await alice.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: carol, text: 'x' })).toEqual({
      ok: false,
      error: 'no encrypted session',
    });

    // Alice says yes: now the session exists (with the key she was shown).
    expect(await alice.ask({ type: 'e2ee-answer-init', conversationId: carol, accept: true })).toEqual({ ok: true });
    const after = await readE2eeState(alice.db, carol);
    expect(after).toMatchObject({ status: 'active', incomingInit: null, peerIdentityKey: state!.incomingInit!.identityKey });
  });

  test('the messenger page cannot answer the request itself; malformed answers are refused', async () => {
    const { alice } = await pair();
    await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
    await alice.deliver();
    const { init } = await forgeInit(alice.thread.at(-1)!.text);
    const carol = await ingestChat(alice, 'whatsapp', 'Carol', [snapshot(nextId(), init, false, 'Carol')]);
    const tab = { id: EXT, url: ORIGIN.whatsapp, tab: { id: 8 } as Runtime.MessageSender['tab'], frameId: 0 };
    expect(await handleMessage(alice.ctx, { type: 'e2ee-answer-init', conversationId: carol, accept: true }, tab)).toMatchObject({
      ok: false,
    });
    expect(await alice.ask({ type: 'e2ee-answer-init', conversationId: carol, accept: 'yes' })).toMatchObject({ ok: false });
    expect(await alice.ask({ type: 'e2ee-answer-init', conversationId: alice.conversationId, accept: true })).toEqual({
      ok: false,
      error: 'no request',
    });
    await alice.e2ee.settled();
    expect(await readE2eeState(alice.db, carol)).toMatchObject({ status: 'none', sessionId: null });
    expect((await readE2eeState(alice.db, carol))?.incomingInit).toBeTruthy();
  });

  test('declining the request leaves the chat without a session and does not ask again for it', async () => {
    const { alice } = await pair();
    await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
    await alice.deliver();
    const { init } = await forgeInit(alice.thread.at(-1)!.text);
    const carol = await ingestChat(alice, 'whatsapp', 'Carol', [snapshot(nextId(), init, false, 'Carol')]);
    expect(await alice.ask({ type: 'e2ee-answer-init', conversationId: carol, accept: false })).toEqual({ ok: true });
    await ingestChat(alice, 'whatsapp', 'Carol', [snapshot(nextId(), init, false, 'Carol')]);
    expect(await readE2eeState(alice.db, carol)).toMatchObject({ status: 'none', incomingInit: null, sessionId: null });
    expect(await shownPlaintexts(alice)).toEqual([]);
  });

  test('an injected init on an unverified session neither re-keys sends nor, once accepted, sends before the new key is accepted', async () => {
    const { alice, bob } = await connect();
    const before = await alice.state();
    const invite = alice.thread.find((m) => m.text.startsWith('UIE1'))!.text;
    const { init } = await forgeInit(invite);
    // The page shows Mallory's init in Alice's chat with Bob, as Bob's.
    alice.thread.push(snapshot(nextId(), init, false, 'Bob'));
    await alice.ingest();
    const now = await alice.state();
    expect(now).toMatchObject({ sessionId: before!.sessionId, peerIdentityKey: before!.peerIdentityKey, keyChanged: false });
    expect(now?.incomingInit).toBeTruthy();
    // Alice's sends still go to Bob's session: Bob reads them.
    expect(await say(alice, 'still for Bob')).toEqual({ ok: true });
    await alice.deliver();
    expect((await bob.texts()).at(-1)).toBe('in:still for Bob');

    // Even if she accepts the request, nothing is encrypted to the new key until she accepts it.
    expect(await alice.ask({ type: 'e2ee-answer-init', conversationId: alice.conversationId, accept: true })).toEqual({ ok: true });
    expect(await alice.state()).toMatchObject({ keyChanged: true, verified: false });
    const posted = alice.posted.length;
    expect(await say(alice, 'to whom?')).toEqual({ ok: false, error: 'key changed' });
    expect(alice.posted.length).toBe(posted);
    expect(await alice.ask({ type: 'e2ee-accept-key-change', conversationId: alice.conversationId })).toEqual({ ok: true });
    expect(await say(alice, 'to whom?')).toEqual({ ok: true });
  });

  test('an init where I did invite is still accepted at once (and the lost-init case works)', async () => {
    const { alice, bob } = await pair();
    await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
    await alice.deliver();
    await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId });
    await bob.deliver();
    expect(await alice.state()).toMatchObject({ status: 'active', incomingInit: null, keyChanged: false });
  });
});

describe('item 7: pending parts are bounded per conversation', () => {
  test('a flood of forged multi-part armor keeps at most the newest pending messages, the rest counted as dropped', async () => {
    const { bob } = await pair('instagram');
    const flood = MAX_PENDING_PER_CONVERSATION + 40;
    for (let i = 0; i < flood; i++) {
      const parts = armorEnvelope(randomBytes(2000), 'instagram'); // 3 parts; only the first is posted
      bob.thread.push(snapshot(nextId(), parts[0]!, false, 'Alice'));
      if (i % 20 === 19) await bob.ingest();
    }
    await bob.ingest();
    const rows = await bob.db.e2eePlain.where('conversationId').equals(bob.conversationId).toArray();
    const pending = rows.filter((r) => r.state === 'pending');
    expect(pending.length).toBe(MAX_PENDING_PER_CONVERSATION);
    // The newest are the ones kept; the oldest are marked, not deleted.
    const order = new Map((await bob.db.messages.toArray()).map((m) => [m.id, m.order]));
    const dropped = rows.filter((r) => r.reason === 'parts-dropped');
    expect(dropped.length).toBe(40);
    expect(Math.max(...dropped.map((r) => order.get(r.id)!))).toBeLessThan(Math.min(...pending.map((r) => order.get(r.id)!)));
    expect(rows.length).toBe(flood);
    expect((await bob.state())?.droppedPending).toBe(40);
    // Repeated scrapes change nothing.
    await bob.ingest();
    expect(
      (await bob.db.e2eePlain.where('conversationId').equals(bob.conversationId).toArray()).filter((r) => r.state === 'pending').length,
    ).toBe(MAX_PENDING_PER_CONVERSATION);
  });
});
