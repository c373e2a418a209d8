// The popup's and side panel's entry. The app's code (Preact, Dexie, the polyfill: ~170 KB) is
// fetched only once the early script's first frame has been shown (lib/pages/first-rows.ts
// firstFrameShown), then mounts over it. Measured side by side (bench/README.md): loading it in
// parallel instead made the rows show 40-70 ms later and the app interactive no sooner, as its
// compile and run took the page's one thread from the early read and paint.
import { firstFrameShown } from './first-rows';

export function startApp(root: HTMLElement): Promise<void> {
  return firstFrameShown()
    .then(() => import('./mount'))
    .then((m) => m.mountApp(root));
}
