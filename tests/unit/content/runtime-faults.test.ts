// @vitest-environment happy-dom
// The content runtime's send path under the faults the browser harness found (on the WhatsApp
// fixture): a re-dispatch that arrives right after a (re)load, before the page was first read, must
// find the echo instead of posting again; Retry in the same page must make a new attempt rather
// than repeat the old failure; and an older reply with the same text is never taken for the echo.
import { afterEach, describe, expect, test } from 'vitest';
import { startContentRuntime, type RuntimeHandle } from '../../../content/runtime';
import { whatsappAdapter } from '../../../content/whatsapp/adapter';
import { insertIntoComposer } from '../../../content/composer';
import type { SendCommand } from '../../../lib/shared/protocol';
import { sendCommand } from '../helpers/factories';
import { RecordingTransport } from '../helpers/transport';
import { renderWhatsApp, type WhatsAppFixtureControl } from '../../fixtures/whatsapp/whatsapp-app.js';

const adapter = { ...whatsappAdapter, isActiveUrl: () => true };
let handles: RuntimeHandle[] = [];
afterEach(() => {
  handles.forEach((h) => h.stop());
  handles = [];
  document.body.replaceChildren();
});

function mount(): WhatsAppFixtureControl {
  document.body.replaceChildren();
  const fx = renderWhatsApp(document, {});
  fx.echoDelayMs = 0;
  return fx;
}

/** A content runtime with a transport that records what it reports and lets the test command it. */
function start() {
  const t = new RecordingTransport();
  const handle = startContentRuntime(adapter, document, t, { debounceMs: 50, maxWaitMs: 100, echoTimeoutMs: 1_500, log: () => {} });
  handles.push(handle);
  return { sent: t.sent, handle, command: (c: SendCommand) => t.command(c), verdict: (outboxId: string) => t.sendResult(outboxId) };
}

const cmd = (over: Partial<SendCommand>): SendCommand => sendCommand('Budi Santoso', 'Budi Santoso', 'hello', { outboxId: 'o1', ...over });
const posts = (fx: WhatsAppFixtureControl, text: string) => fx.echoLog.filter((e) => e.text === text).length;

describe('content runtime: sending under faults', () => {
  test('a re-dispatch arriving before the reloaded page was first read finds the echo, never posts again', async () => {
    const fx = mount();
    const first = start();
    await first.handle.idle();
    const attemptStartedAt = Date.now() - 50;
    const text = 'dikirim sebelum reload';
    expect(await first.command(cmd({ text, attemptStartedAt }))).toEqual({ accepted: true });
    expect(await first.verdict('o1')).toMatchObject({ ok: true });
    expect(posts(fx, text)).toBe(1);
    // The page reloads: a fresh runtime, commanded at once (before its debounced first read).
    first.handle.stop();
    const second = start();
    expect(await second.command(cmd({ text, attemptStartedAt, checkEchoFirst: true }))).toEqual({ accepted: true });
    expect(await second.verdict('o1')).toMatchObject({ ok: true });
    expect(posts(fx, text)).toBe(1);
  });

  test('Retry in the same page is a new attempt: refused for a draft, then posted once the draft is gone', async () => {
    const fx = mount();
    const rt = start();
    await rt.handle.idle();
    const box = whatsappAdapter.composer(document)!;
    expect(await insertIntoComposer(box, 'draf saya')).toBe('inserted');
    const text = 'balasan setelah draf';
    await rt.command(cmd({ text }));
    expect(await rt.verdict('o1')).toMatchObject({ ok: false, reason: 'draft-present' });
    expect(posts(fx, text)).toBe(0);
    // The user clears the draft; the background re-dispatches the same outbox id on Retry.
    for (let i = 0; i < 20 && box.textContent !== ''; i++) {
      box.dispatchEvent(new InputEvent('beforeinput', { inputType: 'deleteContentBackward', bubbles: true, cancelable: true }));
      await new Promise((r) => setTimeout(r, 0)); // the editor commits a microtask later
    }
    expect(box.textContent ?? '').toBe('');
    const before = rt.sent.length;
    await rt.command(cmd({ text, checkEchoFirst: true }));
    for (let i = 0; i < 200 && !rt.sent.slice(before).some((m) => m.type === 'send-result'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(rt.sent.slice(before).find((m) => m.type === 'send-result')).toMatchObject({ ok: true });
    expect(posts(fx, text)).toBe(1);
  });

  test('the same command repeated while it is posting or after it was posted never posts twice', async () => {
    const fx = mount();
    const rt = start();
    await rt.handle.idle();
    const text = 'sekali saja';
    await Promise.all([rt.command(cmd({ text })), rt.command(cmd({ text, checkEchoFirst: true }))]);
    expect(await rt.verdict('o1')).toMatchObject({ ok: true });
    await rt.command(cmd({ text, checkEchoFirst: true }));
    await new Promise((r) => setTimeout(r, 200));
    expect(posts(fx, text)).toBe(1);
  });

  test('a reply posted before a reload that opened another chat is found in its own chat, never posted twice', async () => {
    const fx = mount();
    const first = start();
    await first.handle.idle();
    const attemptStartedAt = Date.now() - 50;
    const text = 'terkirim lalu halaman dimuat ulang';
    await first.command(cmd({ text, attemptStartedAt }));
    expect(await first.verdict('o1')).toMatchObject({ ok: true });
    // The page comes back with another chat open; the fresh runtime never saw Budi's thread.
    first.handle.stop();
    fx.openChat('Sarah Johnson');
    const second = start();
    await second.handle.idle();
    await second.command(cmd({ text, attemptStartedAt, checkEchoFirst: true }));
    expect(await second.verdict('o1')).toMatchObject({ ok: true });
    expect(posts(fx, text)).toBe(1);
  });

  test('an older reply with the same text is not taken for the echo: the reply is posted', async () => {
    const fx = mount();
    const rt = start(); // a fresh page showing an old outgoing bubble with this text (minutes ago)
    const old = 'Oke makasih, udah aku simpan';
    expect(document.body.textContent).toContain(old);
    await rt.handle.idle(); // the page has been read: the old bubble is known
    await rt.command(cmd({ text: old, attemptStartedAt: Date.now() - 1_000, checkEchoFirst: true }));
    expect(await rt.verdict('o1')).toMatchObject({ ok: true });
    expect(posts(fx, old)).toBe(1); // really posted, not wrongly settled by the old bubble
  });
});
