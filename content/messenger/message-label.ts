// What a 2026 Messenger message element says about itself: its aria-label ("At 16:15, You: hello",
// by the grammars in selectors.ts), its reaction buttons, the status row below it ("Seen"), and,
// when the label does not parse, the side of the thread it sits on.
import { LIMITS, type MessageStatus, type Reaction } from '../../lib/shared/model';
import { pageLang } from '../meta/time';
import { cap, clean, queryAll } from '../dom';
import { GRAMMAR, SEL, type LabelGrammar } from './selectors';

/** The grammars to try, the page's language first. */
export function grammarsFor(doc: Document): LabelGrammar[] {
  return pageLang(doc) === 'id' ? [GRAMMAR.id, GRAMMAR.en] : [GRAMMAR.en, GRAMMAR.id];
}

interface ParsedLabel {
  /** Minutes after midnight. */
  clock: number;
  self: boolean;
  /** The sender as the label names them ('' for the user). */
  name: string;
}

/** "At 16:15, You: hello" → clock, direction and sender, by the first grammar that parses it. */
export function parseMessageLabel(label: string, grammars: readonly LabelGrammar[]): ParsedLabel | null {
  const s = label.replace(/[\u00a0\u202f]/g, ' ').trim();
  for (const g of grammars) {
    const m = g.message.exec(s);
    if (!m?.groups) continue;
    let h = Number(m.groups.h);
    const min = Number(m.groups.m);
    const ap = m.groups.ap?.toLowerCase();
    if (ap) {
      if (h < 1 || h > 12) continue;
      h = (h % 12) + (ap === 'p' ? 12 : 0);
    }
    if (h > 23 || min > 59) continue;
    const who = clean(m.groups.who ?? '');
    if (who === '') continue;
    const self = g.self.includes(who);
    return { clock: h * 60 + min, self, name: self ? '' : cap(who, LIMITS.titleChars) };
  }
  return null;
}

/** A bare clock anywhere in a label the grammar did not parse ("16.15", "4:15 PM"), in minutes. */
export function looseClock(label: string): number | null {
  const m = /(?:^|\D)(\d{1,2})[:.](\d{2})(?:\s?([AaPp])\.?[Mm]\.?)?(?!\d)/u.exec(label);
  if (!m) return null;
  let h = Number(m[1]);
  const min = Number(m[2]);
  if (m[3]) h = (h % 12) + (m[3].toLowerCase() === 'p' ? 12 : 0);
  return h > 23 || min > 59 ? null : h * 60 + min;
}

/**
 * Direction from layout when the label does not say: the bubble's side of its thread where the page
 * is laid out, else the flex alignment of the line holding it (outgoing lines end right). Null when
 * neither tells.
 */
export function selfByLayout(el: Element): boolean | null {
  const win = el.ownerDocument.defaultView;
  if (!win) return null;
  const box = el.closest(SEL.log) ?? el.closest(SEL.main);
  const r = el.getBoundingClientRect();
  const b = box?.getBoundingClientRect();
  if (b && r.width > 0 && b.width > 0) {
    const offset = r.left + r.width / 2 - (b.left + b.width / 2);
    if (Math.abs(offset) > b.width * 0.05) return offset > 0;
  }
  const stop = el.closest(SEL.article);
  for (let a = el.parentElement; a; a = a.parentElement) {
    const cs = win.getComputedStyle(a);
    if (cs.display.includes('flex')) {
      const along = cs.flexDirection.startsWith('column') ? cs.alignItems : cs.justifyContent;
      if (/(^|-)end$|right/.test(along)) return true;
      if (/(^|-)start$|left/.test(along)) return false;
    }
    if (a === stop || a === box) break;
  }
  return null;
}

/** What the reaction buttons inside a message say ("1 reaction with 👍; …"); unparseable ones count as none. */
export function reactionsOf(el: Element, grammars: readonly LabelGrammar[]): Reaction[] | undefined {
  // Capped: a message shows a handful of reaction buttons at most.
  const buttons = queryAll(el, SEL.reactionButton)
    .filter((b) => !b.closest(SEL.toolbar))
    .slice(0, 32);
  const out: Reaction[] = [];
  let seen = false;
  for (const b of buttons) {
    const label = clean(b.getAttribute('aria-label') ?? '');
    for (const g of grammars) {
      const m = g.reaction.exec(label);
      if (!m?.groups) continue;
      seen = true;
      const emoji = cap(clean(m.groups.emoji ?? ''), 32);
      const count = Math.min(Number(m.groups.n), 1_000_000);
      if (emoji !== '' && count > 0) out.push({ emoji, count });
      break;
    }
  }
  // No reaction button at all: the message has none (an explicit empty list). Buttons that do not
  // parse: we cannot tell, so say nothing rather than "none".
  if (buttons.length === 0) return [];
  return seen ? out : undefined;
}

/** The status row right after a 2026 message's row ("Seen", "Dilihat"…), as a status; null if none. */
export function statusAfter(el: Element): MessageStatus | null {
  const next = el.closest(SEL.virtualRow)?.nextElementSibling;
  return next ? statusOfRow(next) : null;
}

/** A log row that is only a status word (never a message): its status, else null. */
export function statusOfRow(row: Element): MessageStatus | null {
  const text = clean(row.textContent ?? '');
  if (text === '' || text.length > 40 || row.querySelector(SEL.rowLike)) return null;
  for (const g of Object.values(GRAMMAR)) {
    const s = g.status[text];
    if (s) return s;
  }
  return null;
}
