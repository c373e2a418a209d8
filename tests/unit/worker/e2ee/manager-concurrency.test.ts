// The ratchet's DH work is async (WebCrypto), so a page request and an ingest may both be in
// flight for one session. The background's manager must still run them one at a time: otherwise
// one would commit a ratchet state computed from a stale copy and lose the other's update.
import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { connect, nextId, type User } from '../../helpers/e2ee-sim';

function say(user: User, text: string) {
  return user.ask({ type: 'e2ee-send', outboxId: nextId(), conversationId: user.conversationId, text });
}

test('sends and a ratchet-turning ingest fired together on one session lose no state', async () => {
  const { alice, bob } = await connect();
  await say(alice, 'a0');
  await alice.deliver();
  // Bob answers twice; the first of these that Alice reads turns her DH ratchet.
  await say(bob, 'b1');
  await say(bob, 'b2');
  await bob.deliver({ scrape: false });
  // Alice's page reports the thread (twice, as a re-scrape would) while she sends two messages.
  const replies = await Promise.all([alice.ingest(), say(alice, 'a1'), say(alice, 'a2'), alice.ingest()]);
  expect(replies[1]).toEqual({ ok: true });
  expect(replies[2]).toEqual({ ok: true });
  await alice.deliver();
  await say(bob, 'b3');
  await bob.deliver();
  await say(alice, 'a3');
  await alice.deliver();

  expect(await alice.texts()).toEqual(['out:a0', 'in:b1', 'in:b2', 'out:a1', 'out:a2', 'in:b3', 'out:a3']);
  expect(await bob.texts()).toEqual(['in:a0', 'out:b1', 'out:b2', 'in:a1', 'in:a2', 'out:b3', 'in:a3']);
});
