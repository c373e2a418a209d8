// Starts the inbox app in a page (popup, side panel) whose `#app` says its layout.
import { render } from 'preact';
import { getDb } from '../store/db';
import { App } from './App';
import { layoutOf } from './first-paint';

export function mountApp(root: HTMLElement): void {
  // The early script may have painted the first frame (first-paint.ts). It is removed in the same
  // task as the app's first render, which draws the same markup: no frame shows in between.
  root.replaceChildren();
  render(<App db={getDb()} layout={layoutOf(root)} />, root);
}
