// What every platform's content-script entrypoint does: start the shared runtime with its adapter.
import type { PlatformAdapter } from './adapter';
import { startContentRuntime, type RuntimeHandle } from './runtime';
import { runtimeTransport } from './transport';

/** The part of WXT's content-script context the runtime needs: told when the extension reloads. */
interface ScriptLifetime {
  onInvalidated(cb: () => void): unknown;
}

export function startPlatform(adapter: PlatformAdapter, lifetime?: ScriptLifetime): RuntimeHandle {
  const handle = startContentRuntime(adapter, document, runtimeTransport());
  // After an update or reload of the extension the old script is orphaned (its messages fail); the
  // new one takes over, so the old one stops observing and retrying.
  lifetime?.onInvalidated(() => handle.stop());
  return handle;
}
