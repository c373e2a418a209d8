import { render } from 'preact';

render(<main>Unified Inbox</main>, document.getElementById('app')!);
