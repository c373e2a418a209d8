import { startApp } from '../../lib/pages/start';
import '../../lib/pages/styles.css';

void startApp(document.getElementById('app')!);
