// What every platform's content-script entrypoint does: start the shared runtime with its adapter.
import type { PlatformAdapter } from './adapter';
import { startContentRuntime, type RuntimeHandle, type Transport } from './runtime';
import { runtimeTransport } from './transport';

/** The part of the content-script context the runtime needs (content/lifetime.ts in the build). */
interface ScriptLifetime {
  /** Whether the script is done (checking it notices an orphaned extension context). */
  readonly isInvalid: boolean;
  onInvalidated(cb: () => void): unknown;
}

export function startPlatform(adapter: PlatformAdapter, lifetime?: ScriptLifetime): RuntimeHandle {
  const line = runtimeTransport();
  // After an update or reload of the extension the old script is orphaned: its messages fail, and
  // a failed message is when it asks whether it is done. It then stops observing and retrying.
  const transport: Transport = {
    send: (message) =>
      Promise.resolve()
        .then(() => line.send(message))
        .catch((e: unknown) => {
          if (lifetime?.isInvalid) handle.stop();
          throw e;
        }),
    onCommand: (handler) => line.onCommand(handler),
  };
  const handle = startContentRuntime(adapter, document, transport);
  lifetime?.onInvalidated(() => handle.stop());
  return handle;
}
