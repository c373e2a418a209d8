// @vitest-environment happy-dom
// A bubble's own sender stamp, not a quoted message's: WhatsApp renders a quote as a button inside
// the bubble, and a quote may carry the quoted message's own `data-pre-plain-text` ahead of the
// bubble's (field guide: nested ids and stamps belong to the quoted message).
import { afterEach, describe, expect, test } from 'vitest';
import { ownPrePlain } from '../../../../content/whatsapp/bubble';

afterEach(() => {
  document.body.innerHTML = '';
});

function bubble(html: string): Element {
  document.body.innerHTML = `<div data-id="true_1@c.us_ABC">${html}</div>`;
  return document.body.firstElementChild!;
}

describe('ownPrePlain', () => {
  test('the only stamp is the bubble’s', () => {
    const holder = bubble('<div class="copyable-text" data-pre-plain-text="[10:00, 1/2/2026] A: "><span>hi</span></div>');
    expect(ownPrePlain(holder)?.getAttribute('data-pre-plain-text')).toBe('[10:00, 1/2/2026] A: ');
  });
  test('a quote’s stamp ahead of the bubble’s own is passed over', () => {
    const holder = bubble(
      '<div role="button" aria-label="Quoted message"><div data-pre-plain-text="[9:00, 1/2/2026] B: ">quoted</div></div>' +
        '<div class="copyable-text" data-pre-plain-text="[10:00, 1/2/2026] A: "><span>reply</span></div>',
    );
    expect(ownPrePlain(holder)?.getAttribute('data-pre-plain-text')).toBe('[10:00, 1/2/2026] A: ');
  });
  test('a bubble whose only stamp is inside a quote has none of its own', () => {
    const holder = bubble('<div role="button"><div data-pre-plain-text="[9:00, 1/2/2026] B: ">quoted</div></div><span>photo</span>');
    expect(ownPrePlain(holder)).toBeNull();
  });
  test('a button around the whole bubble (outside it) does not hide its stamp', () => {
    document.body.innerHTML = '<div role="button"><div data-id="x"><div data-pre-plain-text="[10:00, 1/2/2026] A: ">hi</div></div></div>';
    const holder = document.querySelector('[data-id]')!;
    expect(ownPrePlain(holder)?.getAttribute('data-pre-plain-text')).toBe('[10:00, 1/2/2026] A: ');
  });
  test('no stamp at all', () => {
    expect(ownPrePlain(bubble('<span>sticker</span>'))).toBeNull();
  });
});
