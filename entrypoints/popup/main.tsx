import { render } from 'preact';
import { getDb } from '../../lib/store/db';
import { App } from '../../lib/pages/App';
import '../../lib/pages/styles.css';

render(<App db={getDb()} layout="popup" />, document.getElementById('app')!);
