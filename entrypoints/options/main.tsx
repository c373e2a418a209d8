import { render } from 'preact';
import { getDb } from '../../lib/store/db';
import { Options } from '../../lib/pages/options/Options';
import { languageFor } from '../../lib/pages/first-paint';
import { beforeFirstRender } from '../../lib/pages/store-ready';
import '../../lib/pages/styles.css';

// The browser's language first (the stored choice, read by the page, is usually the same).
void beforeFirstRender(languageFor(null)).then(() => render(<Options db={getDb()} />, document.getElementById('app')!));
