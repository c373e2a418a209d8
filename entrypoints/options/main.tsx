import { render } from 'preact';
import { getDb } from '../../lib/store/db';
import { Options } from '../../lib/pages/options/Options';
import '../../lib/pages/styles.css';

render(<Options db={getDb()} />, document.getElementById('app')!);
