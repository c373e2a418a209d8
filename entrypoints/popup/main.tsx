import { render } from 'preact';
import { getDb } from '../../lib/db';
import { App } from '../../lib/ui/App';
import '../../lib/ui/styles.css';

render(<App db={getDb()} layout="popup" />, document.getElementById('app')!);
