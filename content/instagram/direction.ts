// Which side of an Instagram thread a bubble sits on (outgoing bubbles sit at the right edge):
// a sender heading or avatar link means incoming; else geometry when the page is laid out, else
// the computed flex alignment between the bubble and its row.
import { PROFILE_PATH, SEL, senderHeadingIn } from './selectors';
import { queryAll } from '../dom';

type Side = 'right' | 'left' | null;

/** Horizontal placement from the computed flex alignment between the bubble and its row. */
function sideFromStyle(bubble: Element, row: Element): Side {
  const win = row.ownerDocument.defaultView;
  if (!win) return null;
  let child: Element = bubble;
  for (let el = bubble.parentElement; el; el = el.parentElement) {
    const cs = win.getComputedStyle(el);
    if (cs.display.includes('flex')) {
      const dir = cs.flexDirection || 'row';
      const reversed = dir.endsWith('reverse');
      let value = cs.justifyContent;
      if (dir.startsWith('column')) {
        const self = win.getComputedStyle(child).alignSelf;
        value = self && self !== 'auto' && self !== 'normal' ? self : cs.alignItems;
      }
      if (/^(flex-end|end|right)$/.test(value)) return reversed && !dir.startsWith('column') ? 'left' : 'right';
      if (/^(flex-start|start|left)$/.test(value)) return reversed && !dir.startsWith('column') ? 'right' : 'left';
    }
    if (win.getComputedStyle(child).marginLeft === 'auto') return 'right';
    if (el === row) break;
    child = el;
  }
  return null;
}

/** Placement from geometry, when the page is laid out (a real browser). */
function sideFromGeometry(bubble: Element, row: Element): Side {
  const r = row.getBoundingClientRect();
  const b = bubble.getBoundingClientRect();
  if (r.width <= 0 || b.width <= 0) return null;
  const gapLeft = b.left - r.left;
  const gapRight = r.right - b.right;
  if (Math.abs(gapLeft - gapRight) < 8) return null;
  return gapRight < gapLeft ? 'right' : 'left';
}

export function isOutgoing(bubble: Element, row: Element): boolean {
  // A sender heading or an avatar link only ever accompanies incoming messages.
  if (senderHeadingIn(row)) return false;
  const avatarLink = queryAll(row, SEL.profileLink).some((a) => PROFILE_PATH.test(a.getAttribute('href') ?? ''));
  if (avatarLink) return false;
  const side = sideFromGeometry(bubble, row) ?? sideFromStyle(bubble, row);
  // No signal at all: call it incoming (a wrong "received" is safer than claiming the user said it).
  return side === 'right';
}
