// "Settings" in the popup: opens the options page (in a tab, or the browser's add-on settings).
import { browser } from 'wxt/browser';
import { useUi } from './context';

/** `closeAfter`: the toolbar popup gets out of the way once the options page is open. */
export function OptionsButton(props: { closeAfter?: boolean }) {
  const { s } = useUi();
  const open = () => {
    browser.runtime
      .openOptionsPage()
      // Only the real popup closes: the same page opened as a tab has a tab of its own and stays.
      .then(() => (props.closeAfter ? browser.tabs.getCurrent() : null))
      .then((tab) => {
        if (props.closeAfter && !tab) window.close();
      })
      .catch((e: unknown) => console.error('[unified-inbox] options did not open', e));
  };
  return (
    <button type="button" class="open-options" onClick={open}>
      {s.openOptions}
    </button>
  );
}
