// @vitest-environment happy-dom
// The content scripts' lifetime (content/lifetime.ts) must not be observable or controllable by the
// page (issue 12 item 4): it used a DOM event on `document`, which a page script could see
// (fingerprinting) and send (reading stopped for good). Whatever the page dispatches, on document
// or window, the running instance goes on; a newer instance in the same script world still ends
// the older one.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ContentScriptContext } from '../../../content/lifetime';

const made: ContentScriptContext[] = [];
function start(name: string): ContentScriptContext {
  const ctx = new ContentScriptContext(name);
  made.push(ctx);
  return ctx;
}
afterEach(() => {
  // End every instance, so the next test starts from a clean world.
  for (const c of made.splice(0)) (c as unknown as { invalidate(): void }).invalidate();
  vi.restoreAllMocks();
});

/** What a page script can send: every event type it could have seen or guessed, with and without detail. */
function replayAsPage(types: string[]): void {
  for (const type of types) {
    for (const target of [document, window] as EventTarget[]) {
      target.dispatchEvent(new CustomEvent(type));
      target.dispatchEvent(new CustomEvent(type, { detail: { name: 'whatsapp' } }));
      target.dispatchEvent(new Event(type, { bubbles: true }));
    }
  }
}

describe('content-script lifetime (issue 12 item 4)', () => {
  test('starting dispatches nothing on document or window (nothing for the page to see)', () => {
    const seen: string[] = [];
    const spy = (target: EventTarget) =>
      vi.spyOn(target, 'dispatchEvent').mockImplementation(function (this: EventTarget, e: Event) {
        seen.push(e.type);
        return true;
      });
    spy(document);
    spy(window);
    start('whatsapp');
    expect(seen).toEqual([]);
  });

  test("no event the page dispatches ends the running instance (the old 'started' event replayed included)", () => {
    const ctx = start('whatsapp');
    const stopped = vi.fn();
    ctx.onInvalidated(stopped);
    replayAsPage([
      'unified-inbox:started:whatsapp',
      'unified-inbox:started:instagram',
      'unified-inbox:started:messenger',
      'wxt:content-script-started',
      'message',
      'unified-inbox',
    ]);
    window.postMessage({ type: 'unified-inbox:started:whatsapp' }, '*');
    expect(ctx.isInvalid).toBe(false);
    expect(stopped).not.toHaveBeenCalled();
  });

  test('a newer instance of the same script in the same world ends the older one; other scripts go on', () => {
    const old = start('whatsapp');
    const other = start('instagram');
    const stopped = vi.fn();
    old.onInvalidated(stopped);
    const fresh = start('whatsapp');
    expect(old.isInvalid).toBe(true);
    expect(stopped).toHaveBeenCalledTimes(1);
    expect(fresh.isInvalid).toBe(false);
    expect(other.isInvalid).toBe(false);
  });
});
