// "Open side panel" in the popup. Chrome: chrome.sidePanel.open needs the window id and must be
// called while the click's user gesture is still live, so the window id is fetched up front and
// the call is made synchronously in the handler. Firefox: sidebarAction.open, also synchronously.
// Hidden where neither API exists.
import { useEffect, useState } from 'preact/hooks';
import { useUi } from './context';
import { sidePanelButtonState } from './first-paint';

interface ChromeSidePanel {
  open(options: { windowId: number }): Promise<void>;
}
interface FirefoxSidebarAction {
  open(): Promise<void>;
}
interface Apis {
  sidePanel?: ChromeSidePanel;
  sidebarAction?: FirefoxSidebarAction;
  windows?: { getCurrent(): Promise<{ id?: number }> };
}

function apis(): { chrome: Apis | undefined; browser: Apis | undefined } {
  const g = globalThis as { chrome?: Apis; browser?: Apis };
  return { chrome: g.chrome, browser: g.browser };
}

export function SidePanelButton() {
  const { s } = useUi();
  const [windowId, setWindowId] = useState<number | null>(null);
  const { chrome, browser } = apis();
  const chromePanel = chrome?.sidePanel;
  const firefoxSidebar = browser?.sidebarAction;

  useEffect(() => {
    if (!chromePanel || !chrome?.windows) return;
    chrome.windows
      .getCurrent()
      .then((w) => setWindowId(w.id ?? null))
      .catch(() => setWindowId(null));
  }, []);

  // The same rule the early first paint follows (first-paint.ts), so the button it painted stays.
  const state = sidePanelButtonState();
  if (state === 'absent') return null;
  const open = () => {
    const opening = firefoxSidebar?.open ? firefoxSidebar.open() : windowId !== null ? chromePanel!.open({ windowId }) : null;
    if (!opening) return;
    opening.then(
      () => window.close(),
      (e: unknown) => console.error('[unified-inbox] side panel did not open', e),
    );
  };
  return (
    <button type="button" class="open-panel" onClick={open} disabled={state === 'disabled' && windowId === null}>
      {s.openSidePanel}
    </button>
  );
}
