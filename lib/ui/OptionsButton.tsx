// "Settings" in the popup: opens the options page (in a tab, or the browser's add-on settings).
import { browser } from 'wxt/browser';
import { useUi } from './context';

export function OptionsButton() {
  const { s } = useUi();
  const open = () => {
    browser.runtime
      .openOptionsPage()
      // The toolbar popup gets out of the way; the inbox opened as a tab (no tab of its own is
      // reported only for popups and panels) stays.
      .then(() => browser.tabs.getCurrent())
      .then((tab) => {
        if (!tab) window.close();
      })
      .catch((e: unknown) => console.error('[unified-inbox] options did not open', e));
  };
  return (
    <button type="button" class="open-options" onClick={open}>
      {s.openOptions}
    </button>
  );
}
