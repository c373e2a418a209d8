import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findArmored, Reassembler } from '../../../lib/crypto/armor';
import type { SeenEphemerals } from '../../../lib/crypto/handshake';
import { createIdentity, type DeviceIdentity, parseIdentity, rotateSignedPrekey, serializeIdentity } from '../../../lib/crypto/identity';
import { toBase64 } from '../../../lib/crypto/primitives';
import {
  acceptInvite,
  createInvite,
  decrypt,
  encrypt,
  inspectEnvelope,
  openInit,
  parseSession,
  type Session,
  sessionSafetyNumber,
} from '../../../lib/crypto/session';

const NOW = 1_750_000_000_000;

function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

async function setup(platform: 'instagram' | 'whatsapp' | 'messenger' = 'instagram') {
  const bobDevice = createIdentity(NOW);
  const aliceDevice = createIdentity(NOW);
  const invite = createInvite(bobDevice, platform);
  const accepted = ok(
    await acceptInvite(aliceDevice, `Bob: ${invite.armoredParts.join(' ')}`, { platform, now: NOW, firstMessage: 'hi Bob' }),
  );
  return { bobDevice, aliceDevice, invite, accepted };
}

describe('session facade: invite → init → messages', () => {
  it('sets up a session both ways with matching safety numbers', async () => {
    const { bobDevice, accepted } = await setup();
    const info = ok(inspectEnvelope(accepted.armoredParts.join('\n'))).info;
    expect(info.type).toBe('init-message');
    const opened = ok(await openInit(bobDevice, {}, accepted.armoredParts.join('\n'), NOW));
    expect(opened.plaintext).toBe('hi Bob');
    expect(info.type === 'init-message' && info.sessionId).toBe(opened.session.sessionId);
    expect(sessionSafetyNumber(opened.session)).toBe(sessionSafetyNumber(accepted.session));
    expect(sessionSafetyNumber(opened.session)).toMatch(/^\d{60}$/);

    let alice = accepted.session;
    let bob = opened.session;
    const reply = ok(encrypt(bob, 'hello Alice 👋 — ünïcödé', 'instagram'));
    bob = reply.session;
    const got = ok(await decrypt(alice, reply.armoredParts.join(' '), NOW));
    expect(got.plaintext).toBe('hello Alice 👋 — ünïcödé');
    alice = got.session;
    expect(alice.pendingInit).toBeNull();
    const next = ok(encrypt(alice, 'after reply', 'instagram'));
    expect(ok(inspectEnvelope(next.envelope)).info.type).toBe('message');
    expect(ok(await decrypt(bob, next.armoredParts[0]!, NOW)).plaintext).toBe('after reply');
  });

  it('repeats the handshake until the first reply, so a lost first message does not matter', async () => {
    const { bobDevice, accepted } = await setup();
    let alice = accepted.session;
    const second = ok(encrypt(alice, 'second', 'messenger'));
    alice = second.session;
    expect(ok(inspectEnvelope(second.envelope)).info.type).toBe('init-message');
    // The init envelope was lost; the second message sets up Bob's session on its own.
    const opened = ok(await openInit(bobDevice, {}, second.armoredParts.join(''), NOW));
    expect(opened.plaintext).toBe('second');
    // The lost one turns up later and still decrypts, once.
    const late = ok(await decrypt(opened.session, accepted.armoredParts.join(''), NOW));
    expect(late.plaintext).toBe('hi Bob');
    expect(await decrypt(late.session, accepted.armoredParts.join(''), NOW)).toEqual({ ok: false, error: 'replay' });
  });

  it('refuses a replayed init (remembered ephemeral), even if the session was deleted', async () => {
    const { bobDevice, accepted } = await setup();
    const text = accepted.armoredParts.join('');
    const opened = ok(await openInit(bobDevice, {}, text, NOW));
    expect(await openInit(bobDevice, opened.seen, text, NOW)).toEqual({ ok: false, error: 'replay' });
    // Through the existing session, the replay is refused too.
    expect(await decrypt(opened.session, text, NOW)).toEqual({ ok: false, error: 'replay' });
    // The replay record is plain JSON.
    const seen = JSON.parse(JSON.stringify(opened.seen)) as SeenEphemerals;
    expect(await openInit(bobDevice, seen, text, NOW)).toEqual({ ok: false, error: 'replay' });
  });

  it('sends a message over 1,000 characters on Instagram in parts of at most 900, reassembled in any order', async () => {
    const { bobDevice, accepted } = await setup();
    const opened = ok(await openInit(bobDevice, {}, accepted.armoredParts.join(''), NOW));
    const long = 'Lorem ipsum dolor sit amet, '.repeat(80); // 2,240 characters
    const out = ok(encrypt(accepted.session, long, 'instagram'));
    expect(out.armoredParts.length).toBeGreaterThan(2);
    for (const p of out.armoredParts) expect(p.length).toBeLessThanOrEqual(900);
    const r = new Reassembler();
    let envelope: Uint8Array | null = null;
    for (const text of [...out.armoredParts].reverse()) {
      for (const part of findArmored(text).parts) envelope = r.add(part, NOW) ?? envelope;
    }
    expect(envelope).not.toBeNull();
    expect(ok(await decrypt(opened.session, envelope!, NOW)).plaintext).toBe(long);
    // Only some parts: incomplete, not an error about tampering.
    expect(await decrypt(opened.session, out.armoredParts[0]!, NOW)).toEqual({ ok: false, error: 'incomplete' });
  });

  it('reports a platform edit as modified and keeps the session usable', async () => {
    const { bobDevice, accepted } = await setup();
    const opened = ok(await openInit(bobDevice, {}, accepted.armoredParts.join(''), NOW));
    const out = ok(encrypt(accepted.session, 'original', 'whatsapp'));
    const text = out.armoredParts[0]!;
    const edited = text.slice(0, 20) + (text[20] === 'x' ? 'y' : 'x') + text.slice(21);
    const before = JSON.stringify(opened.session);
    expect(await decrypt(opened.session, edited, NOW)).toEqual({ ok: false, error: 'modified' });
    expect(await decrypt(opened.session, 'just some words', NOW)).toEqual({ ok: false, error: 'malformed' });
    expect(JSON.stringify(opened.session)).toBe(before);
    expect(ok(await decrypt(opened.session, text, NOW)).plaintext).toBe('original');
  });

  it('the sender cannot decrypt its own message, and another session is told apart', async () => {
    const first = await setup();
    const second = await setup();
    const out = ok(encrypt(first.accepted.session, 'mine', 'whatsapp'));
    expect((await decrypt(first.accepted.session, out.envelope, NOW)).ok).toBe(false);
    const bobOther = ok(await openInit(second.bobDevice, {}, second.accepted.armoredParts.join(''), NOW));
    expect(await decrypt(bobOther.session, out.envelope, NOW)).toEqual({ ok: false, error: 'unknown-session' });
    expect(await decrypt(bobOther.session, second.invite.armoredParts.join(''), NOW)).toEqual({ ok: false, error: 'not-a-message' });
  });

  it('refuses forged, own and stale invites', async () => {
    const bobDevice = createIdentity(NOW);
    const aliceDevice = createIdentity(NOW);
    const invite = createInvite(bobDevice, 'whatsapp').invite;
    const forged = { ...invite, signedPrekey: aliceDevice.signedPrekey.keyPair.publicKey };
    expect(await acceptInvite(aliceDevice, forged, { platform: 'whatsapp', now: NOW })).toEqual({ ok: false, error: 'bad-signature' });
    expect(await acceptInvite(bobDevice, invite, { platform: 'whatsapp', now: NOW })).toEqual({ ok: false, error: 'own-invite' });
    expect(await acceptInvite(aliceDevice, 'no invite here', { platform: 'whatsapp', now: NOW })).toEqual({
      ok: false,
      error: 'malformed',
    });

    // An init for a prekey rotated away long ago is refused; one rotation back still works.
    const accepted = ok(await acceptInvite(aliceDevice, invite, { platform: 'whatsapp', now: NOW }));
    let rotated: DeviceIdentity = rotateSignedPrekey(bobDevice, NOW + 1);
    expect((await openInit(rotated, {}, accepted.envelope, NOW)).ok).toBe(true);
    rotated = rotateSignedPrekey(rotateSignedPrekey(rotated, NOW + 2), NOW + 3);
    expect(await openInit(rotated, {}, accepted.envelope, NOW)).toEqual({ ok: false, error: 'unknown-prekey' });
  });

  it('identity and session survive JSON storage; corrupted data is refused', async () => {
    const { bobDevice, accepted } = await setup();
    const stored = JSON.parse(JSON.stringify(serializeIdentity(bobDevice)));
    const restored = parseIdentity(stored);
    expect(restored).not.toBeNull();
    expect(parseIdentity({ ...stored, identityPublicKey: toBase64(new Uint8Array(32)) })).toBeNull();
    expect(parseIdentity({ ...stored, signedPrekey: { ...stored.signedPrekey, id: stored.signedPrekey.id + 1 } })).toBeNull();
    expect(parseIdentity(null)).toBeNull();

    const opened = ok(await openInit(restored!, {}, accepted.armoredParts.join(''), NOW));
    const sessionJson = JSON.parse(JSON.stringify(opened.session)) as unknown;
    const session = parseSession(sessionJson) as Session;
    expect(session).not.toBeNull();
    expect(parseSession({ ...(sessionJson as object), sessionId: 'zz' })).toBeNull();
    const aliceSession = parseSession(JSON.parse(JSON.stringify(accepted.session)))!;
    const msg = ok(encrypt(aliceSession, 'stored and restored', 'messenger'));
    expect(ok(await decrypt(session, msg.armoredParts.join(''), NOW)).plaintext).toBe('stored and restored');
  });

  it('encrypt is deterministic for a given state, which is why the new state is saved before posting', async () => {
    const { accepted } = await setup();
    const out = ok(encrypt(accepted.session, 'x', 'instagram'));
    const again = ok(encrypt(accepted.session, 'x', 'instagram'));
    // Same state → same message key and nonce. The caller saves out.session before posting and
    // re-posts out.armoredParts on retry; it never encrypts again from an old state.
    expect(again.armoredParts).toEqual(out.armoredParts);
    expect(out.session.ratchet.sendCount).toBe(accepted.session.ratchet.sendCount + 1);
  });
});

