// Instagram Direct. Matches the whole site because Instagram navigates client-side into and out of
// /direct without a page load; the adapter's isActiveUrl keeps the runtime idle elsewhere.
import { defineContentScript } from 'wxt/utils/define-content-script';
import { instagramAdapter } from '../content/instagram/adapter';
import { startPlatform } from '../content/start';
import { PLATFORM_SPECS } from '../lib/shared/platforms';

export default defineContentScript({
  matches: [...PLATFORM_SPECS.instagram.contentMatches],
  runAt: 'document_idle',
  main(ctx) {
    startPlatform(instagramAdapter, ctx);
  },
});
