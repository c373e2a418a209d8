// A fake messenger page for the sweep engine's unit tests (happy-dom has no layout): a chat list
// and a thread, each a virtual list that renders only the rows near its scroll position into a
// fixed pool of recycled nodes, and loads more in async batches behind a spinner (the chat list at
// its bottom, the thread at its top, content inserted above kept in view as browsers do). Its
// geometry is the ScrollBox the engine is given instead of the real element's.
import type { PlatformAdapter } from '../../../content/adapter';
import type { ScrollBox } from '../../../content/runtime/sweep-page';
import type { MessageSnapshot } from '../../../lib/shared/model';

export const ROW = 50;
const OVERSCAN = 2;

export interface ListOptions {
  /** Rows the app has in all (what a full read must find). */
  total: number;
  /** Rows known when the page opens; more arrive in batches of `batch` at the loading edge. */
  initial: number;
  batch: number;
  /** How long a batch takes behind the spinner (ms). */
  loadMs: number;
  /** Visible height (px). */
  view: number;
  /** 'bottom': loads at the bottom (a chat list); 'top': loads older at the top (a thread). */
  loadsAt: 'bottom' | 'top';
  prefix: string;
}

export class FakeList {
  readonly el: HTMLElement;
  /** Known items, top to bottom. */
  items: string[];
  private pos = 0;
  private spinner: HTMLElement | null = null;
  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set: the list renders no rows any more (a page that stops producing rows). */
  blank = false;
  /** Every setTop call: when, the position asked for, the one taken (clamped to the content). */
  readonly scrolls: { at: number; asked: number; top: number }[] = [];

  constructor(
    doc: Document,
    id: string,
    readonly o: ListOptions,
  ) {
    this.el = doc.createElement('ul');
    this.el.id = id;
    const all = Array.from({ length: o.total }, (_, i) => `${o.prefix}${i}`);
    this.items = o.loadsAt === 'bottom' ? all.slice(0, o.initial) : all.slice(o.total - o.initial);
    this.pos = o.loadsAt === 'top' ? Math.max(0, this.extent() - o.view) : 0;
    this.render();
  }

  extent(): number {
    return this.items.length * ROW;
  }

  get top(): number {
    return this.pos;
  }

  /** Scroll (the app renders on its scroll event, a moment later). */
  scrollTo(top: number): void {
    this.pos = Math.max(0, Math.min(Math.max(0, this.extent() - this.o.view), top));
    clearTimeout(this.renderTimer);
    this.renderTimer = setTimeout(() => this.render(), 16);
  }

  get loading(): boolean {
    return this.spinner !== null;
  }

  render(): void {
    const doc = this.el.ownerDocument;
    const first = Math.max(0, Math.floor(this.pos / ROW) - OVERSCAN);
    const last = this.blank ? first - 1 : Math.min(this.items.length - 1, Math.ceil((this.pos + this.o.view) / ROW) + OVERSCAN);
    const rows = Array.from(this.el.querySelectorAll('li'));
    // Recycle the pool: node k shows item first + k.
    for (let k = 0; k <= last - first; k++) {
      let li = rows[k];
      if (!li) {
        li = doc.createElement('li');
        this.el.insertBefore(li, this.o.loadsAt === 'bottom' ? this.spinner : null);
      }
      const item = this.items[first + k]!;
      li.setAttribute('data-id', item);
      li.setAttribute('data-index', String(first + k));
      li.textContent = `text of ${item}`;
    }
    rows.slice(Math.max(0, last - first + 1)).forEach((li) => li.remove());
    this.maybeLoad();
  }

  private maybeLoad(): void {
    if (this.spinner || this.items.length >= this.o.total) return;
    const atEdge = this.o.loadsAt === 'bottom' ? this.pos + this.o.view >= this.extent() - ROW : this.pos <= ROW;
    if (!atEdge) return;
    const doc = this.el.ownerDocument;
    this.spinner = doc.createElement('div');
    this.spinner.setAttribute('role', 'progressbar');
    if (this.o.loadsAt === 'bottom') this.el.append(this.spinner);
    else this.el.prepend(this.spinner);
    setTimeout(() => {
      const have = this.items.length;
      const add = Math.min(this.o.batch, this.o.total - have);
      if (this.o.loadsAt === 'bottom') {
        this.items = this.items.concat(Array.from({ length: add }, (_, i) => `${this.o.prefix}${have + i}`));
      } else {
        const from = this.o.total - have - add;
        this.items = Array.from({ length: add }, (_, i) => `${this.o.prefix}${from + i}`).concat(this.items);
        this.pos += add * ROW; // the browser keeps the rows in view where they were
      }
      this.spinner?.remove();
      this.spinner = null;
      this.render();
    }, this.o.loadMs);
  }

