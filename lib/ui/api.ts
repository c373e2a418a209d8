// What extension pages ask of the background. Pages never write the store themselves: the
// background is its one writer.
import { browser } from 'wxt/browser';
import type { FromExtensionPage } from '../protocol';

async function ask(message: FromExtensionPage): Promise<boolean> {
  try {
    const reply = (await browser.runtime.sendMessage(message)) as { ok?: boolean } | undefined;
    return reply?.ok === true;
  } catch (e) {
    console.error('[unified-inbox] background unreachable', e);
    return false;
  }
}

export function sendReply(conversationId: string, text: string): Promise<boolean> {
  return ask({ type: 'send-request', outboxId: crypto.randomUUID(), conversationId, text });
}

export function retrySend(outboxId: string): Promise<boolean> {
  return ask({ type: 'retry-send', outboxId });
}

export function linkPeople(conversationIds: string[], name?: string): Promise<boolean> {
  return ask({ type: 'link-people', conversationIds, ...(name ? { name } : {}) });
}

export function unlinkConversation(conversationId: string): Promise<boolean> {
  return ask({ type: 'unlink', conversationId });
}

export function renamePerson(personId: string, name: string): Promise<boolean> {
  return ask({ type: 'rename-person', personId, name });
}
