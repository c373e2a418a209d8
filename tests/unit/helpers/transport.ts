// The content runtime's transport as the unit and adapter tests fake it: it records what the
// runtime reports and acknowledges it as the background does (an ingest by its batchId), keeps the
// background's command handler so a test can command the runtime, and can fail the next sends as
// an unreachable background does.
import type { OutgoingMessage, Transport } from '../../../content/runtime';
import type { Ingest, SendCommandReply, SendResult } from '../../../lib/shared/protocol';

export class RecordingTransport implements Transport {
  /** What the runtime delivered, in order (failed sends are not in it). */
  sent: OutgoingMessage[] = [];
  /** How many of the next sends throw, as a send to a background that is not there does. */
  failNext = 0;
  handler: ((command: unknown) => Promise<SendCommandReply>) | null = null;

  async send(m: OutgoingMessage) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('Could not establish connection. Receiving end does not exist.');
    }
    this.sent.push(m);
    return m.type === 'ingest' ? { ok: true, batchId: m.batchId } : { ok: true };
  }

  onCommand(handler: (command: unknown) => Promise<SendCommandReply>) {
    this.handler = handler;
  }

  ingests(): Ingest[] {
    return this.sent.filter((m): m is Ingest => m.type === 'ingest');
  }

  /** A command from the background, through the handler the runtime registered. */
  command(raw: unknown): Promise<SendCommandReply> {
    if (!this.handler) throw new Error('the runtime registered no command handler');
    return this.handler(raw);
  }

  /** The last send result reported for `outboxId`, once there is one; throws after `ms`. */
  async sendResult(outboxId: string, ms = 4000): Promise<SendResult> {
    const until = Date.now() + ms;
    for (;;) {
      const r = this.sent.filter((m): m is SendResult => m.type === 'send-result' && m.outboxId === outboxId).at(-1);
      if (r) return r;
      if (Date.now() > until) throw new Error(`no send result for ${outboxId}`);
      await new Promise((res) => setTimeout(res, 20));
    }
  }
}
