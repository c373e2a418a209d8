// WhatsApp Web adapter: reads #pane-side's chat list and #main's open thread, and replies through
// the Lexical composer by clicking Send (WhatsApp ignores a synthetic Enter).
// Identity: 2026 pages carry no chat id at all (bare message ids, no jid), so a conversation's
// native id is its title qualified by kind, `titleKey(title, isGroup)` ("dm/Ibu", "group/Ibu"):
// a group and a contact with the same name never share an id. A list row that cannot tell its
// kind is sent as provisional (`provisionalKey(title)`, "~Ibu"); the open thread always knows its
// kind and names that key, so the store can tie the row to it. Two chats of the same kind and
// name remain one id: navigateTo refuses to pick between them ('ambiguous').
import type { ConversationTarget, HealthReport, PlatformAdapter } from '../adapter';
import {
  isProvisionalKey,
  LIMITS,
  provisionalKey,
  titleKey,
  type Attachment,
  type ConversationSnapshot,
  type MessageSnapshot,
  type MessageStatus,
  type Quote,
  type ThreadSnapshot,
} from '../../lib/shared/model';
import { cap, childRows, waitUntil } from '../dom';
import { chatRowParts, chatRowTime, type ChatKind } from './chat-row';
import { dateOrder, noteDatePair } from './date-order';
import { parseDataId } from './ids';
import { whatsappSweep } from './sweep';
import { IN_CLASS, isLabel, LABEL, OBSERVED_ATTRIBUTES, OUT_CLASS, SEL } from './selectors';
import { dayMonthPair, parseListTime, parsePrePlainText, prePlainDatePair } from './time';

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

/** The first `data-pre-plain-text` of this bubble itself (not of a quoted message inside it). */
function ownPrePlain(holder: Element): Element | null {
  for (const el of Array.from(holder.querySelectorAll(SEL.prePlain))) {
    const button = el.closest(SEL.button);
    if (!button || !holder.contains(button)) return el;
  }
  return null;
}

/** The bubble's direction class element (message-in / message-out), or null when the build has none. */
function bubbleOf(holder: Element): Element | null {
  return holder.matches(SEL.bubble) ? holder : holder.querySelector(SEL.bubble);
}

// ---- date order: evidence from what the page shows (see date-order.ts) ----

function noteListDates(doc: Document, rows: Element[]): void {
  for (const r of rows) noteDatePair(doc, dayMonthPair(chatRowTime(r)));
}

function noteThreadDates(doc: Document, main: Element): void {
  for (const el of Array.from(main.querySelectorAll(SEL.prePlain))) noteDatePair(doc, prePlainDatePair(el.getAttribute('data-pre-plain-text')));
}

// ---- what kind of chat the open thread is ----

/** A group's member line lists names with the user among them: "Budi, Sari, You". */
function memberLineSaysGroup(header: Element, titleEl: Element): boolean {
  for (const s of Array.from(header.querySelectorAll(SEL.mainHeaderSubtitle))) {
    if (s === titleEl || s.contains(titleEl) || titleEl.contains(s)) continue;
    const items = (s.getAttribute('title') || s.textContent || '').split(/[,،、]/).map((t) => t.trim()).filter(Boolean);
    if (items.length >= 3 || (items.length === 2 && items.some((i) => isLabel(i, LABEL.self)))) return true;
  }
  return false;
}

/** Whether a bubble is the user's own: the id's flag, the bubble class, else a status icon. */
function isOwnBubble(holder: Element, fromMe: boolean | undefined): boolean {
  if (fromMe !== undefined) return fromMe;
  const bubble = bubbleOf(holder);
  if (bubble?.classList.contains(OUT_CLASS)) return true;
  if (bubble?.classList.contains(IN_CLASS)) return false;
  return !!holder.querySelector(SEL.statusIcon);
}

/**
 * The thread's own sender names say "group": two different incoming senders, or one that is not
 * the chat's title (a 1:1 chat's incoming messages are signed with the contact's name = the title).
 */
