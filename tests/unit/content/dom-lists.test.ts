// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { childRows, descendants, queryAll, toArray } from '../../../content/dom';

function tree(html: string): HTMLElement {
  const d = document.createElement('div');
  d.innerHTML = html;
  return d;
}

describe('DOM lists as arrays (copied by index, not through the list iterator)', () => {
  test('queryAll gives what Array.from of querySelectorAll gives: the matches under the root, in document order', () => {
    const root = tree('<p id="a"><span data-icon="x" id="b"></span></p><span data-icon="y" id="c"><i data-icon="z" id="d"></i></span>');
    const ids = (els: Element[]) => els.map((e) => e.id);
    expect(ids(queryAll(root, '[data-icon]'))).toEqual(['b', 'c', 'd']);
    expect(ids(queryAll(root, '[data-icon]'))).toEqual(ids(Array.from(root.querySelectorAll('[data-icon]'))));
    expect(queryAll(root, 'video')).toEqual([]);
    expect(ids(descendants(root))).toEqual(['a', 'b', 'c', 'd']);
  });

  test('toArray copies a static NodeList, a live HTMLCollection and childNodes; the copy does not follow the live list', () => {
    const root = tree('<b>1</b>text<b>2</b>');
    const live = root.getElementsByTagName('b');
    const copy = toArray(live);
    expect(copy.map((b) => b.textContent)).toEqual(['1', '2']);
    root.append(document.createElement('b'));
    expect(live.length).toBe(3);
    expect(copy.length).toBe(2);
    expect(toArray(root.childNodes).map((n) => n.nodeType)).toEqual([1, 3, 1, 1]);
    expect(toArray(root.querySelectorAll('nothing'))).toEqual([]);
  });

  test('childRows falls back to every matching descendant when a child wraps rows', () => {
    const flat = tree('<div role="row" id="r1"></div><div role="row" id="r2"></div><p></p>');
    expect(childRows(flat, '[role="row"]').map((r) => r.id)).toEqual(['r1', 'r2']);
    const wrapped = tree('<div role="row" id="r1"></div><div><div role="row" id="r2"></div></div>');
    expect(childRows(wrapped, '[role="row"]').map((r) => r.id)).toEqual(['r1', 'r2']);
  });
});
