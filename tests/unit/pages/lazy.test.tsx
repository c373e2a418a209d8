// @vitest-environment happy-dom
// lib/pages/lazy.ts: a lazily loaded view must appear however its load and the first render interleave.
import { expect, test } from 'vitest';
import { h, render } from 'preact';
import { lazy } from '../../../lib/pages/lazy';

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a view whose code arrives between the first render and its effect still shows (Firefox saw a blank thread)', async () => {
  let finish!: () => void;
  const gate = new Promise<void>((r) => (finish = r));
  const View = lazy(() => gate.then(() => () => h('p', null, 'thread')));
  void View.preload(); // the idle preload, already under way
  const root = document.createElement('div');
  document.body.append(root);
  render(h(View.Component, { fallback: h('span', null, 'loading') }), root); // no act(): effects run after paint, as in a page
  expect(root.textContent).toBe('loading');
  finish();
  await Promise.resolve();
  await Promise.resolve(); // the preload has set the component; the render's effect has not run yet
  await later(150); // effects run after paint
  expect(root.textContent).toBe('thread');
  render(null, root);
});

test('a view used before any preload loads and shows', async () => {
  const View = lazy(async () => () => h('p', null, 'people'));
  const root = document.createElement('div');
  render(h(View.Component, {}), root);
  expect(root.textContent).toBe('');
  await later(150);
  expect(root.textContent).toBe('people');
});
