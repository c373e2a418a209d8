// @vitest-environment happy-dom
// The thread view of an encrypted conversation, driven end to end in memory: Bob's popup talks to
// Bob's background (the real handler and manager) and Alice's side is simulated (e2ee-sim).
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, expect, test, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { handleMessage } from '../../../../lib/worker/router';
import { sessionStorageKeyStore } from '../../../../lib/worker/e2ee/keyring';
import { App } from '../../../../lib/pages/App';
import { nextId, pair, popup, snapshot, User } from '../../helpers/e2ee-sim';

let alice: User;
let bob: User;

// The thread view is a lazily loaded chunk: load it once up front (see ../ui.test.tsx).
beforeAll(() => import('../../../../lib/pages/Thread'));

beforeEach(async () => {
  ({ alice, bob } = await pair());
  // Bob's popup reaches Bob's background.
  vi.spyOn(browser.runtime, 'sendMessage').mockImplementation((async (message: unknown) => {
    const reply = await handleMessage(bob.ctx, message, popup);
    await bob.e2ee.settled();
    return reply;
  }) as typeof browser.runtime.sendMessage);
});
afterEach(async () => {
  cleanup();
  vi.restoreAllMocks();
  await browser.storage.session.clear();
});

async function openChat() {
  render(<App db={bob.db} layout="popup" language="en" />);
  const row = await screen.findByRole('button', { name: /Alice/ });
  fireEvent.click(row);
  return screen.findByRole('log', { name: 'Conversation with Alice' });
}

test('start, accept, safety number, Encrypt switch; encrypted messages show plaintext, never ciphertext', async () => {
  const log = await openChat();
  expect(await screen.findByRole('button', { name: 'Start encryption' })).toBeTruthy();
  expect(screen.queryByRole('switch')).toBeNull();

  // Alice invites; Bob's thread shows the invitation with Accept.
  await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
  await alice.deliver();
  expect(await screen.findByText('Alice wants to start an encrypted conversation.')).toBeTruthy();
  expect(await within(log).findByText('Invitation to an encrypted conversation')).toBeTruthy();
  fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
  await waitFor(() => expect(bob.posted.length).toBe(1));
  await bob.deliver();

  // The safety number: 12 groups of five digits, the same as Alice's.
  const number = await screen.findByRole('group', { name: 'Safety number' });
  const aliceNumber = (await alice.state())!.safetyNumber!;
  expect(number.textContent).toBe(aliceNumber);
  expect(number.querySelectorAll('.safety-group')).toHaveLength(12);
  const sw = await screen.findByRole('switch', { name: 'Encrypt' });
  expect(sw.getAttribute('aria-checked')).toBe('true');

  // Alice writes; Bob reads the plaintext with a lock label.
  await alice.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: alice.conversationId, text: 'Halo Bob 👋' });
  await alice.deliver();
  await waitFor(() => expect(within(log).getByText('Halo Bob 👋')).toBeTruthy());
  expect(within(log).getAllByText('Encrypted').length).toBeGreaterThan(0);

  // Bob replies from the composer: encrypted, and shown as plaintext while in flight and after.
  const box = screen.getByRole('textbox', { name: 'Message' });
  fireEvent.input(box, { target: { value: 'Halo juga' } });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  await waitFor(() => expect(bob.posted.length).toBe(2));
  expect(bob.posted[1]).toMatch(/^UIE1/);
  await waitFor(() => expect(within(log).getByText('Halo juga')).toBeTruthy());
  await bob.deliver();
  await waitFor(() => expect(within(log).getByText('Halo juga')).toBeTruthy());
  expect((await alice.texts()).at(-1)).toBe('in:Halo juga');
  // The conversation list preview hides the ciphertext too.
  expect(document.body.textContent).not.toContain('UIE1');

  // Switching Encrypt off sends plain text again.
  fireEvent.click(sw);
  await waitFor(() => expect(screen.getByRole('switch', { name: 'Encrypt' }).getAttribute('aria-checked')).toBe('false'));
  fireEvent.input(box, { target: { value: 'plain words' } });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  await waitFor(() => expect(bob.posted.at(-1)).toBe('plain words'));
});

