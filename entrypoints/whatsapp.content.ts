// WhatsApp Web: one single-page app at web.whatsapp.com.
import { defineContentScript } from 'wxt/utils/define-content-script';
import { whatsappAdapter } from '../content/whatsapp/adapter';
import { startPlatform } from '../content/start';

export default defineContentScript({
  matches: ['https://web.whatsapp.com/*'],
  runAt: 'document_idle',
  main(ctx) {
    startPlatform(whatsappAdapter, ctx);
  },
});
