// WhatsApp Web adapter: reads #pane-side's chat list and #main's open thread, and replies through
// the Lexical composer by clicking Send (WhatsApp ignores a synthetic Enter).
// The chat list carries no chat id, so a conversation's native id is its title (NFC, trimmed):
// renaming a contact starts a new conversation in the inbox; two chats with the exact same name
// would merge (rare; documented in the README).
import type { HealthReport, PlatformAdapter } from '../adapter';
import { LIMITS, type Attachment, type ConversationSnapshot, type MessageSnapshot, type MessageStatus, type Quote, type ThreadSnapshot } from '../../lib/model';
import { cap, childRows, sleep, waitUntil } from '../dom';
import { parseDataId } from './ids';
import { IN_CLASS, isLabel, LABEL, OUT_CLASS, SEL, UNREAD_LABEL } from './selectors';
import { parseListTime, parsePrePlainText } from './time';

export function chatKey(title: string): string {
  return title.normalize('NFC').replace(/\s+/g, ' ').trim().slice(0, LIMITS.nativeIdChars);
}


/** Text as the user sees it: emoji images by their alt, line breaks as newlines. */
export function readText(root: Node, skip?: (el: Element) => boolean): string {
  if (root.nodeType === 3) return cap(root.nodeValue ?? '', LIMITS.textChars);
  if (root.nodeType !== 1) return '';
  const el = root as Element;
  if (skip?.(el)) return '';
  const tag = el.tagName;
  if (tag === 'IMG') return cap(el.getAttribute('alt') ?? '', LIMITS.textChars);
  if (tag === 'BR') return '\n';
  // Without emoji images or line breaks the text is the element's own textContent (native, fast).
  if (!skip && !el.querySelector(SEL.textMarkup)) return cap(el.textContent ?? '', LIMITS.textChars);
  return cap(appendText(el, skip, ''), LIMITS.textChars);
}

/** `out` followed by the text under `parent` (see readText); stops once past the text limit. */
function appendText(parent: Element, skip: ((el: Element) => boolean) | undefined, out: string): string {
  for (let node = parent.firstChild; node && out.length <= LIMITS.textChars; node = node.nextSibling) {
    if (node.nodeType === 3) {
      out += node.nodeValue ?? '';
      continue;
    }
    if (node.nodeType !== 1) continue;
    const el = node as Element;
    if (skip?.(el)) continue;
    const tag = el.tagName;
    if (tag === 'IMG') out += el.getAttribute('alt') ?? '';
    else if (tag === 'BR') out += '\n';
    else out = appendText(el, skip, out);
  }
  return out;
}

/** Whether the page shows 12-hour times (then dates are month first), learned from messages. */
const monthFirstByDoc = new WeakMap<Document, boolean>();

function monthFirst(doc: Document): boolean {
  const known = monthFirstByDoc.get(doc);
  if (known !== undefined) return known;
  const sample = doc.querySelector(SEL.prePlain)?.getAttribute('data-pre-plain-text') ?? '';
  if (!sample) return /^en-US$/i.test(doc.documentElement.lang);
  const twelveHour = /\d\s*[AaPp]\.?\s?[Mm]/.test(sample);
  monthFirstByDoc.set(doc, twelveHour);
  return twelveHour;
}

function rowTop(row: Element): number {
  const style = row.getAttribute('style') ?? '';
  const t = /translateY\((-?[\d.]+)px\)/.exec(style) ?? /(?:^|;)\s*top:\s*(-?[\d.]+)px/.exec(style);
  return t ? Number(t[1]) : Number.NaN;
}

function statusOf(icon: Element | undefined): MessageStatus | null {
  if (!icon) return null;
  switch (icon.getAttribute('data-icon')) {
    case 'msg-time':
      return 'pending';
    case 'msg-check':
      return 'sent';
    default:
      return isLabel(icon.getAttribute('aria-label'), LABEL.read) ? 'read' : 'delivered';
  }
}

function isQuoteBlock(el: Element): boolean {
  return isLabel(el.getAttribute('aria-label'), LABEL.quoted) || el.classList.contains('quoted-mention');
}

