// Encryption requests from extension pages to the background (the one owner of crypto state).
// Plaintext travels only here, page → background; content scripts only ever get ciphertext.
import { browser } from 'wxt/browser';
import type { E2eePageMessage } from '../../protocol';

export type E2eeResult = { ok: true } | { ok: false; error: string };

async function ask(message: E2eePageMessage): Promise<E2eeResult> {
  try {
    const reply = (await browser.runtime.sendMessage(message)) as { ok?: boolean; error?: string } | undefined;
    if (reply?.ok === true) return { ok: true };
    return { ok: false, error: reply?.error ?? 'no answer' };
  } catch (e) {
    console.error('[unified-inbox] background unreachable', e);
    return { ok: false, error: 'background unreachable' };
  }
}

export const e2eeStart = (conversationId: string) => ask({ type: 'e2ee-start', outboxId: crypto.randomUUID(), conversationId });
export const e2eeAccept = (conversationId: string) => ask({ type: 'e2ee-accept', outboxId: crypto.randomUUID(), conversationId });
export const e2eeDecline = (conversationId: string) => ask({ type: 'e2ee-decline', conversationId });
export const e2eeAnswerInit = (conversationId: string, accept: boolean) => ask({ type: 'e2ee-answer-init', conversationId, accept });
export const e2eeSend = (conversationId: string, text: string) =>
  ask({ type: 'e2ee-send', outboxId: crypto.randomUUID(), conversationId, text });
export const e2eeVerify = (conversationId: string, safetyNumber: string) => ask({ type: 'e2ee-verify', conversationId, safetyNumber });
export const e2eeAcceptKeyChange = (conversationId: string) => ask({ type: 'e2ee-accept-key-change', conversationId });
export const e2eeSetEncrypt = (conversationId: string, on: boolean) => ask({ type: 'e2ee-set-encrypt', conversationId, on });
export const e2eeSetPassphrase = (passphrase: string) => ask({ type: 'e2ee-set-passphrase', passphrase });
export const e2eeUnlock = (passphrase: string) => ask({ type: 'e2ee-unlock', passphrase });
export const e2eeLock = () => ask({ type: 'e2ee-lock' });
