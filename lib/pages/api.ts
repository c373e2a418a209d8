// What extension pages ask of the background. Pages never write the store themselves: the
// background is its one writer. Each helper is one typed request (lib/pages/call.ts).
import { call } from './call';

export async function sendReply(conversationId: string, text: string): Promise<boolean> {
  return (await call('send-request', { outboxId: crypto.randomUUID(), conversationId, text })).ok;
}

export async function retrySend(outboxId: string): Promise<boolean> {
  return (await call('retry-send', { outboxId })).ok;
}

export async function linkPeople(conversationIds: string[], name?: string): Promise<boolean> {
  return (await call('link-people', { conversationIds, ...(name ? { name } : {}) })).ok;
}

export async function unlinkConversation(conversationId: string): Promise<boolean> {
  return (await call('unlink', { conversationId })).ok;
}

export async function renamePerson(personId: string, name: string): Promise<boolean> {
  return (await call('rename-person', { personId, name })).ok;
}