/** `labelled`: the bubble's `[role="button"], [aria-label]` elements, in document order. */
function quoteOf(labelled: Element[]): Quote | null {
  const block = labelled.find(isQuoteBlock);
  if (!block) return null;
  const spans = Array.from(block.querySelectorAll('span[dir="auto"], span.quoted-mention'));
  const sender = spans[0] ? readText(spans[0]).trim() : '';
  const text = spans.length > 1 ? readText(spans[spans.length - 1]!).trim() : readText(block).trim();
  return { sender: cap(sender, LIMITS.titleChars), text: cap(text, LIMITS.previewChars) };
}

/** The message's own text: the first selectable text that is not inside a button (a quote, "Read more"). */
function messageTextOf(holder: Element): Element | null {
  const first = holder.querySelector(SEL.selectableText);
  if (!first || !first.closest(SEL.button)) return first;
  return Array.from(holder.querySelectorAll(SEL.selectableText)).find((el) => !el.closest(SEL.button)) ?? null;
}

/** `icons`: the bubble's `[data-icon]` elements, in document order. */
function attachmentsOf(holder: Element, icons: Element[], caption: string): Attachment[] {
  const out: Attachment[] = [];
  if (icons.some((i) => i.matches(SEL.attachmentIcon))) attachmentIcons(icons, caption, out);
  if (out.length > 0) return out;
  // A picture: an image that is not an emoji inside the text, nor an avatar.
  const imgs = holder.getElementsByTagName('img');
  for (let i = 0; i < imgs.length; i++) {
    const img = imgs[i]!;
    if ((img.getAttribute('alt') ?? '') === '' && !img.closest(SEL.selectableText) && !img.closest(SEL.prePlain)) {
      out.push({ kind: 'image', label: cap(caption || 'Photo', LIMITS.titleChars) });
      break;
    }
  }
  return out;
}

/** Documents, voice messages and videos, known by their icons. */
function attachmentIcons(icons: Element[], caption: string, out: Attachment[]): void {
  const doc = icons.find((i) => i.matches(SEL.documentIcon));
  if (doc) {
    const name = doc.parentElement?.querySelector('[title]')?.getAttribute('title') ?? '';
    out.push({ kind: 'document', label: cap(name || 'Document', LIMITS.titleChars) });
  }
  if (icons.some((i) => i.matches(SEL.audioIcon))) out.push({ kind: 'audio', label: 'Voice message' });
  if (icons.some((i) => i.matches(SEL.videoIcon))) out.push({ kind: 'video', label: cap(caption || 'Video', LIMITS.titleChars) });
}

function isDateDivider(text: string): boolean {
  const t = text.trim();
  return (
    t.length <= 40 &&
    (/^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/.test(t) ||
      isLabel(t, LABEL.today) ||
      isLabel(t, LABEL.yesterday) ||
      /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|senin|selasa|rabu|kamis|jumat|sabtu|minggu)$/i.test(t) ||
      /^\d{1,2} \p{L}+( \d{4})?$/u.test(t))
  );
}

function stableHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export const whatsappAdapter: PlatformAdapter = {
  platform: 'whatsapp',
  selectors: SEL,

  isActiveUrl: (url) => url.hostname === 'web.whatsapp.com',

  health(doc): HealthReport {
    const pane = doc.querySelector(SEL.paneSide);
    if (pane) {
      return pane.querySelector(SEL.chatGrid)
        ? { state: 'ok' }
        : { state: 'layout-unknown', reason: 'the chat list (#pane-side) has no grid or list inside' };
    }
    if (doc.querySelector(SEL.qrCanvas)) return { state: 'not-logged-in', reason: 'the QR login screen is shown' };
    const buttons = Array.from(doc.querySelectorAll('button, [role="button"]'));
    if (buttons.some((b) => isLabel(b.textContent, LABEL.useHere))) {
      return { state: 'inactive', reason: 'WhatsApp is open in another window ("Use here")' };
    }
    if (doc.readyState !== 'complete' || !doc.body || doc.body.childElementCount === 0) return { state: 'loading' };
    return { state: 'layout-unknown', reason: 'no chat list (#pane-side) and no login screen found' };
  },

  chatRows(doc) {
    const pane = doc.querySelector(SEL.paneSide);
    const rows = pane ? Array.from(pane.querySelectorAll(SEL.chatRow)).filter((r) => r.querySelector(SEL.chatTitle)) : [];
    // Virtualised rows are positioned by transform; their DOM order is not the visual order.
    const tops = new Map(rows.map((r) => [r, rowTop(r)]));
    if (rows.every((r) => !Number.isNaN(tops.get(r)))) rows.sort((a, b) => tops.get(a)! - tops.get(b)!);
    return rows;
  },

  parseChatRow(row): Omit<ConversationSnapshot, 'listRank'> | null {
    const titleEl = row.querySelector(SEL.chatTitle);
    const title = chatKey(titleEl?.getAttribute('title') ?? titleEl?.textContent ?? '');
    if (!title || !titleEl) return null;
    const doc = row.ownerDocument;
    // The row is two lines: title + time, then preview + icons.
    const line1 = titleEl.parentElement;
    const timeText = line1 ? Array.from(line1.children).find((c) => c !== titleEl && !c.contains(titleEl))?.textContent ?? '' : '';
    const line2 = line1?.nextElementSibling ?? null;
    let unreadCount: number | null = null;
    for (const el of Array.from(row.querySelectorAll('[aria-label]'))) {
      const m = UNREAD_LABEL.exec(el.getAttribute('aria-label') ?? '');
      if (m) unreadCount = Number(m[1]);
    }
    let preview = '';
    let isGroup = false;
    if (line2) {
      const previewEl = line2.querySelector('span[title], span') ?? line2;
      preview = readText(previewEl, (el) => el.hasAttribute('data-icon')).replace(/\s+/g, ' ').trim();
      // Groups prefix the preview with the sender's name in its own span: "Budi: ok".
      const parts = Array.from(previewEl.children);
      isGroup = parts.length >= 2 && parts[0]!.getAttribute('dir') === 'auto' && (parts[1]!.textContent ?? '').trim() === ':';
    }
    return {
      nativeId: title,
      title: cap(titleEl.getAttribute('title') ?? title, LIMITS.titleChars),
      isGroup,
      unread: unreadCount !== null && unreadCount > 0,
      unreadCount: unreadCount ?? 0,
      muted: !!row.querySelector(SEL.mutedIcon),
      archived: false,
      pinned: !!row.querySelector(SEL.pinnedIcon),
      preview: cap(preview, LIMITS.previewChars),
      lastMessageAt: parseListTime(timeText, Date.now(), monthFirst(doc)),
    };
  },

  openConversation(doc): ThreadSnapshot['conversation'] | null {
    const main = doc.querySelector(SEL.main);
    const titleEl = main?.querySelector(SEL.mainHeaderTitle);
    const title = chatKey(titleEl?.getAttribute('title') ?? titleEl?.textContent ?? '');
    if (!title) return null;
    const header = titleEl!.closest('header');
    const memberLine = header ? Array.from(header.querySelectorAll('span[title]')).find((s) => s !== titleEl) : undefined;
    // Every message id of a chat carries the chat's jid: the first one tells a group.
    const groupById = !!main!.querySelector(SEL.dataId)?.matches(SEL.groupMessageId);
    const isGroup = groupById || (!!memberLine && (memberLine.getAttribute('title') ?? '').includes(','));
    return { nativeId: title, title: cap(titleEl!.getAttribute('title') ?? title, LIMITS.titleChars), isGroup };
  },

  messageRows(doc) {
    const main = doc.querySelector(SEL.main);
    if (!main) return [];
    const list = main.querySelector(SEL.messageList);
    const rows = list ? childRows(list, SEL.messageRow) : [];
    return rows.length ? rows : Array.from(main.querySelectorAll(SEL.messageRow));
  },

  parseMessageRow(row, conversation): MessageSnapshot | null {
    const holder = row.querySelector(SEL.dataId);
    if (!holder) {
      // Rows without data-id: date dividers (dropped) and system notices (kept, id from text).
      const text = readText(row).replace(/\s+/g, ' ').trim();
      if (!text || isDateDivider(text)) return null;
      return {
        nativeId: `sys.${stableHash(text)}`,
        sender: { name: '', isSelf: false },
        text: cap(text, LIMITS.previewChars),
        sentAt: null,
        timePrecision: 'none',
        status: 'received',
        attachments: [],
        quote: null,
        system: true,
        truncated: false,
      };
    }
    const id = parseDataId(holder.getAttribute('data-id'));
    if (!id) return null;
    // A handful of scoped queries per bubble, each result serving every check that needs it.
    const pre = parsePrePlainText(holder.querySelector(SEL.prePlain)?.getAttribute('data-pre-plain-text'));
    const textEl = messageTextOf(holder);
    const text = textEl ? readText(textEl) : '';
    const icons = Array.from(holder.querySelectorAll(SEL.anyIcon));
    const status = statusOf(icons.find((i) => i.matches(SEL.statusIcon)));
    const isSelf =
      id.fromMe ??
      (holder.querySelector(`.${OUT_CLASS}`) ? true : holder.querySelector(`.${IN_CLASS}`) ? false : status !== null);
    const labelled = Array.from(holder.querySelectorAll(SEL.buttonOrLabelled));
    const truncated = labelled.some((b) => b.matches(SEL.button) && isLabel(b.textContent, LABEL.readMore));
    const senderName = isSelf ? '' : (pre?.sender ?? (conversation.isGroup ? '' : conversation.title));
    return {
      nativeId: id.msgId,
      sender: { name: cap(senderName, LIMITS.titleChars), isSelf },
      text,
      sentAt: pre?.at ?? null,
      timePrecision: pre ? 'minute' : 'none',
      status: isSelf ? (status ?? 'sent') : 'received',
      attachments: attachmentsOf(holder, icons, text),
      quote: quoteOf(labelled),
      system: false,
      truncated,
    };
  },

  rowOf(node) {
    const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
    if (!el) return null;
    const row = el.closest('[role="row"], [role="listitem"]');
    if (!row) return null;
    if (row.closest(SEL.paneSide)) return { kind: 'chat', row };
    if (row.closest(SEL.main)) return { kind: 'message', row };
    return null;
  },

  async navigateTo(doc, target) {
    const current = this.openConversation(doc);
    if (current?.nativeId === target.nativeId) return true;
    const row = this.chatRows(doc).find((r) => {
      const t = r.querySelector(SEL.chatTitle);
      return chatKey(t?.getAttribute('title') ?? t?.textContent ?? '') === target.nativeId;
    });
    if (!row) return false; // not rendered (scrolled away in the virtual list)
    const cell = row.querySelector('[role="gridcell"]') ?? row;
    const view = doc.defaultView!;
    for (const type of ['mousedown', 'mouseup', 'click'] as const) {
      cell.dispatchEvent(new view.MouseEvent(type, { bubbles: true, cancelable: true, view, button: 0 }));
    }
    return waitUntil(() => this.openConversation(doc)?.nativeId === target.nativeId, 3_000);
  },

  composer(doc) {
    return doc.querySelector(SEL.main)?.querySelector<HTMLElement>(SEL.composer) ?? null;
  },

  async submit(doc) {
    // The footer re-renders once the box holds text: look the button up again until it appears.
    const find = () => {
      const footer = doc.querySelector(SEL.main)?.querySelector(SEL.footer);
      if (!footer) return null;
      const byLabel = Array.from(footer.querySelectorAll<HTMLElement>('button, [role="button"]')).find((b) =>
        isLabel(b.getAttribute('aria-label'), LABEL.send),
      );
      return byLabel ?? footer.querySelector(SEL.sendIcon)?.closest<HTMLElement>('button, [role="button"]') ?? null;
    };
    if (!(await waitUntil(() => find() !== null, 2_000))) return false;
    find()!.click();
    return true;
  },
};
