// The content script's line to the background, over the extension runtime. In the build this is the
// browser's native API (see wxt.config.ts), so replies to commands go through sendResponse, which
// Chrome and Firefox both honour, rather than a returned promise.
import { browser } from 'wxt/browser';
import type { SendCommandReply } from '../lib/shared/protocol';
import type { Transport } from './runtime';

export function runtimeTransport(): Transport {
  return {
    send: (message) => browser.runtime.sendMessage(message),
    onCommand(handler) {
      browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse: (reply: SendCommandReply) => void) => {
        // Commands come only from our own background (tabs.sendMessage carries no tab).
        if (sender.id !== browser.runtime.id || sender.tab) return undefined;
        handler(message).then(sendResponse, () => sendResponse({ accepted: false, reason: 'invalid' }));
        return true; // the reply comes asynchronously
      });
    },
  };
}
