// Instagram Direct adapter: reads the thread list and the open thread from the DOM and sends
// through the page's own Lexical composer. Anchors: thread links `/direct/t/<id>/` or, in 2026
// builds (live-2026.md, a staged rollout: both shapes occur), anchorless `div[role="button"]` rows
// under the labelled thread list, read as provisional conversations keyed by title until the open
// thread's URL gives the id (the thread then names that key, so the store folds the two together);
// `data-scope="messages_table"` rows with `mid.$…` bubble ids, `date_break` rows, `h6 > span`
// sender headings, the single-segment profile link of the peer. Outgoing vs incoming comes from
// layout (outgoing bubbles sit at the right edge): geometry when the page is laid out, else the
// computed flex alignment, else the presence of a sender heading/avatar (incoming only).
// This file only assembles the adapter: the thread list (chat-list.ts), the open thread
// (open-thread.ts), its rows (parse-message.ts, direction.ts), mutated nodes to rows (row-of.ts),
// health (health.ts) and sending (sending.ts).
import type { PlatformAdapter } from '../adapter';
import { chatRows, parseChatRow } from './chat-list';
import { health } from './health';
import { composerOf, openConversation } from './open-thread';
import { messageRows, parseMessageRow } from './parse-message';
import { rowOf } from './row-of';
import { DIRECT_PATH, OBSERVED_ATTRIBUTES, SEL } from './selectors';
import { navigateTo, submit } from './sending';
import { instagramSweep } from './sweep';

export const instagramAdapter: PlatformAdapter = {
  platform: 'instagram',
  selectors: SEL,
  observedAttributes: OBSERVED_ATTRIBUTES,
  isActiveUrl: (url) => url.hostname === 'www.instagram.com' && DIRECT_PATH.test(url.pathname),
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
  sweep: instagramSweep({ chatRows, messageRows }),
};
