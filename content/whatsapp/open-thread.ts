// The open WhatsApp chat (#main): its title from the header and its kind, told by whatever the page
// shows (a legacy id's jid, the header's placeholder avatar, a group's member line, the senders
// of its messages). It names the provisional key a list row of it may carry.
import { LIMITS, provisionalKey, titleKey, type ThreadSnapshot } from '../../lib/shared/model';
import { cap, queryAll } from '../dom';
import { isOwnBubble } from './bubble';
import { chatRowParts } from './chat-row';
import { parseDataId } from './ids';
import { isLabel, LABEL, SEL } from './selectors';
import { chatKey } from './text';
import { parsePrePlainText } from './time';

/** A group's member line lists names with the user among them: "Budi, Sari, You". */
function memberLineSaysGroup(header: Element, titleEl: Element): boolean {
  for (const s of queryAll(header, SEL.mainHeaderSubtitle)) {
    if (s === titleEl || s.contains(titleEl) || titleEl.contains(s)) continue;
    const items = (s.getAttribute('title') || s.textContent || '')
      .split(/[,،、]/)
      .map((t) => t.trim())
      .filter(Boolean);
    if (items.length >= 3 || (items.length === 2 && items.some((i) => isLabel(i, LABEL.self)))) return true;
  }
  return false;
}

/**
 * The thread's own sender names say "group": two different incoming senders, or one that is not
 * the chat's title (a 1:1 chat's incoming messages are signed with the contact's name = the title).
 */
function sendersSayGroup(main: Element, title: string): boolean {
  const names = new Set<string>();
  for (const el of queryAll(main, SEL.prePlain)) {
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

export function openConversation(doc: Document): ThreadSnapshot['conversation'] | null {
  const main = doc.querySelector(SEL.main);
  const titleEl = main?.querySelector(SEL.mainHeaderTitle);
  const title = chatKey(titleEl?.getAttribute('title') || titleEl?.textContent || '');
  if (!title || !main || !titleEl) return null;
  const isGroup = threadIsGroup(main, titleEl.closest(SEL.header), titleEl, title);
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
}
