// @vitest-environment happy-dom
// A row's sender heading (`h6 > span`, live-2026.md), found by tag walks rather than a combinator
// query: the first h6 answers almost always, a later one when the first holds no span.
import { afterEach, describe, expect, test } from 'vitest';
import { senderHeadingIn } from '../../../../content/instagram/selectors';

afterEach(() => {
  document.body.innerHTML = '';
});

function row(html: string): Element {
  document.body.innerHTML = `<div role="row">${html}</div>`;
  return document.body.firstElementChild!;
}

describe('senderHeadingIn', () => {
  test('no h6: none', () => {
    expect(senderHeadingIn(row('<div><span>hello</span></div>'))).toBeNull();
  });
  test('the first h6’s span', () => {
    expect(senderHeadingIn(row('<div><h6><span>Budi</span></h6></div><div dir="auto">hi</div>'))?.textContent).toBe('Budi');
  });
  test('a first h6 without a span child is passed over for a later one', () => {
    const r = row('<h6>plain</h6><div><h6><b>x</b><span>Sari</span></h6></div>');
    expect(senderHeadingIn(r)?.textContent).toBe('Sari');
  });
  test('a span deeper than a child of the h6 is not the heading', () => {
    expect(senderHeadingIn(row('<h6><b><span>deep</span></b></h6>'))).toBeNull();
  });
});
