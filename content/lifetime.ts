// The content scripts' stand-in for WXT's ContentScriptContext (wxt.config.ts aliases
// `wxt/utils/content-script-context` to this file in content-script builds). WXT's context also
// watches location changes and wraps timers, ~3 KB per script that the runtime does not use; what
// the runtime needs is only to be told when this instance is done: the extension was reloaded or
// updated (the script is orphaned and its messages fail), or a newer instance started in the page.
//
// Nothing here is visible to the page (issue 12 item 4). WXT announces a new instance with a DOM
// event on `document`, which the page's own scripts can see (a fingerprint of the extension) and
// send (switching reading off for good). Instead:
// - a newer instance in the same frame finds the older one in a registry on the content scripts'
//   own global object: content scripts run in an isolated world, whose globals the page cannot see;
// - an instance left behind by an extension reload (its world may be another one) is orphaned:
//   `browser.runtime.id` is gone, which `isInvalid` notices when a message to the background fails.
import { browser } from 'wxt/browser';

/** Per script name, how to end the instance currently running in this world. */
const REGISTRY = Symbol.for('unified-inbox:content-script-lifetime');
type Registry = Map<string, () => void>;

function registry(): Registry {
  const g = globalThis as { [REGISTRY]?: Registry };
  return (g[REGISTRY] ??= new Map());
}

export class ContentScriptContext {
  private readonly done = new AbortController();

  constructor(name: string) {
    const running = registry();
    running.get(name)?.(); // an older instance of this script in this frame is done
    const end = () => this.invalidate();
    running.set(name, end);
    this.done.signal.addEventListener('abort', () => {
      if (running.get(name) === end) running.delete(name);
    });
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
