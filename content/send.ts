// Posting one reply through the page, on the user's explicit Send only. One send at a time; each
// waits for its echo (an outgoing bubble with the same text) before the next, as the apps expect
// from a person. A reply already posted (by an earlier attempt) is never posted again.
import { PLATFORM_TEXT_LIMIT, type MessageSnapshot } from '../lib/shared/model';
import type { SendCommand, SendResult } from '../lib/shared/protocol';
import { sameMessageText } from '../lib/shared/text';
import type { PlatformAdapter } from './adapter';
import { composerText, insertIntoComposer } from './composer';
import { sleep } from './dom';

export interface SendOptions {
  /** How long to wait for the echo bubble. */
  echoTimeoutMs?: number;
  /** Outgoing messages this page has shown, with when they first appeared (from the runtime). */
  outgoingSeen?: Map<string, { text: string; firstSeen: number }>;
  /**
   * The open thread's outgoing messages from the runtime's parse cache (rows that changed are
   * parsed, the rest reused), or null when it has no current reading: then every row is parsed.
   */
  outgoing?: () => MessageSnapshot[] | null;
}

/** How long a bubble's time label spans (a minute, a day), or null for a bubble without a time. */
export function timeLabelSpanMs(precision: MessageSnapshot['timePrecision']): number | null {
  return precision === 'minute' ? 60_000 : precision === 'day' ? 86_400_000 : null;
}

/**
 * Whether a bubble may have been posted at or after `since`: its time label is coarse (a minute, a
 * day), so it counts while the label's span reaches that moment; a bubble without a time never does.
 */
function postedSince(m: Pick<MessageSnapshot, 'sentAt' | 'timePrecision'>, since: number): boolean {
  const span = timeLabelSpanMs(m.timePrecision);
  if (m.sentAt === null || span === null) return false;
  return m.sentAt + span > since - 1_000;
}

/** Outgoing messages of the open thread: the runtime's cached reading, else a parse of every row. */
function outgoingRows(adapter: PlatformAdapter, doc: Document, opts: SendOptions): MessageSnapshot[] {
  const cached = opts.outgoing?.();
  if (cached) return cached;
  const conv = adapter.openConversation(doc);
  if (!conv) return [];
  const rows = adapter.messageRows(doc);
  return rows
    .map((row, index) => adapter.parseMessageRow(row, conv, { rows, index, nodeChanged: true }))
    .filter((m): m is NonNullable<typeof m> => m !== null && m.sender.isSelf && !m.system);
}

export async function performSend(adapter: PlatformAdapter, doc: Document, cmd: SendCommand, opts: SendOptions = {}): Promise<SendResult> {
  const base = { type: 'send-result' as const, platform: adapter.platform, outboxId: cmd.outboxId };
  const failed = (reason: NonNullable<SendResult['reason']>, detail?: string): SendResult => ({ ...base, ok: false, reason, detail });

  if (adapter.health(doc).state !== 'ok') return failed('not-ready');
  if (cmd.text.length > PLATFORM_TEXT_LIMIT[adapter.platform]) return failed('too-long');

  // A previous attempt may have posted before the worker or page went away: look for its echo.
  if (cmd.checkEchoFirst && opts.outgoingSeen) {
    for (const [nativeId, seen] of opts.outgoingSeen) {
      if (seen.firstSeen >= cmd.attemptStartedAt - 1_000 && sameMessageText(seen.text, cmd.text)) {
        return { ...base, ok: true, messageNativeId: nativeId, conversationNativeId: cmd.conversationNativeId };
      }
    }
  }

  // Asked even when the open chat has the target's id: two chats the page cannot tell apart share
  // one id (two contacts with one name), and only the adapter can see that the open one may be
  // the other. Opening the chat that is already open is a no-op for the adapters.
  const opened = await adapter.navigateTo(doc, { nativeId: cmd.conversationNativeId, title: cmd.conversationTitle });
  if (opened === 'ambiguous') return failed('ambiguous-target');
  if (!opened) return failed('chat-not-found');

  // The earlier attempt may have posted into this chat while another one was open when the page
  // came back (a reload opens whatever chat it likes): look in the chat itself too.
  if (cmd.checkEchoFirst) {
    const earlier = outgoingRows(adapter, doc, opts).find(
      (m) => m.status !== 'failed' && postedSince(m, cmd.attemptStartedAt) && sameMessageText(m.text, cmd.text),
    );
    if (earlier) return { ...base, ok: true, messageNativeId: earlier.nativeId, conversationNativeId: cmd.conversationNativeId };
  }

  const composer = adapter.composer(doc);
  if (!composer) return failed('composer-rejected', 'No message box found in the open chat.');
  // The user's own unsent draft is theirs: never overwrite or send it.
  if (composerText(composer) !== '') return failed('draft-present');

  const before = new Set(outgoingRows(adapter, doc, opts).map((m) => m.nativeId));
  if ((await insertIntoComposer(composer, cmd.text)) !== 'inserted') return failed('composer-rejected');
  if (!(await adapter.submit(doc, composer))) {
    return failed('composer-rejected', 'The send button did not appear.');
  }

  const until = Date.now() + (opts.echoTimeoutMs ?? 15_000);
  while (Date.now() < until) {
    const mine = outgoingRows(adapter, doc, opts).filter((m) => !before.has(m.nativeId) && sameMessageText(m.text, cmd.text));
    // A bubble the app marked "Not sent" is never the echo of a successful send: it ends the send.
    const echo = mine.find((m) => m.status !== 'failed');
    if (echo) return { ...base, ok: true, messageNativeId: echo.nativeId, conversationNativeId: cmd.conversationNativeId };
    if (mine.length > 0) return failed('app-not-sent');
    await sleep(100);
  }
  return failed('no-echo');
}