  box(): ScrollBox {
    return {
      top: () => this.pos,
      view: () => this.o.view,
      extent: () => this.extent(),
      setTop: (t) => {
        this.scrollTo(t);
        this.scrolls.push({ at: Date.now(), asked: t, top: this.pos });
      },
      offsetOf: (row) => Number(row.getAttribute('data-index')) * ROW - this.pos,
    };
  }
}

export interface FakePage {
  chats: FakeList;
  thread: FakeList;
  adapter: PlatformAdapter;
  /** Conversations navigateTo opens: their ids (a 'dup' id is ambiguous). */
  navigations: string[];
}

/** Builds the page into `document.body` and the adapter that reads it. */
export function fakePage(
  chats: Partial<ListOptions> = {},
  thread: Partial<ListOptions> = {},
  /** navigateTo opens only a chat whose row is rendered (WhatsApp's way; Meta's apps open any by URL). */
  opts: { renderedOnly?: boolean } = {},
): FakePage {
  document.body.replaceChildren();
  const list = new FakeList(document, 'chats', {
    total: 300,
    initial: 60,
    batch: 60,
    loadMs: 300,
    view: 500,
    loadsAt: 'bottom',
    prefix: 'c',
    ...chats,
  });
  const msgs = new FakeList(document, 'thread', {
    total: 1_000,
    initial: 60,
    batch: 60,
    loadMs: 300,
    view: 500,
    loadsAt: 'top',
    prefix: 'm',
    ...thread,
  });
  msgs.el.setAttribute('data-conv', 'c0');
  document.body.append(list.el, msgs.el);
  const navigations: string[] = [];
  const rowOf = (node: Node) => {
    const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
    const row = el?.closest('li');
    if (!row) return null;
    return { kind: row.parentElement?.id === 'chats' ? ('chat' as const) : ('message' as const), row };
  };
  const adapter: PlatformAdapter = {
    platform: 'messenger',
    selectors: { chats: '#chats > li', messages: '#thread > li' },
    observedAttributes: ['data-id', 'data-conv'],
    isActiveUrl: () => true,
    health: (doc) => (doc.getElementById('chats') ? { state: 'ok' } : { state: 'layout-unknown', reason: 'no chat list' }),
    chatRows: (doc) => Array.from(doc.querySelectorAll('#chats > li')),
    parseChatRow: (row) => {
      const id = row.getAttribute('data-id')!;
      return {
        nativeId: id,
        title: `Chat ${id}`,
        isGroup: false,
        unread: false,
        unreadCount: null,
        muted: false,
        archived: false,
        pinned: false,
        preview: row.textContent ?? '',
        lastMessageAt: null,
      };
    },
    openConversation: (doc) => {
      const t = doc.getElementById('thread');
      const id = t?.getAttribute('data-conv');
      return id ? { nativeId: id, title: `Chat ${id}`, isGroup: false } : null;
    },
    messageRows: (doc) => Array.from(doc.querySelectorAll('#thread > li')),
    parseMessageRow: (row): MessageSnapshot => ({
      nativeId: row.getAttribute('data-id')!,
      sender: { name: 'Budi', isSelf: false },
      text: row.textContent ?? '',
      sentAt: null,
      timePrecision: 'none',
      status: 'received',
      attachments: [],
      quote: null,
      system: false,
      truncated: false,
    }),
    rowOf,
    async navigateTo(doc, target) {
      navigations.push(target.nativeId);
      if (target.nativeId === 'dup') return 'ambiguous';
      if (!/^c\d+$/.test(target.nativeId)) return false;
      if (opts.renderedOnly && !doc.querySelector(`#chats li[data-id="${target.nativeId}"]`)) return false;
      doc.getElementById('thread')!.setAttribute('data-conv', target.nativeId);
      return true;
    },
    composer: () => null,
    submit: async () => true,
    sweep: {
      chatListScroller: (doc) => doc.getElementById('chats'),
      threadScroller: (doc) => doc.getElementById('thread'),
      showsLoading: { chats: true, thread: true },
      loadingMore: (doc, where) => doc.querySelector(`#${where === 'chats' ? 'chats' : 'thread'} [role="progressbar"]`) !== null,
    },
  };
  return { chats: list, thread: msgs, adapter, navigations };
}
