import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes, utf8, x25519KeyPair } from '../../../lib/crypto/primitives';
import {
  initInitiator,
  initResponder,
  isRatchetState,
  MAX_SKIP,
  MAX_STORED_SKIPPED_KEYS,
  ratchetDecrypt,
  ratchetEncrypt,
  type RatchetState,
  SKIPPED_KEY_TTL_MS,
} from '../../../lib/crypto/ratchet';
import { nobleX25519, useX25519 } from '../../../lib/crypto/x25519';

const NOW = 1_700_000_000_000;

async function pair(): Promise<{ alice: RatchetState; bob: RatchetState }> {
  const sk = randomBytes(32);
  const prekey = x25519KeyPair();
  const ad = randomBytes(64);
  return { alice: await initInitiator(sk, prekey.publicKey, ad), bob: initResponder(sk, prekey.secretKey, ad) };
}

interface Wire {
  header: Uint8Array;
  ciphertext: Uint8Array;
  text: string;
}

function send(state: RatchetState, text: string): { state: RatchetState; wire: Wire } {
  const out = ratchetEncrypt(state, utf8(text));
  return { state: out.state, wire: { header: out.header, ciphertext: out.ciphertext, text } };
}

async function decryptText(state: RatchetState, wire: Wire, now = NOW) {
  const r = await ratchetDecrypt(state, wire.header, wire.ciphertext, now);
  return r.ok ? { ok: true as const, state: r.state, text: new TextDecoder().decode(r.plaintext) } : r;
}

describe('Double Ratchet basics', () => {
  it('exchanges messages both ways across several ratchet steps', async () => {
    let { alice, bob } = await pair();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) {
        const s = send(alice, `a${round}.${i}`);
        alice = s.state;
        const r = await decryptText(bob, s.wire);
        expect(r.ok && r.text).toBe(`a${round}.${i}`);
        if (r.ok) bob = r.state;
      }
      const s = send(bob, `b${round}`);
      bob = s.state;
      const r = await decryptText(alice, s.wire);
      expect(r.ok && r.text).toBe(`b${round}`);
      if (r.ok) alice = r.state;
    }
  });

  it('state survives a JSON round trip and validates', async () => {
    let { alice, bob } = await pair();
    const s = send(alice, 'hello');
    alice = JSON.parse(JSON.stringify(s.state));
    const r = await decryptText(JSON.parse(JSON.stringify(bob)), s.wire);
    expect(r.ok).toBe(true);
    if (r.ok) bob = JSON.parse(JSON.stringify(r.state));
    expect(isRatchetState(alice)).toBe(true);
    expect(isRatchetState(bob)).toBe(true);
    expect(isRatchetState({ ...bob, rootKey: 'nope' })).toBe(false);
    const reply = send(bob, 'hi');
    expect((await decryptText(alice, reply.wire)).ok).toBe(true);
  });

  it('rejects replays, reflections, tampering, without changing the state', async () => {
    let { alice, bob } = await pair();
    const m0 = send(alice, 'zero');
    alice = m0.state;
    const r0 = await decryptText(bob, m0.wire);
    expect(r0.ok).toBe(true);
    if (!r0.ok) return;
    bob = r0.state;
    const before = JSON.stringify(bob);

    expect(await decryptText(bob, m0.wire)).toEqual({ ok: false, error: 'replay' });
    const tampered = m0.wire.ciphertext.slice();
    tampered[0]! ^= 1;
    const m1 = send(alice, 'one');
    alice = m1.state;
    const t1 = m1.wire.ciphertext.slice();
    t1[3]! ^= 0x80;
    expect(await decryptText(bob, { ...m1.wire, ciphertext: t1 })).toEqual({ ok: false, error: 'modified' });
    const h1 = m1.wire.header.slice();
    h1[39]! ^= 1; // message number changed → AAD differs
    expect((await decryptText(bob, { ...m1.wire, header: h1 })).ok).toBe(false);
    expect(JSON.stringify(bob)).toBe(before);
    // Reflection: Bob's own reply fed back to Bob.
    const reply = send(bob, 'reply');
    expect(await decryptText(reply.state, reply.wire)).toEqual({ ok: false, error: 'replay' });
    // Alice's own message fed back to Alice.
    expect((await decryptText(alice, m1.wire)).ok).toBe(false);
    // The real message still decrypts afterwards.
    const r1 = await decryptText(bob, m1.wire);
    expect(r1.ok && r1.text).toBe('one');
  });

  it('decrypts out-of-order and late messages from an earlier chain exactly once', async () => {
    let { alice, bob } = await pair();
    const a = [0, 1, 2].map(() => {
      const s = send(alice, 'x');
      alice = s.state;
      return s.wire;
    });
    const r2 = await decryptText(bob, a[2]!);
    expect(r2.ok).toBe(true);
    if (r2.ok) bob = r2.state;
    const b0 = send(bob, 'reply');
    bob = b0.state;
    const ra = await decryptText(alice, b0.wire);
    if (ra.ok) alice = ra.state;
    const a3 = send(alice, 'new chain');
    alice = a3.state;
    const r3 = await decryptText(bob, a3.wire);
    expect(r3.ok).toBe(true);
    if (r3.ok) bob = r3.state;
    // Late messages of Alice's first chain, still decryptable from skipped keys.
    for (const w of [a[0]!, a[1]!]) {
      const r = await decryptText(bob, w);
      expect(r.ok).toBe(true);
      if (r.ok) bob = r.state;
      expect(await decryptText(bob, w)).toEqual({ ok: false, error: 'replay' });
    }
    expect(bob.skipped).toHaveLength(0);
  });

  it('bounds skipping: refuses a jump beyond MAX_SKIP, caps stored keys, expires them', async () => {
    const p = await pair();
    let alice = p.alice;
    const bob = p.bob;
    const first = send(alice, 'first');
    alice = first.state;
    let far = alice;
    for (let i = 0; i < MAX_SKIP + 1; i++) far = ratchetEncrypt(far, new Uint8Array(0)).state;
    const tooFar = send(far, 'too far');
    expect(await decryptText(bob, tooFar.wire)).toEqual({ ok: false, error: 'too-far' });
    // A jump of 1,500 is allowed, but only the newest 1,000 skipped keys are kept.
    let mid = alice;
    for (let i = 0; i < 1500; i++) mid = ratchetEncrypt(mid, new Uint8Array(0)).state;
    const m = send(mid, 'after gap');
    const r = await decryptText(bob, m.wire);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.state.skipped).toHaveLength(MAX_STORED_SKIPPED_KEYS);
    // The very first message's key was evicted (it was the oldest).
    expect((await decryptText(r.state, first.wire)).ok).toBe(false);
    // Keys expire.
    const late = await decryptText(r.state, first.wire, NOW + SKIPPED_KEY_TTL_MS + 1);
    expect(late.ok).toBe(false);
  });
});