type Op = { kind: 'deliver' | 'duplicate' | 'drop' | 'edit'; pick: number; at: number };

describe('session property: armored text over a lossy, reordering, editing channel', () => {
  it('every unedited message decrypts exactly once, edited ones never decrypt, state never corrupts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ fromBob: fc.boolean(), count: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.record({
            kind: fc.constantFrom<Op['kind']>('deliver', 'deliver', 'duplicate', 'drop', 'edit'),
            pick: fc.nat(),
            at: fc.nat(),
          }),
          { maxLength: 30 },
        ),
        async (bursts, ops) => {
          const { bobDevice, accepted } = await setup('instagram');
          let alice: Session = accepted.session;
          let bob: Session | null = null;
          let seen: SeenEphemerals = {};
          type Item = { to: 'alice' | 'bob'; text: string; plaintext: string; id: number };
          const inFlight: Item[] = [{ to: 'bob', text: accepted.armoredParts.join('\n'), plaintext: 'hi Bob', id: 0 }];
          const delivered = new Map<number, number>();
          let nextId = 1;

          const receive = async (item: Item, text: string, edited: boolean) => {
            if (item.to === 'bob') {
              const before = JSON.stringify([bob, seen]);
              // As the background would: the existing session first, a new init otherwise.
              const viaSession = bob ? await decrypt(bob, text, NOW) : null;
              let r: { ok: true; session: Session; plaintext: string; seen?: SeenEphemerals } | { ok: false; error: string };
              if (viaSession && (viaSession.ok || viaSession.error !== 'unknown-session')) r = viaSession;
              else r = await openInit(bobDevice, seen, text, NOW);
              if (edited) {
                expect(r.ok).toBe(false);
                expect(JSON.stringify([bob, seen])).toBe(before);
                return;
              }
              if (r.ok) {
                expect(r.plaintext).toBe(item.plaintext);
                delivered.set(item.id, (delivered.get(item.id) ?? 0) + 1);
                bob = r.session;
                if (r.seen) seen = r.seen;
              } else {
                expect(r.error).toBe('replay');
                expect(delivered.get(item.id)).toBe(1);
              }
            } else {
              const before = JSON.stringify(alice);
              const r = await decrypt(alice, text, NOW);
              if (edited) {
                expect(r.ok).toBe(false);
                expect(JSON.stringify(alice)).toBe(before);
                return;
              }
              if (r.ok) {
                expect(r.plaintext).toBe(item.plaintext);
                delivered.set(item.id, (delivered.get(item.id) ?? 0) + 1);
                alice = r.session;
              } else {
                expect(r.error).toBe('replay');
                expect(delivered.get(item.id)).toBe(1);
              }
            }
          };

          let opIndex = 0;
          const runOps = async (n: number) => {
            for (let k = 0; k < n && opIndex < ops.length && inFlight.length > 0; k++, opIndex++) {
              const op = ops[opIndex]!;
              const i = op.pick % inFlight.length;
              const item = inFlight[i]!;
              if (op.kind === 'drop') inFlight.splice(i, 1);
              else if (op.kind === 'deliver') {
                inFlight.splice(i, 1);
                await receive(item, item.text, false);
              } else if (op.kind === 'duplicate') await receive(item, item.text, false);
              else {
                // The platform edits one character of the armored text.
                // (Only visible characters: junk added between two parts is not an edit of a part.)
                let at = op.at % item.text.length;
                while (/\s/.test(item.text[at]!)) at = (at + 1) % item.text.length;
                const replacement = item.text[at] === 'a' ? 'b' : 'a';
                await receive(item, item.text.slice(0, at) + replacement + item.text.slice(at + 1), true);
              }
            }
          };

          for (const burst of bursts) {
            const fromBob: boolean = burst.fromBob && bob !== null;
            for (let c = 0; c < burst.count; c++) {
              const plaintext = `m${nextId} ${'x'.repeat(nextId * 37)}`;
              const sender: Session = fromBob ? bob! : alice;
              const out = ok(encrypt(sender, plaintext, 'instagram'));
              if (fromBob) bob = out.session;
              else alice = out.session;
              inFlight.push({ to: fromBob ? 'alice' : 'bob', text: out.armoredParts.join('\n'), plaintext, id: nextId++ });
            }
            await runOps(4);
          }
          await runOps(ops.length);
          for (const item of inFlight.reverse()) await receive(item, item.text, false);
          for (const count of delivered.values()) expect(count).toBe(1);
        },
      ),
      { numRuns: 40 },
    );
  });
});
