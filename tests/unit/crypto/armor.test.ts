import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARMOR_MARKER,
  armorEnvelope,
  chunkCapacity,
  decodeArmoredText,
  findArmored,
  joinParts,
  PLATFORM_PART_LIMITS,
  Reassembler,
} from '../../../lib/crypto/armor';
import { randomBytes, toHex } from '../../../lib/crypto/primitives';

const FORBIDDEN = /[*_~`.:@#]/;

describe('armorEnvelope', () => {
  it('fits each platform limit and uses only the marker, base58 and the terminator', () => {
    for (const platform of ['instagram', 'whatsapp', 'messenger'] as const) {
      const envelope = randomBytes(5000);
      const parts = armorEnvelope(envelope, platform);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(PLATFORM_PART_LIMITS[platform]);
        expect(part).toMatch(/^UIE1[1-9A-HJ-NP-Za-km-z]+0$/);
        expect(part).not.toMatch(FORBIDDEN);
      }
      expect(decodeArmoredText(parts.join('\n'))).toEqual(envelope);
    }
  });

  it('Instagram parts stay within 900 characters even for all-0xFF and all-zero chunks', () => {
    const capacity = chunkCapacity(900);
    expect(capacity).toBeGreaterThan(600);
    for (const fill of [0x00, 0xff]) {
      const parts = armorEnvelope(new Uint8Array(capacity * 3).fill(fill), 'instagram');
      expect(parts).toHaveLength(3);
      for (const p of parts) expect(p.length).toBeLessThanOrEqual(900);
    }
  });

  it('is deterministic (a retry posts the same text)', () => {
    const envelope = randomBytes(1500);
    expect(armorEnvelope(envelope, 'instagram')).toEqual(armorEnvelope(envelope, 'instagram'));
  });

  it('refuses impossible limits', () => {
    expect(() => armorEnvelope(randomBytes(10), 20)).toThrow();
    expect(() => armorEnvelope(new Uint8Array(0), 900)).toThrow();
  });
});

describe('findArmored', () => {
  it('finds parts inside surrounding text, glued text and wrapped lines', () => {
    const envelope = randomBytes(300);
    const [part] = armorEnvelope(envelope, 'whatsapp');
    const wrapped = part!.match(/.{1,37}/g)!.join('\n');
    const text = `Hi there!\n${wrapped}hello world`;
    expect(decodeArmoredText(text)).toEqual(envelope);
  });

  it('rejects truncated parts and parts with a changed character', () => {
    const [part] = armorEnvelope(randomBytes(200), 'whatsapp');
    expect(findArmored(part!.slice(0, -1))).toEqual({ parts: [], rejected: 1 });
    expect(findArmored(part!.slice(0, -10) + '0')).toEqual({ parts: [], rejected: 1 });
    const i = 30;
    const flipped = part![i] === 'a' ? 'b' : 'a';
    expect(findArmored(part!.slice(0, i) + flipped + part!.slice(i + 1)).parts).toHaveLength(0);
  });

  it('ignores text without markers and survives hostile inputs without throwing', () => {
    expect(findArmored('hello UIE world')).toEqual({ parts: [], rejected: 0 });
    expect(findArmored('UIE1').rejected).toBe(1);
    expect(findArmored('UIE10').rejected).toBe(1);
    expect(() => findArmored(ARMOR_MARKER + 'z'.repeat(50_000) + '0')).not.toThrow();
    expect(() => findArmored(ARMOR_MARKER.repeat(100_000))).not.toThrow();
  });

  it('does not mix parts of different messages', () => {
    const a = armorEnvelope(randomBytes(2000), 'instagram');
    const b = armorEnvelope(randomBytes(2000), 'instagram');
    expect(a.length).toBe(b.length);
    expect(decodeArmoredText([a[0], b[1], a[2], a[3]].join(' '))).toBeNull();
  });
});

// Transformations a messenger, a browser or a copy/paste may apply. Each one must leave the
// decoded bytes exact or make decoding fail; the benign ones must decode.
const INVISIBLES = [' ', '\n', '\r\n', '\t', '\u00A0', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u202F'];

type Transform = { kind: 'benign' | 'hostile'; apply: (s: string) => string };

const benignTransform: fc.Arbitrary<Transform> = fc.oneof(
  fc
    .tuple(fc.nat(), fc.constantFrom(...INVISIBLES))
    .map(([at, ch]) => ({ kind: 'benign' as const, apply: (s: string) => insertAt(s, at % (s.length + 1), ch) })),
  fc.integer({ min: 8, max: 120 }).map((width) => ({
    kind: 'benign' as const,
    apply: (s: string) => s.replace(new RegExp(`(.{${width}})`, 'g'), '$1\n'),
  })),
  fc.constantFrom<Transform>(
    { kind: 'benign', apply: (s) => s.normalize('NFC') },
    { kind: 'benign', apply: (s) => s.normalize('NFKC') },
    { kind: 'benign', apply: (s) => `Look: ${s} (sent with the extension)` },
    // Full-width forms are folded back by NFKC.
    { kind: 'benign', apply: (s) => s.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)) },
  ),
);

const hostileTransform: fc.Arbitrary<Transform> = fc.oneof(
  fc.nat().map((at) => ({ kind: 'hostile' as const, apply: (s: string) => removeAt(s, at % s.length) })),
  fc
    .tuple(fc.nat(), fc.constantFrom('a', 'Z', '9', 'x', '*', '_', '.', '…', 'é'))
    .map(([at, ch]) => ({ kind: 'hostile' as const, apply: (s: string) => replaceAt(s, at % s.length, ch) })),
  fc.nat().map((at) => ({
    kind: 'hostile' as const,
    apply: (s: string) => {
      if (s.length === 0) return s;
      const i = at % s.length;
      const c = s[i]!;
      const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      return replaceAt(s, i, swapped);
    },
  })),
  fc.nat().map((at) => ({ kind: 'hostile' as const, apply: (s: string) => s.slice(0, at % s.length) })),
  fc.constantFrom<Transform>(
    { kind: 'hostile', apply: (s) => s.toUpperCase() },
    { kind: 'hostile', apply: (s) => s.replace(/\.\.\./g, '…') + '...' },
  ),
);

function insertAt(s: string, i: number, ch: string): string {
  return s.slice(0, i) + ch + s.slice(i);
}
// Earlier transformations may have emptied the text (truncation): indices then become NaN and
// slice(0, NaN) is '' — fine for these helpers.
function removeAt(s: string, i: number): string {
  return s.slice(0, i) + s.slice(i + 1);
}
function replaceAt(s: string, i: number, ch: string): string {
  return s.slice(0, i) + ch + s.slice(i + 1);
}

describe('armor fuzz', () => {
  it('benign transformations always decode to the exact bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.constantFrom<'instagram' | 'messenger' | 'whatsapp'>('instagram', 'messenger', 'whatsapp'),
        fc.array(benignTransform, { minLength: 1, maxLength: 6 }),
        (envelope, platform, transforms) => {
          let text = armorEnvelope(envelope, platform).join(' ');
          for (const t of transforms) text = t.apply(text);
          const decoded = decodeArmoredText(text);
          expect(decoded && toHex(decoded)).toBe(toHex(envelope));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('any mix including hostile edits decodes to the exact bytes or is rejected', () => {
    let rejectedCount = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 1500 }),
        fc.array(fc.oneof(benignTransform, hostileTransform), { minLength: 1, maxLength: 5 }),
        (envelope, transforms) => {
          let text = armorEnvelope(envelope, 'instagram').join('\n');
          for (const t of transforms) text = t.apply(text);
          const decoded = decodeArmoredText(text);
          if (decoded === null) rejectedCount++;
          else expect(toHex(decoded)).toBe(toHex(envelope));
        },
      ),
      { numRuns: 100 },
    );
    expect(rejectedCount).toBeGreaterThan(0);
  });
});

describe('Reassembler', () => {
  it('yields the envelope only when every part is present, in any order, with duplicates', () => {
    const envelope = randomBytes(3000);
    const parts = findArmored(armorEnvelope(envelope, 'instagram').join(' ')).parts;
    expect(parts.length).toBe(5);
    const r = new Reassembler();
    const order = [3, 0, 3, 4, 1, 0, 2];
    const results = order.map((i) => r.add(parts[i]!, 1000));
    expect(results.slice(0, -1).every((x) => x === null)).toBe(true);
    expect(results.at(-1)).toEqual(envelope);
    expect(r.pendingCount).toBe(0);
  });

  it('single-part messages pass straight through', () => {
    const envelope = randomBytes(100);
    const [part] = findArmored(armorEnvelope(envelope, 'messenger')[0]!).parts;
    expect(new Reassembler().add(part!, 0)).toEqual(envelope);
  });

  it('is bounded: evicts the oldest pending message and expires stale ones', () => {
    const r = new Reassembler({ maxPendingMessages: 2, timeoutMs: 1000 });
    const messages = [0, 1, 2].map(() => {
      const envelope = randomBytes(1500);
      return { envelope, parts: findArmored(armorEnvelope(envelope, 'instagram').join(' ')).parts };
    });
    for (const m of messages) r.add(m.parts[0]!, 0);
    expect(r.pendingCount).toBe(2);
    // Message 0 was evicted: its remaining parts alone cannot complete it.
    expect(r.add(messages[0]!.parts[1]!, 1)).toBeNull();
    expect(r.add(messages[0]!.parts[2]!, 1)).toBeNull();
    // Message 2 completes within the timeout.
    expect(r.add(messages[2]!.parts[1]!, 10)).toBeNull();
    expect(r.add(messages[2]!.parts[2]!, 10)).toEqual(messages[2]!.envelope);
    // After the timeout, the stale pending ones are gone.
    r.add(messages[1]!.parts[1]!, 5000);
    expect(r.add(messages[1]!.parts[2]!, 5000)).toBeNull();
  });

  it('rejects a message whose part was swapped for a different one with the same id', () => {
    const envelope = randomBytes(1500);
    const parts = findArmored(armorEnvelope(envelope, 'instagram').join(' ')).parts;
    const forged = { ...parts[1]!, chunk: randomBytes(parts[1]!.chunk.length) };
    expect(joinParts([parts[0]!, forged, parts[2]!])).toBeNull();
    const r = new Reassembler();
    r.add(parts[0]!, 0);
    r.add(forged, 0);
    r.add(parts[1]!, 0);
    expect(r.add(parts[2]!, 0)).toBeNull();
  });
});
