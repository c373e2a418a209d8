import { render } from 'preact';
import { getDb } from '../../lib/store/db';
import { Options } from '../../lib/pages/options/Options';
import { languageFor } from '../../lib/pages/first-paint';
import { loadStrings } from '../../lib/pages/i18n';
import { storeReady } from '../../lib/pages/store-ready';
import '../../lib/pages/styles.css';

// The browser's language table first (the stored choice, read by the page, is usually the same),
// and the store's upgrade functions if the store is older than the schema.
void Promise.all([loadStrings(languageFor(null)).catch(() => {}), storeReady()]).then(() =>
  render(<Options db={getDb()} />, document.getElementById('app')!),
);
