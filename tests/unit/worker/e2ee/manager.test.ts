// Two users of the extension (two stores, two background managers) talking through one simulated
// messenger: whatever one user's page posts appears in their own thread as an outgoing bubble and
// in the other's as an incoming one. Everything goes through the real message handler (ingest,
// page messages) and the real outbox.
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { findArmored, PLATFORM_PART_LIMITS } from '../../../../lib/crypto/armor';
import { handleMessage } from '../../../../lib/worker/router';
import { searchMessages } from '../../../../lib/store/search';
import { readEnvelope } from '../../../../lib/crypto/session';
import { advance, connect, EXT, nextId, ORIGIN, pair, User } from '../../helpers/e2ee-sim';

async function say(user: User, text: string) {
  return user.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: user.conversationId, text });
}

describe('an encrypted conversation between two users of the extension', () => {
  test('invite, accept, the same safety number, messages both ways; pages see only armor', async () => {
    const { alice, bob } = await connect();
    const a = await alice.state();
    const b = await bob.state();
    expect(a?.status).toBe('active');
    expect(b?.status).toBe('active');
    expect(a?.safetyNumber).toMatch(/^\d{60}$/);
    expect(a?.safetyNumber).toBe(b?.safetyNumber);
    expect(b?.incomingInvite).toBeNull();

    expect(await say(alice, 'Halo Bob, kopi jam 3?')).toEqual({ ok: true });
    await alice.deliver();
    expect(await say(bob, 'Boleh! See you at 3')).toEqual({ ok: true });
    await bob.deliver();
    expect(await say(alice, 'Great')).toEqual({ ok: true });
    await alice.deliver();

    // Each side reads the peer's messages and its own (from the cache: a sender cannot decrypt them).
    expect(await alice.texts()).toEqual(['out:Halo Bob, kopi jam 3?', 'in:Boleh! See you at 3', 'out:Great']);
    expect(await bob.texts()).toEqual(['in:Halo Bob, kopi jam 3?', 'out:Boleh! See you at 3', 'in:Great']);
    // The invite and the handshake are shown as such, not as messages.
    expect((await bob.views()).map((v) => v.kind)).toEqual(['invite', 'handshake', 'message', 'message', 'message']);

    // Nothing but armored parts reached either page.
    for (const text of [...alice.posted, ...bob.posted]) {
      expect(text).toMatch(/^UIE1[1-9A-HJ-NP-Za-km-z]+0$/);
      expect(findArmored(text).parts).toHaveLength(1);
    }
    // Stored messages are marked encrypted and the ciphertext is not searchable.
    const stored = await bob.db.messages.where('conversationId').equals(bob.conversationId).toArray();
    expect(stored.every((m) => m.encrypted === true)).toBe(true);
    expect(await bob.db.searchDocs.count()).toBe(0);
    expect(await searchMessages(bob.db, 'kopi')).toEqual([]);
  });

  test('secrets are sealed at rest under a non-extractable key', async () => {
    const { alice } = await connect();
    await say(alice, 'rahasia sekali');
    await alice.deliver();
    const key = (await alice.db.e2eeDevice.get('sealing-key'))?.key;
    expect(key?.extractable).toBe(false);
    const dump = JSON.stringify(
      [await alice.db.e2eePlain.toArray(), await alice.db.e2eeSessions.toArray(), await alice.db.e2eeDevice.toArray()],
      (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v),
    );
    expect(dump).not.toContain('rahasia');
    expect(dump).not.toContain('rootKey');
    expect(dump).not.toContain('identitySecretKey');
  });

  test("a lost handshake: Bob's next message still sets up Alice's session", async () => {
    const { alice, bob } = await pair();
    await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
    await alice.deliver();
    await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId });
    await bob.deliver({ drop: true }); // the init never reaches Alice
    expect((await alice.state())?.status).toBe('invited');
    await say(bob, 'did you get my key?');
    await bob.deliver();
    expect((await alice.state())?.status).toBe('active');
    expect(await alice.texts()).toEqual(['in:did you get my key?']);
    await say(alice, 'yes');
    await alice.deliver();
    expect(await bob.texts()).toEqual(['out:did you get my key?', 'in:yes']);
  });

  test('re-scrapes decrypt once; the same ciphertext under a new id shows the cached text', async () => {
    const { alice, bob } = await connect();
    await say(alice, 'sekali saja');
    await alice.deliver();
    const before = await bob.db.e2eePlain.toArray();
    for (let i = 0; i < 3; i++) await bob.ingest();
    expect(await bob.db.e2eePlain.toArray()).toEqual(before);
    // The page re-renders the bubble with a different native id (a recycled node): a replay for the
    // ratchet, but known by its content.
    const last = bob.thread.at(-1)!;
    bob.thread.push({ ...last, nativeId: nextId() });
    await bob.ingest();
    expect(await bob.texts()).toEqual(['in:sekali saja', 'in:sekali saja']);
  });

  test('Instagram: a long message goes as parts of at most 900 characters, in any order', async () => {
    const { alice, bob } = await connect('instagram');
    const long = 'Panjang sekali. '.repeat(100).trim(); // 1,599 characters
    const before = alice.posted.length;
    await say(alice, long);
    const sent = alice.posted.slice(before);
    expect(sent.length).toBe(3);
    for (const p of sent) {
      expect(p.length).toBeLessThanOrEqual(PLATFORM_PART_LIMITS.instagram);
      expect(findArmored(p).parts[0]).toMatchObject({ total: 3 });
    }
    await alice.deliver({ reverse: true });
    expect(await bob.texts()).toEqual([`in:${long}`]);
    expect(await alice.texts()).toEqual([`out:${long}`]);
    const bobViews = await bob.views();
    expect(bobViews.filter((v) => v.state === 'part')).toHaveLength(sent.length - 1);
    // And back.
    await say(bob, 'diterima');
    await bob.deliver();
    expect((await alice.texts()).at(-1)).toBe('in:diterima');
  });

  test('Instagram: while a part is missing the message waits, and never shows partial text', async () => {
    const { alice, bob } = await connect('instagram');
    await say(alice, 'x'.repeat(1200));
    // Deliver the first part only.
    const page = alice;
    const rest = page.queue.splice(1);
    expect(rest.length).toBeGreaterThan(0);
    await alice.deliver();
    expect(await bob.texts()).toEqual([]);
    expect((await bob.views()).at(-1)).toMatchObject({ state: 'pending', partsSeen: 1, text: null });
    page.queue = rest;
    await alice.deliver();
    expect(await bob.texts()).toEqual([`in:${'x'.repeat(1200)}`]);
  });

  test('an edited or tampered ciphertext is "modified", never garbage', async () => {
    const { alice, bob } = await connect();
    await say(alice, 'original');
    await alice.deliver();
    expect(await bob.texts()).toEqual(['in:original']);
    // The platform edits the delivered bubble.
    const last = bob.thread.at(-1)!;
    const t = last.text;
    const i = Math.floor(t.length / 2);
    last.text = t.slice(0, i) + (t[i] === 'a' ? 'b' : 'a') + t.slice(i + 1);
    await bob.ingest();
    expect((await bob.views()).at(-1)).toMatchObject({ state: 'modified', text: null });

    // A ciphertext tampered with before it was ever read.
    await say(alice, 'second');
    const queue = alice.queue;
    const c = queue[0]!;
    const j = c.text.length - 10;
    queue[0] = { ...c, text: c.text.slice(0, j) + (c.text[j] === 'z' ? 'y' : 'z') + c.text.slice(j + 1) };
    await alice.deliver();
    expect((await bob.views()).at(-1)).toMatchObject({ state: 'modified', text: null });
    expect(await bob.texts()).toEqual([]);
    // The session survives: the next message reads fine (the skipped key covers the lost one).
    await say(alice, 'third');
    await alice.deliver();
    expect(await bob.texts()).toEqual(['in:third']);
  });

  test('a key change warns, and blocks sending to a verified contact until accepted', async () => {
    const { alice, bob } = await connect();
    const number = (await bob.state())!.safetyNumber!;
    expect(await bob.ask({ type: 'e2ee-verify', conversationId: bob.conversationId, safetyNumber: '1'.repeat(60) })).toMatchObject({
      ok: false,
    });
    expect(await bob.ask({ type: 'e2ee-verify', conversationId: bob.conversationId, safetyNumber: number })).toEqual({ ok: true });
    expect((await bob.state())?.verified).toBe(true);

    // Alice reinstalls: a new device identity, same chat.
    const alice2 = new User('Alice', 'whatsapp', 'Bob');
    alice2.peer = bob;
    bob.peer = alice2;
    alice2.thread.push(...alice.thread);
    await alice2.ingest();
    await alice2.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice2.conversationId });
    await alice2.deliver();
    expect((await bob.state())?.incomingInvite?.keyChanged).toBe(true);
    await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId });
    await bob.deliver();
    const changed = await bob.state();
    expect(changed?.keyChanged).toBe(true);
    expect(changed?.safetyNumber).not.toBe(number);
    expect(await say(bob, 'are you really Alice?')).toEqual({ ok: false, error: 'key changed' });

    expect(await bob.ask({ type: 'e2ee-accept-key-change', conversationId: bob.conversationId })).toEqual({ ok: true });
    expect(await bob.state()).toMatchObject({ keyChanged: false, verified: false });
    expect(await say(bob, 'are you really Alice?')).toEqual({ ok: true });
    await bob.deliver();
    expect((await alice2.texts()).at(-1)).toBe('in:are you really Alice?');
  });

  test('sending needs a session; the encrypt switch is stored; page messages are schema-checked', async () => {
    const { alice, bob } = await pair();
    expect(await say(alice, 'hi')).toEqual({ ok: false, error: 'no encrypted session' });
    expect(await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: 'whatsapp:nobody' })).toMatchObject({ ok: false });
    expect(await alice.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: alice.conversationId })).toMatchObject({ ok: false });
    await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
    await alice.deliver();
    await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId });
    await bob.deliver();
    expect((await alice.state())?.encrypt).toBe(true);
    expect(await alice.ask({ type: 'e2ee-set-encrypt', conversationId: alice.conversationId, on: false })).toEqual({ ok: true });
    expect((await alice.state())?.encrypt).toBe(false);
  });

  test('a retried send re-posts the same ciphertext, never a new encryption', async () => {
    const { alice } = await connect();
    const outboxId = nextId();
    await alice.ask({ type: 'e2ee-send', outboxId, conversationId: alice.conversationId, text: 'once' });
    const first = alice.posted.at(-1);
    // The same request again (e.g. the popup retried after a timeout) changes nothing.
    await alice.ask({ type: 'e2ee-send', outboxId, conversationId: alice.conversationId, text: 'once' });
    expect(alice.posted.at(-1)).toBe(first);
    await handleMessage(
      alice.ctx,
      { type: 'send-result', platform: 'whatsapp', outboxId, ok: false, reason: 'no-echo' },
      {
        id: EXT,
        url: ORIGIN.whatsapp,
        tab: { id: 7 } as Runtime.MessageSender['tab'],
        frameId: 0,
      },
    );
    await alice.ask({ type: 'retry-send', outboxId });
    await new Promise((r) => setTimeout(r, 20));
    expect(alice.posted.at(-1)).toBe(first);
    expect((await alice.db.outbox.get(outboxId))?.text).toBe(first);
  });
});