test('mark as verified; a key change raises an alert and blocks sending until accepted', async () => {
  await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
  await alice.deliver();
  await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId });
  await bob.deliver();
  await openChat();
  fireEvent.click(await screen.findByRole('button', { name: 'Mark as verified' }));
  await waitFor(() => expect(screen.getByText(/Verified/)).toBeTruthy());

  // Alice's extension is reinstalled and invites again; Bob accepts.
  const alice2 = new User('Alice', 'whatsapp', 'Bob');
  alice2.peer = bob;
  bob.peer = alice2;
  alice2.thread.push(...alice.thread);
  await alice2.ingest();
  await alice2.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice2.conversationId });
  await alice2.deliver();
  expect(await screen.findByText(/This invitation comes from a different key/)).toBeTruthy();
  fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
  await waitFor(() => expect(bob.posted.length).toBe(2));
  await bob.deliver();

  const alerts = await screen.findAllByRole('alert');
  expect(alerts.some((a) => a.textContent?.includes("Alice's security key changed"))).toBe(true);
  const box = screen.getByRole('textbox', { name: 'Message' });
  fireEvent.input(box, { target: { value: 'siapa ini?' } });
  expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);

  fireEvent.click(screen.getByRole('button', { name: 'Accept the new key' }));
  await waitFor(() => expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false));
  await waitFor(() => expect(screen.queryByText(/security key changed/)).toBeNull());
});

test('Indonesian labels', async () => {
  render(<App db={bob.db} layout="popup" language="id" />);
  fireEvent.click(await screen.findByRole('button', { name: /Alice/ }));
  expect(await screen.findByRole('button', { name: 'Mulai enkripsi' })).toBeTruthy();
});

test('passphrase lock: set it, lock, a wrong passphrase is refused, unlocking shows the plaintext again', async () => {
  // Bob's background keeps the unlocked key where his pages look for it.
  bob.unlocked = sessionStorageKeyStore(browser.storage.session);
  bob.restartWorker();
  await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
  await alice.deliver();
  await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId });
  await bob.deliver();
  await alice.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: alice.conversationId, text: 'rahasia kecil' });
  await alice.deliver();
  const log = await openChat();
  await waitFor(() => expect(within(log).getByText('rahasia kecil')).toBeTruthy());

  fireEvent.click(screen.getByText('Passphrase lock'));
  const field = screen.getByLabelText('New passphrase');
  fireEvent.input(field, { target: { value: 'pendek' } });
  expect((screen.getByRole('button', { name: 'Set passphrase' }) as HTMLButtonElement).disabled).toBe(true);
  // Before setting it, the user is told that it replaces the keys (and the field points to it).
  expect(field.getAttribute('aria-describedby')).toContain('e2ee-passphrase-keys');
  expect(document.getElementById('e2ee-passphrase-keys')!.textContent).toMatch(/replaces your encryption keys.*accept your new key/);
  fireEvent.input(field, { target: { value: 'gula aren manis' } });
  fireEvent.click(screen.getByRole('button', { name: 'Set passphrase' }));
  expect(await screen.findByText('Passphrase set.')).toBeTruthy();
  expect(screen.getByText(/Your encryption keys were replaced/)).toBeTruthy();
  expect(within(log).getByText('rahasia kecil')).toBeTruthy();
  // The old session ended: encryption is started again from here (issue 12 item 3).
  expect(await screen.findByRole('button', { name: 'Start encryption' })).toBeTruthy();

  fireEvent.click(await screen.findByRole('button', { name: 'Lock now' }));
  const pass = await screen.findByLabelText('Passphrase');
  await waitFor(() => expect(within(log).queryByText('rahasia kecil')).toBeNull());
  fireEvent.input(pass, { target: { value: 'bukan ini' } });
  fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
  expect((await screen.findByRole('alert')).textContent).toBe('Wrong passphrase.');
  fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'gula aren manis' } });
  fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
  await waitFor(() => expect(within(log).getByText('rahasia kecil')).toBeTruthy());
  expect(screen.queryByRole('button', { name: 'Unlock' })).toBeNull();
});

/** Mallory's extension answers `invite` (text she saw) and returns her init's armored text. */
async function forgeInit(invite: string): Promise<string> {
  const mallory = new User('Mallory', 'whatsapp', 'Victim');
  await mallory.ingest();
  mallory.thread.push(snapshot(nextId(), invite, false, 'Victim'));
  await mallory.ingest();
  await mallory.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: mallory.conversationId });
  return mallory.queue[0]!.text;
}

test('an init where Bob did not invite asks first: keyboard-reachable Accept, then the new key must be accepted', async () => {
  // Bob invites, Alice accepts: a session. Then a page answers Bob's (already answered) invite again.
  await bob.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: bob.conversationId });
  await bob.deliver();
  await alice.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: alice.conversationId });
  await alice.deliver();
  const init = await forgeInit(bob.thread[0]!.text);
  bob.thread.push(snapshot(nextId(), init, false, 'Alice'));
  await bob.ingest();

  const log = await openChat();
  const request = await screen.findByRole('group', { name: 'Request to set up encryption' });
  expect(within(request).getByText('Alice wants to set up encryption.')).toBeTruthy();
  expect(within(request).getByText(/different key than the one you trusted/)).toBeTruthy();
  expect(await within(log).findByText(/answer the encryption request above/)).toBeTruthy();
  // Sending still goes to Alice's session (nothing was re-keyed).
  fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'masih kamu?' } });
  expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false);
  const accept = within(request).getByRole('button', { name: 'Accept' });
  accept.focus();
  expect(document.activeElement).toBe(accept);
  fireEvent.click(accept);
  await waitFor(() => expect(screen.queryByRole('group', { name: 'Request to set up encryption' })).toBeNull());

  // Accepted: the key changed, and sending waits for the new key although nothing was verified.
  const alerts = await screen.findAllByRole('alert');
  expect(alerts.some((a) => a.textContent?.includes('Sending is blocked until you accept the new key.'))).toBe(true);
  fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'siapa?' } });
  expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
});

