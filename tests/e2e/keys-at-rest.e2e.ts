// Issue 12 item 3 in a real Chromium profile: someone who gets the profile's files after the user
// set a passphrase must not find a key that opens what was sealed before it. The attack is run for
// real: every 32-byte window of every storage file of the profile is tried as the AES-GCM key of the
// sealed identity copied before the passphrase was set. Before the passphrase the scan finds the
// key (profile-only protection stops casual reads, not forensics); afterwards it must find nothing,
// with the browser running and after it was closed.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, storedRecords, type Harness } from './harness';

let h: Harness;
let popup: Page;

beforeAll(async () => {
  h = await launch();
  const wa = await h.openSite('https://web.whatsapp.com/');
  await wa.waitForSelector('#pane-side [role="grid"]');
  popup = await h.openPopup();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

interface SealedCopy {
  iv: number[];
  data: number[];
}

/** What the popup (the extension's origin) reads from the store: the sealed identity row. */
async function sealedIdentity(): Promise<SealedCopy | null> {
  type Row = { sealed?: { iv: Uint8Array; data: Uint8Array } };
  const [row] = await storedRecords<Row>(popup, 'e2eeDevice', { key: 'identity' });
  return row?.sealed ? { iv: [...row.sealed.iv], data: [...row.sealed.data] } : null;
}

function ask(message: Record<string, unknown>): Promise<{ ok?: boolean; error?: string }> {
  return popup.evaluate((m) => chrome.runtime.sendMessage(m), message);
}

/** Every regular file under the profile's storage directories (where any extension data lives). */
function storageFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const f = join(d, n);
      let st;
      try {
        st = statSync(f);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(f);
      else if (st.isFile() && st.size >= 32 && st.size < 64 * 1024 * 1024) out.push(f);
    }
  };
  walk(join(dir, 'Default'));
  return out.filter((f) => !/[\\/](Cache|Code Cache|GPUCache|DawnGraphiteCache|DawnWebGPUCache|GrShaderCache|ShaderCache)[\\/]/.test(f));
}

/** Whether `key` opens `sealed` (AES-256-GCM, with its storage context as associated data). */
function opens(key: Buffer, sealed: SealedCopy, context: string): boolean {
  const all = Buffer.from(sealed.data);
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv));
  d.setAAD(Buffer.from(context, 'utf8'));
  d.setAuthTag(all.subarray(all.length - 16));
  d.update(all.subarray(0, all.length - 16));
  try {
    d.final();
    return true;
  } catch {
    return false;
  }
}

/**
 * The attack: tries every 32-byte window of every file as the key of each sealed value (JSON, so
 * its first block starts with `{"`). A quick filter first: GCM's first keystream block is
 * AES(key, iv | 2), one ECB call per window for all targets; the few windows that pass it are
 * checked with the full GCM tag. Returns where a key was found, per target.
 */
function findKeys(dir: string, targets: SealedCopy[], context: string) {
  const counters = Buffer.concat(
    targets.map((t) => {
      const block = Buffer.alloc(16);
      Buffer.from(t.iv).copy(block);
      block.writeUInt32BE(2, 12);
      return block;
    }),
  );
  const found: (string | null)[] = targets.map(() => null);
  let bytes = 0;
  const files = storageFiles(dir);
  for (const f of files) {
    let buf: Buffer;
    try {
      buf = readFileSync(f);
    } catch {
      continue;
    }
    bytes += buf.length;
    for (let o = 0; o + 32 <= buf.length; o++) {
      const key = buf.subarray(o, o + 32);
      const ecb = createCipheriv('aes-256-ecb', key, null);
      ecb.setAutoPadding(false);
      const stream = ecb.update(counters);
      targets.forEach((t, i) => {
        if (found[i] || (stream[i * 16]! ^ t.data[0]!) !== 0x7b || (stream[i * 16 + 1]! ^ t.data[1]!) !== 0x22) return;
        if (opens(Buffer.from(key), t, context)) found[i] = `${f.slice(dir.length)} @${o}`;
      });
    }
  }
  return { found, files: files.length, bytes };
}

describe('keys at rest in a real profile (issue 12 item 3)', () => {
  let before: SealedCopy;

  test('without a passphrase, the profile files hold the key (what SECURITY.md says)', async () => {
    const conversations = await storedRecords<{ id: string; isGroup: boolean }>(popup, 'conversations');
    const conversation = conversations.find((c) => !c.isGroup)?.id;
    expect(conversation, 'a one-to-one conversation').toBeTruthy();
    expect(await ask({ type: 'e2ee-start', outboxId: `keys-${Date.now()}`, conversationId: conversation })).toEqual({ ok: true });
    await expect.poll(async () => (await sealedIdentity()) !== null, { timeout: 15_000 }).toBe(true);
    before = (await sealedIdentity())!;
    await popup.waitForTimeout(1_000);
    const started = Date.now();
    const scan = findKeys(h.userDataDir, [before], 'e2ee identity');
    console.log(
      `before the passphrase: ${scan.files} files, ${scan.bytes} bytes scanned in ${Date.now() - started} ms; key at ${scan.found[0]}`,
    );
    expect(scan.found[0]).not.toBeNull();
  }, 120_000);

  test('after the passphrase, no file of the profile holds a key that opens the old sealed identity', async () => {
    expect(before).toBeDefined();
    expect(await ask({ type: 'e2ee-set-passphrase', passphrase: 'teh manis hangat sekali' })).toEqual({ ok: true });
    const after = (await sealedIdentity())!;
    expect(Buffer.from(after.data).equals(Buffer.from(before.data))).toBe(false);
    await popup.waitForTimeout(2_000);
    // Nor may any file open the new identity: its key exists only wrapped under the passphrase.
    const running = findKeys(h.userDataDir, [before, after], 'e2ee identity');
    console.log(`after, browser running: ${running.files} files, ${running.bytes} bytes; keys at ${running.found.map(String).join(', ')}`);
    expect(running.found).toEqual([null, null]);

    // The files as they are at rest, after the browser closed.
    const dir = h.userDataDir;
    await h.close({ keepProfile: true });
    try {
      const closed = findKeys(dir, [before, after], 'e2ee identity');
      console.log(`after, browser closed: ${closed.files} files, ${closed.bytes} bytes; keys at ${closed.found.map(String).join(', ')}`);
      expect(closed.found).toEqual([null, null]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});