describe('what the ingest path passes on to listeners (notifications)', () => {
  test('encrypted news carries a placeholder, never its ciphertext', async () => {
    const { alice, bob } = await connect();
    const heard: string[] = [];
    bob.ctx.onMerged = (result) => {
      for (const m of result.newIncoming) heard.push(m.text);
      for (const c of result.unreadIncreased) heard.push(c.preview);
    };
    await say(alice, 'kabar rahasia');
    await alice.deliver();
    expect(heard).toEqual(['🔒']);
    // A list row whose preview is armored (the chat not open) loses it too.
    const armored = alice.posted.at(-1)!;
    await handleMessage(
      bob.ctx,
      {
        type: 'ingest',
        platform: 'whatsapp',
        batchId: nextId(),
        health: { state: 'ok' },
        thread: null,
        conversations: [
          {
            nativeId: 'Alice',
            title: 'Alice',
            isGroup: false,
            unread: true,
            unreadCount: 3,
            muted: false,
            archived: false,
            pinned: false,
            preview: armored,
            lastMessageAt: null,
            listRank: 0,
          },
        ],
      },
      { id: EXT, url: ORIGIN.whatsapp, tab: { id: 7 } as Runtime.MessageSender['tab'], frameId: 0 },
    );
    expect(heard).toEqual(['🔒', '🔒']);
  });
});

