// The content script's line to the background, over the extension runtime.
import { browser } from 'wxt/browser';
import type { SendCommandReply } from '../lib/protocol';
import type { Transport } from './runtime';

export function runtimeTransport(): Transport {
  return {
    send: (message) => browser.runtime.sendMessage(message),
    onCommand(handler) {
      browser.runtime.onMessage.addListener((message: unknown, sender): Promise<SendCommandReply> | undefined => {
        // Commands come only from our own background (tabs.sendMessage carries no tab).
        if (sender.id !== browser.runtime.id || sender.tab) return undefined;
        return handler(message);
      });
    },
  };
}