test('a reflected ciphertext shows "not from this chat", never the plaintext under the page\'s sender (en + id)', async () => {
  await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId });
  await alice.deliver();
  await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId });
  await bob.deliver();
  await bob.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: bob.conversationId, text: 'I agree to transfer 5000 EUR' });
  await bob.deliver();
  // Bob's page re-shows his own message as Alice's.
  bob.thread.push(snapshot(nextId(), bob.thread.at(-1)!.text, false, 'Alice'));
  await bob.ingest();

  const log = await openChat();
  await waitFor(() => expect(within(log).getAllByText('I agree to transfer 5000 EUR')).toHaveLength(1));
  const articles = within(log).getAllByRole('article');
  const reflected = articles.at(-1)!;
  expect(reflected.textContent).toContain('Modified or not from this chat');
  expect(reflected.textContent).not.toContain('5000');
  cleanup();

  render(<App db={bob.db} layout="popup" language="id" />);
  fireEvent.click(await screen.findByRole('button', { name: /Alice/ }));
  const logId = await screen.findByRole('log');
  await waitFor(() => expect(within(logId).getByText(/Diubah atau bukan dari obrolan ini/)).toBeTruthy());
});

test('Indonesian: the request to set up encryption', async () => {
  await bob.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: bob.conversationId });
  await bob.deliver();
  await alice.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: alice.conversationId });
  await alice.deliver();
  bob.thread.push(snapshot(nextId(), await forgeInit(bob.thread[0]!.text), false, 'Alice'));
  await bob.ingest();
  render(<App db={bob.db} layout="popup" language="id" />);
  fireEvent.click(await screen.findByRole('button', { name: /Alice/ }));
  const request = await screen.findByRole('group', { name: 'Permintaan menyiapkan enkripsi' });
  expect(within(request).getByText('Alice ingin menyiapkan enkripsi.')).toBeTruthy();
  expect(within(request).getByRole('button', { name: 'Terima' })).toBeTruthy();
  expect(within(request).getByRole('button', { name: 'Nanti saja' })).toBeTruthy();
});

test('the thread view never shows a verdict under another sender or chat than it was reached in', async () => {
  const { encryptedMessage, encryptedOutbox } = await import('../../../../lib/pages/e2ee/Encryption');
  const view = {
    conversationId: 'whatsapp:Bob',
    kind: 'message',
    state: 'ok',
    direction: 'in',
    text: 'hi',
    partIndex: 0,
    partTotal: 1,
    partsSeen: 0,
  } as const;
  const plains = { byMessage: new Map([['whatsapp:Bob:1', view]]), byArmor: new Map() };
  const m = {
    id: 'whatsapp:Bob:1',
    text: 'UIE1x0',
    encrypted: true,
    conversationId: 'whatsapp:Bob',
    sender: { name: 'Bob', isSelf: false },
  };
  expect(encryptedMessage(m, plains)?.view).toMatchObject({ state: 'ok', text: 'hi' });
  // The page later shows the same bubble as ours: the cached verdict no longer applies.
  expect(encryptedMessage({ ...m, sender: { name: 'You', isSelf: true } }, plains)?.view).toMatchObject({
    state: 'modified',
    reason: 'not-this-chat',
    text: null,
  });
  // An outbox entry finds our sends only in its own conversation.
  const { armorEnvelope } = await import('../../../../lib/crypto/armor');
  const { findArmored } = await import('../../../../lib/crypto/armor');
  const text = armorEnvelope(new Uint8Array(100).fill(7), 'whatsapp')[0]!;
  const armorId = findArmored(text).parts[0]!.messageId;
  const out = { ...view, direction: 'out' as const, text: 'mine' };
  const index = { byMessage: new Map(), byArmor: new Map([[`whatsapp:Bob\n${armorId}`, out]]) };
  expect(encryptedOutbox({ text, conversationId: 'whatsapp:Bob' }, index)?.view).toMatchObject({ text: 'mine' });
  expect(encryptedOutbox({ text, conversationId: 'instagram:Carol' }, index)?.view).toBeNull();
});
