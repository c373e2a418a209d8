// @vitest-environment happy-dom
import { describe, expect, test, vi } from 'vitest';
import { isVisuallyHidden, visibleText } from '../../../../content/meta/text';

const SR_ONLY = 'position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)';

function el(html: string): HTMLElement {
  const d = document.createElement('div');
  d.innerHTML = html;
  document.body.append(d);
  return d;
}

describe('visible text of a Meta row', () => {
  test('text nodes, emoji by alt, line breaks; screen-reader-only labels left out, however deep', () => {
    const row = el(
      `<span style="${SR_ONLY}">You sent</span><div><span>Halo <img alt="👋"> apa</span><br><span>kabar</span></div>` +
        `<div style="${SR_ONLY}"><span><b>Enter</b></span></div><span>!</span>`,
    );
    expect(visibleText(row, 1_000)).toBe('Halo 👋 apa\nkabar!');
  });

  test('a label hidden by clip-path or by its 1px box alone counts as hidden', () => {
    const row = el(
      `<span style="position:absolute;clip-path:inset(50%)">Hidden A</span>` +
        `<span style="overflow:hidden;width:1px;height:1px">Hidden B</span><span style="position:absolute">Shown</span>`,
    );
    expect(visibleText(row, 1_000)).toBe('Shown');
    expect(isVisuallyHidden(row.firstElementChild!)).toBe(true);
    expect(isVisuallyHidden(row.lastElementChild!)).toBe(false);
  });

  test('a hidden label that reaches the cap does not cut the visible text after it', () => {
    const row = el(`<span style="${SR_ONLY}">${'x'.repeat(50)}</span><span>visible text</span>`);
    expect(visibleText(row, 20)).toBe('visible text');
    expect(visibleText(row, 7)).toBe('visible');
  });

  test('skip leaves an element and everything in it out', () => {
    const row = el(`<span class="mark">Edited</span><span>kept</span>`);
    expect(visibleText(row, 100, (e) => e.classList.contains('mark'))).toBe('kept');
  });

  test('only elements that add text have their style asked (icons and empty wrappers cost nothing)', () => {
    const row = el(
      `<div><svg><g><path></path><path></path></g></svg></div><div><div></div></div>` +
        `<div><span>Halo</span></div><span style="${SR_ONLY}">You sent</span>`,
    );
    const styles = vi.spyOn(window, 'getComputedStyle');
    expect(visibleText(row, 100)).toBe('Halo');
    const asked = styles.mock.calls.map(([e]) => (e as Element).localName);
    styles.mockRestore();
    expect(asked.sort()).toEqual(['div', 'div', 'span', 'span']); // the row, Halo's div and span, the hidden label
  });
});
