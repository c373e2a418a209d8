// A classic script the popup and side panel run first (see lib/pages/first-rows.ts): it starts
// reading the newest conversations while the app's module chunks are still loading.
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { startFirstRows } from '../lib/pages/first-rows';

export default defineUnlistedScript(() => startFirstRows());
