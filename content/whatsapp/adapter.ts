// WhatsApp Web adapter: reads #pane-side's chat list and #main's open thread, and replies through
// the Lexical composer by clicking Send (WhatsApp ignores a synthetic Enter).
// Identity: 2026 pages carry no chat id at all (bare message ids, no jid), so a conversation's
// native id is its title qualified by kind, `titleKey(title, isGroup)` ("dm/Ibu", "group/Ibu"):
// a group and a contact with the same name never share an id. A list row that cannot tell its
// kind is sent as provisional (`provisionalKey(title)`, "~Ibu"); the open thread always knows its
// kind and names that key, so the store can tie the row to it. Two chats of the same kind and
// name remain one id: navigateTo refuses to pick between them ('ambiguous').
// This file only assembles the adapter: the chat list (chat-list.ts, chat-row.ts), the open chat
// (open-thread.ts), its messages (parse-message.ts, bubble.ts), mutated nodes to rows (row-of.ts),
// health (health.ts) and sending (sending.ts).
import type { PlatformAdapter } from '../adapter';
import { chatRows, parseChatRow } from './chat-list';
import { health } from './health';
import { openConversation } from './open-thread';
import { messageRows, parseMessageRow } from './parse-message';
import { rowOf } from './row-of';
import { OBSERVED_ATTRIBUTES, SEL } from './selectors';
import { composerOf, navigateTo, submit } from './sending';
import { whatsappSweep } from './sweep';

export const whatsappAdapter: PlatformAdapter = {
  platform: 'whatsapp',
  selectors: SEL,
  observedAttributes: OBSERVED_ATTRIBUTES,
  isActiveUrl: (url) => url.hostname === 'web.whatsapp.com',
  health,
  chatRows,
  parseChatRow,
  openConversation,
  messageRows,
  parseMessageRow,
  rowOf,
  navigateTo,
  composer: composerOf,
  submit: (doc) => submit(doc),
  sweep: whatsappSweep,
};
