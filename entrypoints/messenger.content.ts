// Messenger lives at facebook.com/messages since messenger.com closed (April 2026); messenger.com
// stays in the matches so late redirects do no harm. facebook.com navigates client-side between
// the feed and /messages, so the script matches the site and the adapter's isActiveUrl keeps the
// runtime idle outside /messages.
import { defineContentScript } from 'wxt/utils/define-content-script';
import { messengerAdapter } from '../content/messenger/adapter';
import { startPlatform } from '../content/start';
import { PLATFORM_SPECS } from '../lib/shared/platforms';

export default defineContentScript({
  matches: [...PLATFORM_SPECS.messenger.contentMatches],
  runAt: 'document_idle',
  main(ctx) {
    startPlatform(messengerAdapter, ctx);
  },
});
