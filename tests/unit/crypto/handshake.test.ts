import { describe, expect, it } from 'vitest';
import { createInvite, hasSeenEphemeral, initiate, rememberEphemeral, respond, verifyInvite } from '../../../lib/crypto/handshake';
import { createIdentity, prekeyNeedsRotation, PREKEY_MAX_AGE_MS, rotateSignedPrekey } from '../../../lib/crypto/identity';
import { toHex } from '../../../lib/crypto/primitives';

const NOW = 1_750_000_000_000;

function ok<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

describe('X3DH-style handshake', () => {
  it('both sides derive the same secret, associated data (initiator first) and session id', async () => {
    const bob = createIdentity(NOW);
    const alice = createIdentity(NOW);
    const invite = createInvite(bob);
    expect(verifyInvite(invite)).toBe(true);
    const a = ok(await initiate(alice, invite));
    const b = ok(await respond(bob, a.init, {}));
    expect(toHex(a.result.sharedSecret)).toBe(toHex(b.result.sharedSecret));
    expect(toHex(a.result.associatedData)).toBe(toHex(alice.identity.publicKey) + toHex(bob.identity.publicKey));
    expect(toHex(b.result.associatedData)).toBe(toHex(a.result.associatedData));
    expect(toHex(a.result.sessionId)).toBe(toHex(b.result.sessionId));
    // Fresh ephemeral each time: a second acceptance is a different session.
    expect(toHex(ok(await initiate(alice, invite)).result.sharedSecret)).not.toBe(toHex(a.result.sharedSecret));
  });

  it('an init claiming another identity derives a different secret', async () => {
    const bob = createIdentity(NOW);
    const alice = createIdentity(NOW);
    const mallory = createIdentity(NOW);
    const a = ok(await initiate(alice, createInvite(bob)));
    const forged = ok(await respond(bob, { ...a.init, initiatorIdentityKey: mallory.identity.publicKey }, {}));
    expect(toHex(forged.result.sharedSecret)).not.toBe(toHex(a.result.sharedSecret));
  });

  it('refuses tampered invites, low-order keys, unknown prekeys and versions', async () => {
    const bob = createIdentity(NOW);
    const alice = createIdentity(NOW);
    const invite = createInvite(bob);
    expect(await initiate(alice, { ...invite, prekeyId: invite.prekeyId + 1 })).toEqual({ ok: false, error: 'bad-signature' });
    expect(await initiate(alice, { ...invite, version: 2 })).toEqual({ ok: false, error: 'version' });
    const a = ok(await initiate(alice, invite));
    expect(await respond(bob, { ...a.init, ephemeralKey: new Uint8Array(32) }, {})).toEqual({ ok: false, error: 'bad-key' });
    expect(await respond(bob, { ...a.init, prekeyId: a.init.prekeyId + 5 }, {})).toEqual({ ok: false, error: 'unknown-prekey' });
    expect(await respond(alice, a.init, {})).toEqual({ ok: false, error: 'own-invite' });
  });

  it('remembers ephemerals per prekey and forgets those of prekeys rotated away', async () => {
    let bob = createIdentity(NOW);
    const alice = createIdentity(NOW);
    const a = ok(await initiate(alice, createInvite(bob)));
    const seen = rememberEphemeral({}, a.init, bob);
    expect(hasSeenEphemeral(seen, a.init)).toBe(true);
    expect(await respond(bob, a.init, seen)).toEqual({ ok: false, error: 'replay' });
    for (let i = 0; i < 3; i++) bob = rotateSignedPrekey(bob, NOW + i);
    const b2 = ok(await initiate(alice, createInvite(bob)));
    const pruned = rememberEphemeral(seen, b2.init, bob);
    expect(Object.keys(pruned)).toEqual([String(bob.signedPrekey.id)]);
  });

  it('prekeys age out', async () => {
    const bob = createIdentity(NOW);
    expect(prekeyNeedsRotation(bob, NOW + 1000)).toBe(false);
    expect(prekeyNeedsRotation(bob, NOW + PREKEY_MAX_AGE_MS + 1)).toBe(true);
    const rotated = rotateSignedPrekey(bob, NOW);
    expect(rotated.signedPrekey.id).toBe((bob.signedPrekey.id + 1) >>> 0);
    expect(rotated.previousPrekeys[0]).toBe(bob.signedPrekey);
    expect(verifyInvite(createInvite(rotated))).toBe(true);
  });
});