describe('signed prekey rotation', () => {
  test('rotated after a week; an invite made before still works', async () => {
    const { alice, bob } = await pair();
    await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
    const firstInvite = alice.posted.at(-1)!;
    await alice.deliver();
    advance(8 * 24 * 3600_000);
    alice.restartWorker();
    await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
    const secondInvite = alice.posted.at(-1)!;
    const prekeyOf = (text: string) => {
      const read = readEnvelope(text);
      if (!read.ok || read.envelope.type !== 'invite') throw new Error('not an invite');
      return read.envelope.invite.prekeyId;
    };
    expect(prekeyOf(secondInvite)).not.toBe(prekeyOf(firstInvite));
    // Bob answers the first (older) invite only: Alice still opens it with the previous prekey.
    const bobThread = bob.thread.slice();
    expect(bobThread.at(-1)?.text).toBe(firstInvite);
    await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId });
    await bob.deliver();
    expect((await alice.state())?.status).toBe('active');
    expect((await alice.state())?.safetyNumber).toBe((await bob.state())?.safetyNumber);
  });
});

describe('WhatsApp parts', () => {
  test('a long message goes as parts short enough never to be cut behind "Read more"', async () => {
    const { alice, bob } = await connect('whatsapp');
    const long = 'Pesan panjang untuk WhatsApp. '.repeat(60).trim();
    const before = alice.posted.length;
    await say(alice, long);
    const sent = alice.posted.slice(before);
    expect(sent.length).toBeGreaterThan(1);
    for (const p of sent) expect(p.length).toBeLessThanOrEqual(640);
    await alice.deliver();
    expect(await bob.texts()).toEqual([`in:${long}`]);
  });

  test('a bubble the page shows cut off waits (never "modified") until its full text is read', async () => {
    const { alice, bob } = await connect('whatsapp');
    await say(alice, 'utuh');
    const page = alice;
    const cmd = page.queue[0]!;
    // Bob's page first shows the bubble cut (as behind "Read more"), then in full.
    page.queue = [];
    page.thread.push({ ...bob.thread[0]!, nativeId: nextId(), sender: { name: 'You', isSelf: true }, text: cmd.text, status: 'sent' });
    const nativeId = nextId();
    bob.thread.push({
      ...bob.thread[0]!,
      nativeId,
      sender: { name: 'Alice', isSelf: false },
      text: cmd.text.slice(0, 60),
      truncated: true,
      status: 'received',
    });
    await bob.ingest();
    expect((await bob.views()).at(-1)).toMatchObject({ state: 'pending', text: null });
    bob.thread[bob.thread.length - 1] = { ...bob.thread.at(-1)!, text: cmd.text, truncated: false };
    await bob.ingest();
    expect(await bob.texts()).toEqual(['in:utuh']);
  });
});

