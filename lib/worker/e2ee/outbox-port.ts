// The worker's side of the e2ee layer's Outbox port: committed ciphertext parts are dispatched
// through the ordinary outbox, one after another (the parts must reach the page in order). The
// e2ee layer never imports the outbox itself (a feature layer does not reach up into the worker).
import type { InboxDb } from '../../store/db';
import type { Outbox } from './common';
import { dispatch, type TabPort } from '../outbox';

export function e2eeOutbox(db: InboxDb, tabs: TabPort, log: (...args: unknown[]) => void = () => {}): Outbox {
  return {
    async post(entries, now) {
      for (const e of entries) {
        try {
          await dispatch(db, e.id, tabs, now);
        } catch (err) {
          // The entry stays in the durable outbox; the sweep or a retry posts it later.
          log('e2ee: dispatch failed', err instanceof Error ? err.message : String(err));
        }
      }
    },
  };
}
