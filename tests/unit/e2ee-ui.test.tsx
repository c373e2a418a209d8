// @vitest-environment happy-dom
// The thread view of an encrypted conversation, driven end to end in memory: Bob's popup talks to
// Bob's background (the real handler and manager) and Alice's side is simulated (e2ee-sim).
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, expect, test, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { handleMessage } from '../../lib/background/handlers';
import { sessionStorageKeyStore } from '../../lib/e2ee/keyring';
import { App } from '../../lib/ui/App';
import { nextId, pair, popup, User } from './e2ee-sim';

let alice: User;
let bob: User;

// The thread view is a lazily loaded chunk: load it once up front (see ui.test.tsx).
beforeAll(() => import('../../lib/ui/Thread'));

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