describe('who may ask for encryption operations', () => {
  test('a messenger page cannot; malformed requests are refused by schema', async () => {
    const { alice } = await connect();
    const tab = { id: EXT, url: ORIGIN.whatsapp, tab: { id: 7 } as Runtime.MessageSender['tab'], frameId: 0 };
    const posted = alice.posted.length;
    for (const type of ['e2ee-send', 'e2ee-start', 'e2ee-accept', 'e2ee-verify', 'e2ee-accept-key-change', 'e2ee-unlock', 'e2ee-lock']) {
      const reply = await handleMessage(
        alice.ctx,
        { type, outboxId: nextId(), conversationId: alice.conversationId, text: 'x', platform: 'whatsapp' },
        tab,
      );
      expect(reply).toMatchObject({ ok: false });
    }
    expect(alice.posted.length).toBe(posted);
    const bad = [
      { type: 'e2ee-send', outboxId: nextId(), conversationId: alice.conversationId, text: '' },
      { type: 'e2ee-send', outboxId: nextId(), conversationId: alice.conversationId, text: 'x'.repeat(8_001) },
      { type: 'e2ee-send', outboxId: nextId(), conversationId: alice.conversationId, text: 'hi', extra: 1 },
      { type: 'e2ee-verify', conversationId: alice.conversationId, safetyNumber: '12345' },
      { type: 'e2ee-set-passphrase', passphrase: 'short' },
      { type: 'e2ee-set-encrypt', conversationId: alice.conversationId, on: 'yes' },
    ];
    for (const m of bad) expect(await alice.ask(m)).toMatchObject({ ok: false });
    expect(alice.posted.length).toBe(posted);
  });
});

describe('the worker may be stopped at any moment', () => {
  test('restarted managers on both sides carry on from the store alone', async () => {
    const { alice, bob } = await pair();
    await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
    alice.restartWorker();
    await alice.deliver();
    bob.restartWorker();
    await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId });
    bob.restartWorker();
    await bob.deliver();
    alice.restartWorker();
    await say(alice, 'masih jalan');
    alice.restartWorker();
    await alice.deliver();
    bob.restartWorker();
    await say(bob, 'tetap aman');
    await bob.deliver();
    expect(await alice.texts()).toEqual(['out:masih jalan', 'in:tetap aman']);
    expect(await bob.texts()).toEqual(['in:masih jalan', 'out:tetap aman']);
  });
});
