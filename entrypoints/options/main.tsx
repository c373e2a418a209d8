import { render } from 'preact';
import { getDb } from '../../lib/db';
import { Options } from '../../lib/ui/options/Options';
import '../../lib/ui/styles.css';

render(<Options db={getDb()} />, document.getElementById('app')!);