function sendersSayGroup(main: Element, title: string): boolean {
  const names = new Set<string>();
  for (const el of Array.from(main.querySelectorAll(SEL.prePlain))) {
    // The bubble's outermost data-id (a nested one belongs to an inner part).
    const holder = el.closest(SEL.messageRow)?.querySelector(SEL.dataId);
    if (!holder || isOwnBubble(holder, parseDataId(holder.getAttribute('data-id'))?.fromMe)) continue;
    const sender = parsePrePlainText(el.getAttribute('data-pre-plain-text'), true)?.sender;
    if (!sender) continue;
    const name = chatKey(sender);
    if (name !== title) return true;
    names.add(name);
    if (names.size >= 2) return true;
  }
  return false;
}

function threadIsGroup(main: Element, header: Element | null, titleEl: Element, title: string): boolean {
  // Legacy ids carry the chat's jid.
  const chat = parseDataId(main.querySelector(SEL.dataId)?.getAttribute('data-id'))?.chat;
  if (chat?.endsWith('@g.us')) return true;
  if (chat?.endsWith('@c.us')) return false;
  if (header?.querySelector(SEL.defaultGroupIcon)) return true;
  if (header?.querySelector(SEL.defaultUserIcon)) return false;
  if (header && memberLineSaysGroup(header, titleEl)) return true;
  return sendersSayGroup(main, title);
}

/**
 * The selected row is the open chat: it takes the thread's kind (which the header and the senders
 * tell) when no other rendered row has its title, so the chat in view is never provisional.
 */
function openChatKind(doc: Document, title: string): ChatKind | null {
  const open = whatsappAdapter.openConversation(doc);
  if (!open || chatKey(open.title) !== title) return null;
  const pane = doc.querySelector(SEL.paneSide);
  const sameTitle = pane ? Array.from(pane.querySelectorAll(SEL.chatTitle)).filter((t) => chatKey(t.getAttribute('title') || t.textContent || '') === title) : [];
  return sameTitle.length === 1 ? (open.isGroup ? 'group' : 'dm') : null;
}

// ---- which chat a send is for ----

interface WantedChat {
  title: string;
  /** null: the target's id does not say (a provisional key, or an id stored before kinds). */
  kind: ChatKind | null;
}

function wantedChat(t: ConversationTarget): WantedChat {
  const id = t.nativeId;
  const fromTitle = chatKey(t.title);
  for (const kind of ['dm', 'group'] as const) {
    if (!id.startsWith(`${kind}/`)) continue;
    // The id's title may be cut to the id limit: the full title when it makes the same id.
    return { title: titleKey(fromTitle, kind === 'group') === id ? fromTitle : chatKey(id.slice(kind.length + 1)), kind };
  }
  if (isProvisionalKey(id)) return { title: provisionalKey(fromTitle) === id ? fromTitle : chatKey(id.slice(1)), kind: null };
  return { title: chatKey(id) || fromTitle, kind: null }; // `whatsapp:<title>` from before kinds
}

function isWanted(c: ThreadSnapshot['conversation'] | null, want: WantedChat): boolean {
  if (!c || c.nativeId !== titleKey(want.title, c.isGroup)) return false;
  return want.kind === null || c.isGroup === (want.kind === 'group');
}

function click(doc: Document, row: Element): void {
  const cell = row.querySelector('[role="gridcell"]') ?? row;
  const view = doc.defaultView!;
  for (const type of ['mousedown', 'mouseup', 'click'] as const) {
    cell.dispatchEvent(new view.MouseEvent(type, { bubbles: true, cancelable: true, view, button: 0 }));
  }
}

// ---- health: a recognised container whose rows read as nothing is a layout change ----

