// A simulated messenger between two users of the extension (two stores, two background managers):
// whatever one user's page posts appears in their own thread as an outgoing bubble and in the
// other's as an incoming one. Everything goes through the real message handler and outbox.
import { expect } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { handleMessage, type BackgroundContext } from '../../../lib/worker/router';
import { e2eeOutbox } from '../../../lib/worker/e2ee/outbox-port';
import type { TabPort } from '../../../lib/worker/outbox';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { KeyRing, memoryKeyStore, type UnlockedKeyStore } from '../../../lib/worker/e2ee/keyring';
import type { KeyFile } from '../../../lib/store/e2ee/vault';
import { E2eeManager } from '../../../lib/worker/e2ee/manager';
import { readE2eeState, readPlaintexts, type PlainView } from '../../../lib/store/e2ee/view';
import { conversationId, type MessageSnapshot, type Platform } from '../../../lib/shared/model';
import type { SendCommand } from '../../../lib/shared/protocol';
import { backgroundContext, contentSender, EXT, pageSender } from './background';

export { EXT };
export const popup = pageSender('popup.html');
export const ORIGIN: Record<Platform, string> = {
  whatsapp: 'https://web.whatsapp.com/',
  instagram: 'https://www.instagram.com/direct/t/1/',
  messenger: 'https://www.facebook.com/messages/t/1/',
};

let dbCount = 0;
const run = Math.random().toString(36).slice(2, 8);
let clock = Date.UTC(2026, 10, 25, 9, 0);
/** Moves the simulated time on (both users share the clock). */
export function advance(ms: number) {
  clock += ms;
}
let idCount = 0;
export const nextId = () => `id-${++idCount}`;

export class User implements TabPort {
  readonly db: InboxDb;
  e2ee: E2eeManager;
  readonly ctx: BackgroundContext;
  /** Stands for browser.storage.session: where an unlocked passphrase key lives. */
  unlocked: UnlockedKeyStore = memoryKeyStore();
  /** The profile's key file (lib/store/e2ee/vault.ts); null: the older IndexedDB key (Node has no OPFS). */
  keyFile: KeyFile | null = null;
  /** What the messenger page shows in this user's copy of the chat. */
  readonly thread: MessageSnapshot[] = [];
  /** Every text the extension asked this user's page to post. */
  readonly posted: string[] = [];
  queue: SendCommand[] = [];
  peer!: User;

  constructor(
    readonly name: string,
    readonly platform: Platform,
    readonly chat: string,
  ) {
    this.db = openDb(`e2ee-${run}-${dbCount++}`);
    this.e2ee = this.newManager();
    this.ctx = backgroundContext(this.db, { tabs: this, now: () => clock, e2ee: this.e2ee });
  }

  /** A fresh background (as after the service worker was stopped): nothing but the store survives. */
  newManager(): E2eeManager {
    // Cheap scrypt in tests; the extension uses DEFAULT_SCRYPT.
    const keyRing = new KeyRing(this.db, this.unlocked, { N: 2 ** 10, r: 8, p: 1 }, undefined, this.keyFile);
    return new E2eeManager({ db: this.db, outbox: e2eeOutbox(this.db, this), keyRing });
  }

  restartWorker(opts: { browserRestart?: boolean } = {}) {
    if (opts.browserRestart) this.unlocked = memoryKeyStore();
    this.e2ee = this.newManager();
    this.ctx.e2ee = this.e2ee;
  }

  get conversationId() {
    return `${this.platform}:${this.chat}`;
  }
  private get tab(): Runtime.MessageSender {
    return contentSender(ORIGIN[this.platform], 7);
  }

  async findTabs() {
    return [7];
  }
  async sendToTab(_tab: number, command: SendCommand) {
    this.posted.push(command.text);
    this.queue.push(command);
    return { accepted: true as const };
  }

  /** The page scrapes its whole thread and reports it. */
  async ingest() {
    clock += 1000;
    const reply = await handleMessage(
      this.ctx,
      {
        type: 'ingest',
        platform: this.platform,
        batchId: nextId(),
        health: { state: 'ok' },
        conversations: [],
        thread: { conversation: { nativeId: this.chat, title: this.chat, isGroup: false }, messages: this.thread },
      },
      this.tab,
    );
    expect(reply).toMatchObject({ ok: true });
    await this.e2ee.settled();
  }

