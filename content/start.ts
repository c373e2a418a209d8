// What every platform's content-script entrypoint does: start the shared runtime with its adapter.
import type { PlatformAdapter } from './adapter';
import { startContentRuntime } from './runtime';
import { runtimeTransport } from './transport';

export function startPlatform(adapter: PlatformAdapter): void {
  startContentRuntime(adapter, document, runtimeTransport());
}
