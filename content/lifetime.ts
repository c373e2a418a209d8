// The content scripts' stand-in for WXT's ContentScriptContext (wxt.config.ts aliases
// `wxt/utils/content-script-context` to this file in content-script builds). WXT's context also
// watches location changes and wraps timers, ~3 KB per script that the runtime does not use; what
// the runtime needs is only to be told when this instance is done: the extension was reloaded or
// updated (the script is orphaned and its messages fail), or a newer instance started in the page.
import { browser } from 'wxt/browser';

export class ContentScriptContext {
  private readonly done = new AbortController();

  constructor(name: string) {
    // Announced before listening, so an instance never hears itself; an event without detail, as
    // an object detail would not cross from one script world to another.
    const started = `unified-inbox:started:${name}`;
    document.dispatchEvent(new CustomEvent(started));
    document.addEventListener(started, () => this.invalidate(), { signal: this.done.signal });
  }

  /** Whether this instance is done; noticing an orphaned extension context invalidates it. */
  get isInvalid(): boolean {
    if (browser.runtime?.id == null) this.invalidate();
    return this.done.signal.aborted;
  }

  onInvalidated(cb: () => void): () => void {
    this.done.signal.addEventListener('abort', cb);
    return () => this.done.signal.removeEventListener('abort', cb);
  }

  private invalidate(): void {
    this.done.abort();
  }
}