function threadHealth(main: Element, rows: Element[]): HealthReport | null {
  const holders: Element[] = [];
  for (const r of rows) {
    const h = r.querySelector(SEL.dataId);
    if (h) holders.push(h);
  }
  if (holders.length === 0) {
    // A new chat shows only the encryption notice and a date: a few rows without ids are normal.
    return rows.length >= 4 ? { state: 'layout-unknown', reason: 'the message rows in #main carry no data-id' } : null;
  }
  const readable = holders.some((h) => bubbleOf(h) || h.querySelector(SEL.prePlain) || h.querySelector(SEL.statusIcon) || parseDataId(h.getAttribute('data-id'))?.fromMe !== undefined);
  return readable || holders.length < 3
    ? null
    : { state: 'layout-unknown', reason: 'the message bubbles in #main have neither message-in/out nor data-pre-plain-text' };
}

export const whatsappAdapter: PlatformAdapter = {
  platform: 'whatsapp',
  selectors: SEL,
  observedAttributes: OBSERVED_ATTRIBUTES,

  isActiveUrl: (url) => url.hostname === 'web.whatsapp.com',

  health(doc): HealthReport {
    const pane = doc.querySelector(SEL.paneSide);
    if (pane) {
      if (!pane.querySelector(SEL.chatGrid)) return { state: 'layout-unknown', reason: 'the chat list (#pane-side) has no grid or list inside' };
      const rows = Array.from(pane.querySelectorAll(SEL.chatRow));
      if (rows.length === 0 && pane.querySelector(SEL.chatCell)) {
        return { state: 'layout-unknown', reason: 'the chat cells in #pane-side are not in rows ([role="row"])' };
      }
      if (rows.length > 0 && !rows.some((r) => chatKey(chatRowParts(r)?.rawTitle ?? ''))) {
        return { state: 'layout-unknown', reason: 'no chat row in #pane-side has a title (span[dir="auto"][title])' };
      }
      const main = doc.querySelector(SEL.main);
      return (main && threadHealth(main, this.messageRows(doc))) || { state: 'ok' };
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
    noteListDates(doc, rows);
    return rows;
  },

  parseChatRow(row): Omit<ConversationSnapshot, 'listRank'> | null {
    const parts = chatRowParts(row);
    const title = chatKey(parts?.rawTitle ?? '');
    if (!parts || !title) return null;
    const preview = parts.previewEl ? readText(parts.previewEl, (el) => el.hasAttribute('data-icon')).replace(/\s+/g, ' ').trim() : '';
    const kind = parts.kind ?? (row.getAttribute('aria-selected') === 'true' ? openChatKind(row.ownerDocument, title) : null);
    return {
      // Only a row that shows its kind gets the final id; the others are provisional (see top).
      nativeId: kind ? titleKey(title, kind === 'group') : provisionalKey(title),
      ...(kind ? {} : { provisional: true }),
      title: cap(parts.rawTitle, LIMITS.titleChars),
      isGroup: kind === 'group',
      unread: parts.unreadCount !== null && parts.unreadCount > 0,
      unreadCount: parts.unreadCount ?? 0,
      muted: !!row.querySelector(SEL.mutedIcon),
      archived: false,
      pinned: !!row.querySelector(SEL.pinnedIcon),
      preview: cap(preview, LIMITS.previewChars),
      lastMessageAt: parseListTime(parts.timeText, Date.now(), dateOrder(row.ownerDocument).monthFirst),
    };
  },

  openConversation(doc): ThreadSnapshot['conversation'] | null {
    const main = doc.querySelector(SEL.main);
    const titleEl = main?.querySelector(SEL.mainHeaderTitle);
    const title = chatKey(titleEl?.getAttribute('title') || titleEl?.textContent || '');
    if (!title || !main || !titleEl) return null;
    const isGroup = threadIsGroup(main, titleEl.closest('header'), titleEl, title);
    const conversation: ThreadSnapshot['conversation'] = {
      nativeId: titleKey(title, isGroup),
      title: cap(titleEl.getAttribute('title') || title, LIMITS.titleChars),
      isGroup,
    };
    // Name the provisional key a list row of this chat may carry, unless this chat's own (selected)
    // row shows its kind by itself: then that row always has the final id, and a same-named chat of
    // the other kind may be the one carrying the key.
    const selected = doc.querySelector(SEL.paneSide)?.querySelector(SEL.selectedRow);
    const parts = selected ? chatRowParts(selected) : null;
    if (!(parts && parts.kind && chatKey(parts.rawTitle) === title)) conversation.provisionalKey = provisionalKey(title);
    return conversation;
  },

  messageRows(doc) {
    const main = doc.querySelector(SEL.main);
    if (!main) return [];
    noteThreadDates(doc, main);
    const list = main.querySelector(SEL.messageList);
    const rows = list ? childRows(list, SEL.messageRow) : [];
    return rows.length ? rows : Array.from(main.querySelectorAll(SEL.messageRow));
  },

  parseMessageRow(row, conversation): MessageSnapshot | null {
    const holder = row.querySelector(SEL.dataId); // the outermost: nested ids belong to quoted messages
    if (!holder) {
      // Rows without data-id: date dividers (dropped) and system notices (kept, id from text).
      const text = readText(row).replace(/\s+/g, ' ').trim();
      if (!text || isDateDivider(text)) return null;
      return systemNotice(`sys.${stableHash(text)}`, text);
    }
    const id = parseDataId(holder.getAttribute('data-id'));
    if (!id) return null;
    // A handful of scoped queries per bubble, each result serving every check that needs it.
    const preEl = ownPrePlain(holder);
    const pre = parsePrePlainText(preEl?.getAttribute('data-pre-plain-text'), dateOrder(row.ownerDocument).monthFirst);
    const textEl = messageTextOf(holder);
    const text = textEl ? readText(textEl) : '';
    const icons = Array.from(holder.querySelectorAll(SEL.anyIcon));
    const statusIcon = icons.find((i) => i.matches(SEL.statusIcon));
    const attachments = attachmentsOf(holder, icons, text);
    // 2026: notices such as "This business uses a secure service from Meta…" carry a data-id but
    // no bubble: no direction class, no sender stamp, no status, nothing attached. Not from the contact.
    if (id.fromMe === undefined && !bubbleOf(holder) && !preEl && !statusIcon && attachments.length === 0) {
      const notice = readText(holder).replace(/\s+/g, ' ').trim();
      return notice ? systemNotice(id.msgId, notice) : null;
    }
    const status = statusOf(statusIcon);
    const isSelf = isOwnBubble(holder, id.fromMe);
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
      attachments,
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
    const want = wantedChat(target);
    if (!want.title) return false;
    const rows = this.chatRows(doc).flatMap((row) => {
      const parts = chatRowParts(row);
      return parts && chatKey(parts.rawTitle) === want.title ? [{ row, kind: parts.kind }] : [];
    });
    // The row to open: the one row showing the target's kind; else the one row not showing any.
    // Two rows that nothing tells apart (same title, same or unknown kind): refuse rather than
    // post to a guess.
    const sameKind = want.kind ? rows.filter((r) => r.kind === want.kind) : [];
    const candidates = !want.kind ? rows : sameKind.length > 0 ? sameKind : rows.filter((r) => r.kind === null);
    if (candidates.length > 1) return 'ambiguous';
    const current = this.openConversation(doc);
    if (candidates.length === 0) {
      // Not rendered (scrolled away in the virtual list); an open chat of the right kind is it.
      return rows.length === 0 && want.kind !== null && isWanted(current, want);
    }
    if (isWanted(current, want)) return true;
    click(doc, candidates[0]!.row);
    // Go on only once the opened thread's header shows the target's title and kind.
    return waitUntil(() => isWanted(this.openConversation(doc), want), 3_000);
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

  sweep: whatsappSweep,
};

function systemNotice(nativeId: string, text: string): MessageSnapshot {
  return {
    nativeId,
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
