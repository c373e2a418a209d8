// Starts the inbox app in a page (popup, side panel) whose `#app` says its layout.
import { render } from 'preact';
import { getDb } from '../store/db';
import { App } from './App';
import { languageFor, layoutOf } from './first-paint';
import { earlyLanguageChoice } from './first-rows';
import { beforeFirstRender } from './store-ready';

export async function mountApp(root: HTMLElement): Promise<void> {
  // The first render is in the language the early frame was painted in (English is in the chunk;
  // Indonesian is a chunk of its own), with the store's upgrades if the store is older.
  await beforeFirstRender(languageFor(earlyLanguageChoice()));
  // The early script may have painted the first frame (first-paint.ts). It is removed in the same
  // task as the app's first render, which draws the same markup: no frame shows in between.
  root.replaceChildren();
  render(<App db={getDb()} layout={layoutOf(root)} />, root);
}
