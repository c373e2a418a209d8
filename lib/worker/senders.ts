// Who is talking to the background. Runtime messages are accepted only from our own extension:
// either one of our pages (popup, side panel, options) or one of our content scripts running in the
// top frame of a tab on that platform's origin. Anything else is dropped with a logged reason.
import type { Runtime } from 'webextension-polyfill';
import { PLATFORMS, type Platform } from '../shared/model';
import { PLATFORM_ORIGINS } from '../shared/protocol';

export type SenderKind = { kind: 'page' } | { kind: 'content'; platform: Platform; tabId: number };

export function classifySender(
  sender: Runtime.MessageSender,
  extensionId: string,
  extensionBaseUrl: string,
): SenderKind | { kind: 'rejected'; reason: string } {
  if (sender.id !== extensionId) return { kind: 'rejected', reason: `foreign extension ${sender.id ?? '(none)'}` };
  const url = sender.url ?? '';
  // Our own pages, even when opened as a tab, are served from the extension's origin.
  if (url.startsWith(extensionBaseUrl)) return { kind: 'page' };
  if (!sender.tab || sender.tab.id === undefined) return { kind: 'rejected', reason: 'no tab' };
  if (sender.frameId !== undefined && sender.frameId !== 0) return { kind: 'rejected', reason: 'not the top frame' };
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return { kind: 'rejected', reason: 'unparseable sender url' };
  }
  const platform = PLATFORMS.find((p) => PLATFORM_ORIGINS[p].includes(origin));
  if (!platform) return { kind: 'rejected', reason: `unexpected origin ${origin}` };
  return { kind: 'content', platform, tabId: sender.tab.id };
}