type Action = { kind: 'deliver' | 'duplicate' | 'drop' | 'tamper'; pick: number };

// Once with the X25519 the product chooses here (WebCrypto in Node 20), once with noble (the fallback).
describe.each(['chosen', 'noble'] as const)(
  'Double Ratchet property (%s X25519): lossy, reordered, duplicated, tampered channel',
  (backend) => {
    beforeEach(() => useX25519(backend === 'noble' ? nobleX25519 : null));
    afterEach(() => useX25519(null));

    it('every untampered message decrypts exactly once; tampered ones are rejected; state never corrupts', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              from: fc.constantFrom<'alice' | 'bob'>('alice', 'bob'),
              count: fc.integer({ min: 1, max: 4 }),
            }),
            { minLength: 1, maxLength: 6 },
          ),
          fc.array(
            fc.record({
              kind: fc.constantFrom<Action['kind']>('deliver', 'deliver', 'deliver', 'duplicate', 'drop', 'tamper'),
              pick: fc.nat(),
            }),
            { maxLength: 40 },
          ),
          async (bursts, actions) => {
            let { alice, bob } = await pair();
            let bobHasReceived = false;
            const inFlight: { to: 'alice' | 'bob'; wire: Wire; id: number }[] = [];
            const delivered = new Map<number, number>();
            let nextId = 0;
            let actionIndex = 0;
            const deliver = async (item: (typeof inFlight)[number], tamper: boolean) => {
              const target = item.to === 'alice' ? alice : bob;
              let wire = item.wire;
              if (tamper) {
                const ct = wire.ciphertext.slice();
                ct[(actionIndex * 7) % ct.length]! ^= 1 << (actionIndex % 8);
                wire = { ...wire, ciphertext: ct };
              }
              const before = JSON.stringify(target);
              const r = await decryptText(target, wire);
              if (tamper) {
                expect(r.ok).toBe(false);
                expect(JSON.stringify(target)).toBe(before);
                return;
              }
              if (r.ok) {
                expect(r.text).toBe(item.wire.text);
                delivered.set(item.id, (delivered.get(item.id) ?? 0) + 1);
                if (item.to === 'alice') alice = r.state;
                else {
                  bob = r.state;
                  bobHasReceived = true;
                }
              } else {
                // Failure is only allowed for a repeat of an already-delivered message.
                expect(r.error).toBe('replay');
                expect(delivered.get(item.id)).toBe(1);
                expect(JSON.stringify(target)).toBe(before);
              }
            };
            const runActions = async (n: number) => {
              for (let k = 0; k < n && actionIndex < actions.length && inFlight.length > 0; k++, actionIndex++) {
                const a = actions[actionIndex]!;
                const i = a.pick % inFlight.length;
                const item = inFlight[i]!;
                if (a.kind === 'drop') inFlight.splice(i, 1);
                else if (a.kind === 'deliver') {
                  inFlight.splice(i, 1);
                  await deliver(item, false);
                } else if (a.kind === 'duplicate') await deliver(item, false);
                else await deliver(item, true);
              }
            };
            for (const burst of bursts) {
              // The responder can only send once it has received something.
              const from = burst.from === 'bob' && !bobHasReceived ? 'alice' : burst.from;
              for (let c = 0; c < burst.count; c++) {
                const s = send(from === 'alice' ? alice : bob, `${from}-${nextId}`);
                if (from === 'alice') alice = s.state;
                else bob = s.state;
                inFlight.push({ to: from === 'alice' ? 'bob' : 'alice', wire: s.wire, id: nextId++ });
              }
              await runActions(3);
            }
            await runActions(actions.length);
            // Finally deliver everything still in flight, in reverse order: each decrypts once.
            for (const item of inFlight.reverse()) await deliver(item, false);
            for (const count of delivered.values()) expect(count).toBe(1);
          },
        ),
        { numRuns: 60 },
      );
    });
  },
);

describe('Double Ratchet: key agreement', () => {
  it('message keys depend on the shared secret (different secrets cannot decrypt)', async () => {
    const prekey = x25519KeyPair();
    const ad = randomBytes(64);
    const alice = await initInitiator(randomBytes(32), prekey.publicKey, ad);
    const bob = initResponder(randomBytes(32), prekey.secretKey, ad);
    const s = send(alice, 'x');
    expect(await decryptText(bob, s.wire)).toEqual({ ok: false, error: 'modified' });
  });
});
