// Delivering to the background, at least once (the merge makes it exactly-once in effect): one
// message at a time in order, each retried with backoff until the background answers; idle waiters
// are released once the queue is empty and no read is pending.
import type { Log, OutgoingMessage, RuntimeStats, Transport } from './types';

/** Beyond this backlog the background has been unreachable for long: keep the newest only. */
export const MAX_QUEUE = 50;
const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;

export interface DeliveryDeps {
  transport: Transport;
  log: Log;
  stats: Pick<RuntimeStats, 'batches'>;
  isStopped(): boolean;
  /** Whether a read is scheduled (its batches are still to come: not idle yet). */
  readPending(): boolean;
  /** The backlog was dropped: send a full picture again once the background answers. */
  onOverflow(): void;
}

export interface Delivery {
  enqueue(message: OutgoingMessage): void;
  /** Resolves once every queued message was acknowledged and no read is pending. */
  idle(): Promise<void>;
  /** Release the idle waiters if nothing is left to do (called after each read, too). */
  settle(): void;
  /** Messages queued and not yet taken by the background (the one in flight included). */
  backlog(): number;
}

export function createDelivery(deps: DeliveryDeps): Delivery {
  const queue: OutgoingMessage[] = [];
  let pumping = false;
  let idleWaiters: (() => void)[] = [];
  const isIdle = () => queue.length === 0 && !deps.readPending() && !pumping;

  function settle(): void {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((w) => w());
  }

  /** Whether the background took the message (or refused it for good); false: try again later. */
  async function deliver(message: OutgoingMessage): Promise<boolean> {
    try {
      const reply = (await deps.transport.send(message)) as { ok?: boolean; error?: string } | undefined;
      if (reply?.ok) return true;
      if (reply && reply.ok === false) {
        // Rejected by the schema: retrying would not help. Logged for the developer.
        deps.log('background rejected a message', reply.error);
        return true;
      }
    } catch (e) {
      deps.log('background unreachable, will retry', String(e));
    }
    return false;
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    let backoff = FIRST_BACKOFF_MS;
    while (queue.length && !deps.isStopped()) {
      const head = queue[0]!;
      if (await deliver(head)) {
        // An overflow while it was in flight may have cut the queue: drop only what was delivered.
        if (queue[0] === head) queue.shift();
        backoff = FIRST_BACKOFF_MS;
      } else {
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    pumping = false;
    settle();
  }

  return {
    enqueue(message) {
      queue.push(message);
      deps.stats.batches++;
      if (queue.length > MAX_QUEUE) {
        // Bounded memory, nothing lost: the page still shows it all, and is read again whole.
        queue.splice(0, queue.length - 1);
        deps.onOverflow();
      }
      void pump();
    },
    idle: () => (isIdle() ? Promise.resolve() : new Promise((r) => idleWaiters.push(r))),
    settle,
    backlog: () => queue.length,
  };
}
