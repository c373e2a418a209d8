// The pages' one way to ask the background (the store's one writer and crypto owner) for anything:
// `call(type, payload)` sends a request of lib/shared/requests.ts and resolves to that request's reply.
// It never throws: an unreachable background (a worker restarting) or a reply of no known shape
// comes back as a refusal marked `unreachable`, for the page to word.
import { browser } from 'wxt/browser';
import type { PagePayload, PageReply, PageRequest, PageRequestType } from '../shared/requests';

/** The background did not answer (or answered nothing usable). */
export type Unreachable = { ok: false; error: 'background unreachable' | 'no answer'; unreachable: true };

export async function call<K extends PageRequestType>(type: K, payload: PagePayload<K>): Promise<PageReply<K> | Unreachable> {
  let reply: unknown;
  try {
    reply = await browser.runtime.sendMessage({ ...payload, type } as unknown as PageRequest<K>);
  } catch (e) {
    console.error('[unified-inbox] background unreachable', e);
    return { ok: false, error: 'background unreachable', unreachable: true };
  }
  // The worker answers each request with its PageReply (lib/worker/router.ts); this is the
  // one place a reply's type is taken on trust, after the shape every reply shares is checked.
  if (!reply || typeof reply !== 'object' || typeof (reply as { ok?: unknown }).ok !== 'boolean') {
    return { ok: false, error: 'no answer', unreachable: true };
  }
  return reply as PageReply<K>;
}
