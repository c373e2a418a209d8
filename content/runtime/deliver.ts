// Delivering to the background, at least once (the merge makes it exactly-once in effect): one
// message at a time in order, each retried with backoff until the background answers; idle waiters
// are released once the queue is empty and no read is pending.
import type { FromContent } from '../../lib/protocol';
import type { Log, RuntimeStats, Transport } from './types';

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

export class Delivery {
  private readonly queue: FromContent[] = [];
  private pumping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: DeliveryDeps) {}

  enqueue(message: FromContent): void {
    this.queue.push(message);
    this.deps.stats.batches++;
    if (this.queue.length > MAX_QUEUE) {
      // Bounded memory, nothing lost: the page still shows it all, and is read again whole.
      this.queue.splice(0, this.queue.length - 1);
      this.deps.onOverflow();
    }
    void this.pump();
  }

  /** Resolves once every queued message was acknowledged and no read is pending. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Release the idle waiters if nothing is left to do (called after each read, too). */
  settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && !this.deps.readPending() && !this.pumping;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let backoff = FIRST_BACKOFF_MS;
    while (this.queue.length && !this.deps.isStopped()) {
      if (await this.deliver(this.queue[0]!)) {
        this.queue.shift();
        backoff = FIRST_BACKOFF_MS;
      } else {
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    this.pumping = false;
    this.settle();
  }

  /** Whether the background took the message (or refused it for good); false: try again later. */
  private async deliver(message: FromContent): Promise<boolean> {
    try {
      const reply = (await this.deps.transport.send(message)) as { ok?: boolean; error?: string } | undefined;
      if (reply?.ok) return true;
      if (reply && reply.ok === false) {
        // Rejected by the schema: retrying would not help. Logged for the developer.
        this.deps.log('background rejected a message', reply.error);
        return true;
      }
    } catch (e) {
      this.deps.log('background unreachable, will retry', String(e));
    }
    return false;
  }
}
