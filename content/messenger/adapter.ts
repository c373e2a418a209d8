// Messenger adapter (www.facebook.com/messages): reads the chat list and the open thread from the
// DOM and sends through the page's Lexical composer. Anchors: `[role="navigation"] [role="grid"]`
// rows linking to `/messages/t/<id>/` or `/messages/e2ee/t/<id>/` (one id), an unread marker that
// is a visually hidden 1px leaf under an `html-span` parent (other hidden labels such as "Online
// now" are not it), emoji as `<img alt>`, date breaks, and the PIN input of encrypted history.
// Two thread shapes, side by side during Facebook's staged rollouts:
//   2026 (live-2026.md): one `[data-message-id][aria-roledescription="message"]` element per
//     message whose aria-label ("At 16:15, You: hello") carries the clock and the only direction
//     signal; real ids; the reply quote, reaction buttons and the hover toolbar inside it.
//   older builds: `[role="row"]` rows with a hidden "You sent"/"Anda mengirim" heading; ids derived
//     from day, sender, text and position (message-id.ts).
// This file only assembles the adapter: the chat list (chat-list.ts), the thread's rows
// (thread-rows.ts, row-facts.ts, message-label.ts, parse-message.ts), the open thread
// (open-thread.ts), health (health.ts) and sending (sending.ts).
import type { PlatformAdapter } from '../adapter';
import { chatRows, parseChatRow } from './chat-list';
import { health } from './health';
import { openConversation, rowOf } from './open-thread';
import { parseMessageRow } from './parse-message';
import { HOSTS, MESSAGES_PATH, OBSERVED_ATTRIBUTES, SEL } from './selectors';
import { composerOf, navigateTo, submit } from './sending';
import { messengerSweep } from './sweep';
import { messageRows } from './thread-rows';

export const messengerAdapter: PlatformAdapter = {
  platform: 'messenger',
  selectors: SEL,
  observedAttributes: OBSERVED_ATTRIBUTES,
  isActiveUrl: (url) => HOSTS.has(url.hostname) && MESSAGES_PATH.test(url.pathname),
  health,
  chatRows,
  parseChatRow,
  openConversation,
  messageRows,
  parseMessageRow,
  readsRowsAbove: true,
  rowOf,
  navigateTo,
  composer: composerOf,
  submit: (_doc, composer) => submit(composer),
  sweep: messengerSweep,
};
