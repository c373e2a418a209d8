// The side panel (Chrome side_panel, Firefox sidebar_action; WXT writes both manifest entries and
// Chrome's sidePanel permission from this entrypoint): the same live inbox, taller, with the list
// and the thread side by side when there is room.
import { render } from 'preact';
import { getDb } from '../../lib/store/db';
import { App } from '../../lib/pages/App';
import '../../lib/pages/styles.css';

render(<App db={getDb()} layout="panel" />, document.getElementById('app')!);
