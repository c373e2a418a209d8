// The side panel (Chrome side_panel, Firefox sidebar_action; WXT writes both manifest entries and
// Chrome's sidePanel permission from this entrypoint): the same live inbox, taller, with the list
// and the thread side by side when there is room.
import { startApp } from '../../lib/pages/start';
import '../../lib/pages/styles.css';

void startApp(document.getElementById('app')!);
