import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIdentity } from '../../../lib/crypto/identity';
import { acceptInvite, decrypt, inspectEnvelope, openInit, parseSession, sessionSafetyNumber } from '../../../lib/crypto/session';

interface Transcript {
  now: number;
  bobIdentity: unknown;
  aliceIdentity: unknown;
  invite: string[];
  safetyNumber: string;
  aliceSessionAfterSending: unknown;
  bobSessionAfterSending: unknown;
  messages: { from: 'alice' | 'bob'; parts: string[]; plaintext: string }[];
}

const transcript = JSON.parse(readFileSync(path.resolve(__dirname, 'vectors/transcript-v1.json'), 'utf8')) as Transcript;

describe('frozen transcript v1 (wire and storage compatibility)', () => {
  it('stored identities and session still parse', async () => {
    expect(parseIdentity(transcript.bobIdentity)).not.toBeNull();
    expect(parseIdentity(transcript.aliceIdentity)).not.toBeNull();
    expect(parseSession(transcript.aliceSessionAfterSending)).not.toBeNull();
    expect(parseSession(transcript.bobSessionAfterSending)).not.toBeNull();
  });

  it('every message decrypts to the recorded text, in order and exactly once', async () => {
    const bobDevice = parseIdentity(transcript.bobIdentity)!;
    let alice = parseSession(transcript.aliceSessionAfterSending)!;
    const [m0, m1, m2, m3] = transcript.messages;
    const opened = await openInit(bobDevice, {}, m0!.parts.join('\n'), transcript.now);
    if (!opened.ok) throw new Error(opened.error);
    expect(opened.plaintext).toBe(m0!.plaintext);
    expect(sessionSafetyNumber(opened.session)).toBe(transcript.safetyNumber);
    expect(sessionSafetyNumber(alice)).toBe(transcript.safetyNumber);
    let bob = opened.session;
    const r1 = await decrypt(bob, m1!.parts.join(' '), transcript.now);
    if (!r1.ok) throw new Error(r1.error);
    expect(r1.plaintext).toBe(m1!.plaintext);
    bob = r1.session;
    const r2 = await decrypt(alice, m2!.parts.join('\n'), transcript.now);
    if (!r2.ok) throw new Error(r2.error);
    expect(r2.plaintext).toBe(m2!.plaintext);
    alice = r2.session;
    expect(ok(inspectEnvelope(m3!.parts.join(''))).type).toBe('message');
    // m3 answers Bob's recorded ratchet key (a ratchet step draws a fresh random key pair), so it
    // is decrypted with Bob's stored state after m2; the replayed m1 is refused there too.
    expect((await decrypt(bob, m3!.parts.join(''), transcript.now)).ok).toBe(false);
    bob = parseSession(transcript.bobSessionAfterSending)!;
    expect(await decrypt(bob, m1!.parts.join(''), transcript.now)).toEqual({ ok: false, error: 'replay' });
    const r3 = await decrypt(bob, m3!.parts.join(''), transcript.now);
    if (!r3.ok) throw new Error(r3.error);
    expect(r3.plaintext).toBe(m3!.plaintext);
    expect(await decrypt(r3.session, m3!.parts.join(''), transcript.now)).toEqual({ ok: false, error: 'replay' });
  });

  it('the recorded invite is still accepted', async () => {
    const aliceDevice = parseIdentity(transcript.aliceIdentity)!;
    const r = await acceptInvite(aliceDevice, transcript.invite.join(''), { platform: 'instagram', now: transcript.now });
    expect(r.ok).toBe(true);
  });
});

function ok<T>(r: { ok: true; info: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.info;
}
