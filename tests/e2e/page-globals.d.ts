// What page.evaluate() bodies in the browser tests see: the fixture apps' test hooks
// (window.__fixture, set by tests/fixtures/<platform>/<platform>-app.js) and, inside extension
// pages and the service worker, the `chrome` namespace (promise-returning, as in MV3).
import type { Browser } from 'webextension-polyfill';

declare global {
  /** One message the fixture app "sent" (its echo of what the composer submitted). */
  interface FixtureEcho {
    text: string;
    threadId?: string;
  }

  /** The hooks the fixture apps expose to tests; never read by the extension. */
  interface FixtureHooks {
    addIncoming(chat: string, text: string): void;
    openChat(title: string): void;
    navigate(path: string): void;
    failNextSend(): void;
    echoLog: FixtureEcho[];
    failedLog: FixtureEcho[];
    echoDelayMs: number;
    dropEchoes: boolean;
    /** What the page's own scripts could observe (WhatsApp). */
    snoop: string[];
    /** The open thread: how many messages it holds and how many are rendered. */
    threadInfo?(): { total: number; rendered?: number };
    /** Other hooks some variants add (called by name in the fault tests). */
    [hook: string]: unknown;
  }

  interface Window {
    __fixture: FixtureHooks;
    /** hostile.e2e.ts: the events a hostile page saw, and its replay of them. */
    __seenEvents?: string[];
    __replayNow?: () => void;
  }

  var chrome: Browser;
}

export {};
