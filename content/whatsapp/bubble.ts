// What one WhatsApp message bubble shows: its own text and sender stamp (not a quoted message's),
// the quote, attachments known by icon or picture, the status ticks, and whether it is the user's.
import { cap, queryAll } from '../dom';
import { LIMITS, type Attachment, type MessageStatus, type Quote } from '../../lib/shared/model';
import { IN_CLASS, isLabel, LABEL, OUT_CLASS, SEL } from './selectors';
import { readText } from './text';

export function statusOf(icon: Element | undefined): MessageStatus | null {
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
  return isLabel(el.getAttribute('aria-label'), LABEL.quoted) || el.matches(SEL.quotedMention);
}

/** `labelled`: the bubble's `[role="button"], [aria-label]` elements, in document order. */
export function quoteOf(labelled: Element[]): Quote | null {
  const block = labelled.find(isQuoteBlock);
  if (!block) return null;
  const spans = queryAll(block, SEL.quoteSpan);
  const sender = spans[0] ? readText(spans[0]).trim() : '';
  const text = spans.length > 1 ? readText(spans[spans.length - 1]!).trim() : readText(block).trim();
  return { sender: cap(sender, LIMITS.titleChars), text: cap(text, LIMITS.previewChars) };
}

/** The message's own text: the first selectable text that is not inside a button (a quote, "Read more"). */
export function messageTextOf(holder: Element): Element | null {
  const first = holder.querySelector(SEL.selectableText);
  if (!first || !first.closest(SEL.button)) return first;
  return queryAll(holder, SEL.selectableText).find((el) => !el.closest(SEL.button)) ?? null;
}

/** `icons`: the bubble's `[data-icon]` elements, in document order. */
export function attachmentsOf(holder: Element, icons: Element[], caption: string): Attachment[] {
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
    const name = doc.parentElement?.querySelector(SEL.titled)?.getAttribute('title') ?? '';
    out.push({ kind: 'document', label: cap(name || 'Document', LIMITS.titleChars) });
  }
  if (icons.some((i) => i.matches(SEL.audioIcon))) out.push({ kind: 'audio', label: 'Voice message' });
  if (icons.some((i) => i.matches(SEL.videoIcon))) out.push({ kind: 'video', label: cap(caption || 'Video', LIMITS.titleChars) });
}

/** The first `data-pre-plain-text` of this bubble itself (not of a quoted message inside it). */
export function ownPrePlain(holder: Element): Element | null {
  // Nearly always the first one is the bubble's own (a quote comes after it, or has none).
  const first = holder.querySelector(SEL.prePlain);
  if (!first) return null;
  const around = first.closest(SEL.button);
  if (!around || !holder.contains(around)) return first;
  for (const el of queryAll(holder, SEL.prePlain)) {
    const button = el.closest(SEL.button);
    if (!button || !holder.contains(button)) return el;
  }
  return null;
}

/** The bubble's direction class element (message-in / message-out), or null when the build has none. */
export function bubbleOf(holder: Element): Element | null {
  return holder.matches(SEL.bubble) ? holder : holder.querySelector(SEL.bubble);
}

/** Whether a bubble is the user's own: the id's flag, the bubble class, else a status icon. */
export function isOwnBubble(holder: Element, fromMe: boolean | undefined): boolean {
  if (fromMe !== undefined) return fromMe;
  const bubble = bubbleOf(holder);
  if (bubble?.classList.contains(OUT_CLASS)) return true;
  if (bubble?.classList.contains(IN_CLASS)) return false;
  return !!holder.querySelector(SEL.statusIcon);
}