  async ask(message: Record<string, unknown>) {
    const reply = await handleMessage(this.ctx, message, popup);
    await this.e2ee.settled();
    return reply;
  }

  /**
   * The messenger carries what the page posted: an outgoing bubble here, an incoming one at the
   * peer (unless `drop` says it is lost on the way). Parts go in `order` (default: as posted).
   * `scrape: false` leaves the pages' reports to the test (both threads are only written).
   */
  async deliver(opts: { drop?: boolean; reverse?: boolean; scrape?: boolean } = {}) {
    const commands = opts.reverse ? this.queue.slice().reverse() : this.queue.slice();
    this.queue = [];
    for (const c of commands) {
      const nativeId = nextId();
      this.thread.push(snapshot(nativeId, c.text, true, this.name));
      if (!opts.drop) this.peer.thread.push(snapshot(nextId(), c.text, false, this.name));
      await handleMessage(
        this.ctx,
        { type: 'send-result', platform: this.platform, outboxId: c.outboxId, ok: true, messageNativeId: nativeId },
        this.tab,
      );
    }
    if (opts.scrape === false) return;
    await this.ingest();
    await this.peer.ingest();
  }

  async views(): Promise<PlainView[]> {
    const messages = await this.db.messages.where('conversationId').equals(this.conversationId).sortBy('order');
    const { byMessage } = await readPlaintexts(this.db, [this.conversationId], () => this.unlocked.get(), this.keyFile);
    return messages.map((m) => byMessage.get(m.id)).filter((v): v is PlainView => !!v);
  }

  async texts(): Promise<string[]> {
    return (await this.views()).filter((v) => v.kind === 'message' && v.state === 'ok').map((v) => `${v.direction}:${v.text}`);
  }

  state() {
    return readE2eeState(this.db, this.conversationId);
  }
}

export function snapshot(nativeId: string, text: string, isSelf: boolean, author: string): MessageSnapshot {
  return {
    nativeId,
    sender: { name: isSelf ? 'You' : author, isSelf },
    text,
    sentAt: clock,
    timePrecision: 'minute',
    status: isSelf ? 'sent' : 'received',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
  };
}

export async function pair(platform: Platform = 'whatsapp') {
  const alice = new User('Alice', platform, 'Bob');
  const bob = new User('Bob', platform, 'Alice');
  alice.peer = bob;
  bob.peer = alice;
  // Each page reports the (empty) chat first, so the conversation is known to each store.
  await alice.ingest();
  await bob.ingest();
  return { alice, bob };
}

/** Alice invites, Bob accepts: a session on both sides. */
export async function connect(platform: Platform = 'whatsapp') {
  const { alice, bob } = await pair(platform);
  expect(await alice.ask({ type: 'e2ee-start', outboxId: nextId(), conversationId: alice.conversationId })).toEqual({ ok: true });
  await alice.deliver();
  expect((await bob.state())?.incomingInvite).toBeTruthy();
  expect(await bob.ask({ type: 'e2ee-accept', outboxId: nextId(), conversationId: bob.conversationId })).toEqual({ ok: true });
  await bob.deliver();
  return { alice, bob };
}

/**
 * Another chat in `user`'s store, as its page reports it (e.g. a page that posts someone else's
 * ciphertext there). Returns the conversation id.
 */
export async function ingestChat(user: User, platform: Platform, chat: string, messages: MessageSnapshot[]): Promise<string> {
  clock += 1000;
  const sender = contentSender(ORIGIN[platform], 8);
  const reply = await handleMessage(
    user.ctx,
    {
      type: 'ingest',
      platform,
      batchId: nextId(),
      health: { state: 'ok' },
      conversations: [],
      thread: { conversation: { nativeId: chat, title: chat, isGroup: false }, messages },
    },
    sender,
  );
  expect(reply).toMatchObject({ ok: true });
  await user.e2ee.settled();
  return conversationId(platform, chat);
}

/** What `user` would see in one conversation: the e2ee view of each stored message, in order. */
export async function viewsOf(
  user: User,
  convId: string,
): Promise<{ id: string; sender: string; isSelf: boolean; view: PlainView | undefined }[]> {
  const messages = await user.db.messages.where('conversationId').equals(convId).sortBy('order');
  const { byMessage } = await readPlaintexts(user.db, [convId], () => user.unlocked.get());
  return messages.map((m) => ({ id: m.id, sender: m.sender.name, isSelf: m.sender.isSelf, view: byMessage.get(m.id) }));
}
