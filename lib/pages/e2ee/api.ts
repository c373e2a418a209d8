// Encryption requests from extension pages to the background (the one owner of crypto state).
// Plaintext travels only here, page → background; content scripts only ever get ciphertext.
import type { Done } from '../../shared/requests';
import { call } from '../call';

/** Done or refused; an unreachable background is a refusal like any other here. */
export type E2eeResult = Done;

export const e2eeStart = (conversationId: string): Promise<E2eeResult> =>
  call('e2ee-start', { outboxId: crypto.randomUUID(), conversationId });
export const e2eeAccept = (conversationId: string): Promise<E2eeResult> =>
  call('e2ee-accept', { outboxId: crypto.randomUUID(), conversationId });
export const e2eeDecline = (conversationId: string): Promise<E2eeResult> => call('e2ee-decline', { conversationId });
export const e2eeAnswerInit = (conversationId: string, accept: boolean): Promise<E2eeResult> =>
  call('e2ee-answer-init', { conversationId, accept });
export const e2eeSend = (conversationId: string, text: string): Promise<E2eeResult> =>
  call('e2ee-send', { outboxId: crypto.randomUUID(), conversationId, text });
export const e2eeVerify = (conversationId: string, safetyNumber: string): Promise<E2eeResult> =>
  call('e2ee-verify', { conversationId, safetyNumber });
export const e2eeAcceptKeyChange = (conversationId: string): Promise<E2eeResult> => call('e2ee-accept-key-change', { conversationId });
export const e2eeSetEncrypt = (conversationId: string, on: boolean): Promise<E2eeResult> =>
  call('e2ee-set-encrypt', { conversationId, on });
export const e2eeSetPassphrase = (passphrase: string): Promise<E2eeResult> => call('e2ee-set-passphrase', { passphrase });
export const e2eeUnlock = (passphrase: string): Promise<E2eeResult> => call('e2ee-unlock', { passphrase });
export const e2eeLock = (): Promise<E2eeResult> => call('e2ee-lock', {});
