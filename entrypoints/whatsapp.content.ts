// WhatsApp Web: one single-page app at web.whatsapp.com.
import { defineContentScript } from 'wxt/utils/define-content-script';
import { whatsappAdapter } from '../content/whatsapp/adapter';
import { startPlatform } from '../content/start';
import { PLATFORM_SPECS } from '../lib/shared/platforms';

export default defineContentScript({
  matches: [...PLATFORM_SPECS.whatsapp.contentMatches],
  runAt: 'document_idle',
  main(ctx) {
    startPlatform(whatsappAdapter, ctx);
  },
});
