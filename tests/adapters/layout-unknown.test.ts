// @vitest-environment happy-dom
// Health that cannot lie, per platform: each fixture page is broken the way a layout change breaks
// a page — the rows stay, what the adapter reads in them goes — and the runtime must report
// layout-unknown naming what it found and what is missing, never an "ok" inbox with nothing in it.
import { afterEach, describe, expect, test } from 'vitest';
import type { PlatformAdapter } from '../../content/adapter';
import { instagramAdapter } from '../../content/instagram/adapter';
import { messengerAdapter } from '../../content/messenger/adapter';
import { whatsappAdapter } from '../../content/whatsapp/adapter';
import type { Ingest } from '../../lib/shared/protocol';
import { renderInstagram } from '../fixtures/instagram/instagram-app.js';
import { renderMessenger } from '../fixtures/messenger/messenger-app.js';
import { renderWhatsApp } from '../fixtures/whatsapp/whatsapp-app.js';
import { startReader, type Reader } from './read-cost';

let reader: Reader | null = null;
afterEach(() => {
  reader?.runtime.stop();
  reader = null;
  document.body.replaceChildren();
});

function reset(path: string) {
  document.body.replaceChildren();
  document.head.replaceChildren();
  history.replaceState(null, '', path);
}

/** Nudge the page (any mutation makes the runtime read again) and wait until it is idle. */
async function readAgain(r: Reader, times = 1) {
  for (let i = 0; i < times; i++) {
    document.body.append(document.createElement('i'));
    document.body.lastElementChild!.remove();
    await new Promise((res) => setTimeout(res, 5));
    await r.runtime.idle();
  }
}

/** The 2026 shape of labelled elements: the words leave the row's text for a label on the row. */
function moveTextIntoLabel(row: Element) {
  row.setAttribute('aria-label', (row.textContent ?? '').trim());
  row.querySelectorAll('*').forEach((el) => {
    el.removeAttribute('alt');
    el.childNodes.forEach((n) => {
      if (n.nodeType === 3) n.nodeValue = '';
    });
  });
}

function lastHealth(ingests: Ingest[]) {
  return ingests[ingests.length - 1]!.health;
}

/** After the break, no batch said "ok" with nothing in it, and the state is layout-unknown. */
function expectNoLie(after: Ingest[]) {
  expect(after.length).toBeGreaterThan(0);
  for (const b of after) {
    if (b.health.state === 'ok') expect(b.conversations.length + (b.thread?.messages.length ?? 0)).toBeGreaterThan(0);
  }
  expect(lastHealth(after).state).toBe('layout-unknown');
  expect(lastHealth(after).report).toMatch(/^Unified Inbox layout report/);
}

interface Case {
  adapter: PlatformAdapter;
  /** Render a page with a thread open. */
  mount(): void;
  breakChats?: () => number;
  breakThread?: () => number;
  /** What the reason names for a thread broken after a healthy read (the anchor that went). */
  missingThreadAnchor?: RegExp;
  /**
   * The adapter's own reason for unreadable chat rows, where its health sees them before the
   * runtime's count does (either names what is missing).
   */
  chatsReason?: RegExp;
}

// Each adapter is broken in both places: its chat list (the rows stay, the words the adapter reads
// in them move into a label) and its thread (the rows stay, the anchor messages are read by goes).
const cases: Record<string, Case> = {
  whatsapp: {
    adapter: whatsappAdapter,
    mount() {
      reset('/');
      renderWhatsApp(document).openChat('Budi Santoso');
    },
    // The bubbles lose their data-id (the anchor the adapter reads ids and direction under).
    breakThread() {
      const rows = whatsappAdapter.messageRows(document);
      rows.forEach((r) => r.querySelectorAll('[data-id]').forEach((el) => el.removeAttribute('data-id')));
      return rows.length;
    },
    missingThreadAnchor: /no row has [^;]*\bdataId\b|carry no data-id/,
    breakChats() {
      const rows = Array.from(document.querySelectorAll('#pane-side [role="row"]'));
      rows.forEach(moveTextIntoLabel);
      rows.forEach((r) => r.querySelectorAll('[title]').forEach((el) => el.removeAttribute('title')));
      return rows.length;
    },
    chatsReason: /title/,
  },
  instagram: {
    adapter: instagramAdapter,
    mount() {
      reset('/direct/inbox/');
      const page = renderInstagram(document);
      page.navigate(document.querySelector('a[href*="/direct/t/"]')!.getAttribute('href')!);
    },
    breakChats() {
      const rows = instagramAdapter.chatRows(document);
      rows.forEach(moveTextIntoLabel);
      return rows.length;
    },
    chatsReason: /^thread list rows unreadable: no a\[href\*="\/direct\/t\/"\] link and no div\[role="button"\]/,
    // The bubbles lose their mid.$ ids (here the adapter's own health sees it first).
    breakThread() {
      const bubbles = document.querySelectorAll('[id^="mid.$"]');
      bubbles.forEach((b) => b.removeAttribute('id'));
      return bubbles.length;
    },
  },
  messenger: {
    adapter: messengerAdapter,
    mount() {
      reset('/messages/');
      const page = renderMessenger(document, { layout: '2026' });
      page.navigate(document.querySelector('[role="grid"] a[href*="/t/"]')!.getAttribute('href')!);
    },
    breakChats() {
      const rows = messengerAdapter.chatRows(document);
      rows.forEach(moveTextIntoLabel);
      return rows.length;
    },
    chatsReason: /^chat list rows found but none has a readable title/,
    // The app re-renders its messages without the attributes they are read by; their words stay.
    breakThread() {
      const els = Array.from(document.querySelectorAll('[data-message-id]'));
      for (const el of els) {
        const bare = el.cloneNode(true) as Element;
        for (const a of ['data-message-id', 'data-scope', 'aria-roledescription']) bare.removeAttribute(a);
        el.replaceWith(bare);
      }
      return els.length;
    },
  },
};

function expectChatsReason(reason: string | undefined, rows: number, own?: RegExp): void {
  const runtime = `chat rows found (${rows}) but none readable`;
  if (own && !reason?.includes(runtime)) expect(reason).toMatch(own);
  else expect(reason).toContain(runtime);
}

describe.each(Object.entries(cases))('%s: a layout change is never an empty ok inbox', (_p, c) => {
  test.runIf(!!c.breakChats)('chat rows kept, none readable: layout-unknown naming the rows', async () => {
    c.mount();
    ({ reader } = await startReader(c.adapter));
    expect(lastHealth(reader.ingests).state).toBe('ok');
    const before = reader.ingests.length;
    const n = c.breakChats!();
    expect(n).toBeGreaterThanOrEqual(3);
    await readAgain(reader, 4);
    const after = reader.ingests.slice(before);
    expectNoLie(after);
    expectChatsReason(lastHealth(after).reason, n, c.chatsReason);
  });

  test.runIf(!!c.breakChats)('a page loaded already broken says so too (no earlier read to compare)', async () => {
    c.mount();
    const n = c.breakChats!();
    ({ reader } = await startReader(c.adapter));
    await readAgain(reader, 4);
    expectNoLie(reader.ingests);
    expectChatsReason(lastHealth(reader.ingests).reason, n, c.chatsReason);
  });

  test.runIf(!!c.breakThread)('message rows kept, none readable: layout-unknown naming the missing anchor', async () => {
    c.mount();
    ({ reader } = await startReader(c.adapter));
    expect(lastHealth(reader.ingests).state).toBe('ok');
    expect(reader.ingests.some((b) => (b.thread?.messages.length ?? 0) > 0)).toBe(true);
    const before = reader.ingests.length;
    expect(c.breakThread!()).toBeGreaterThanOrEqual(3);
    await readAgain(reader, 4);
    const after = reader.ingests.slice(before);
    expectNoLie(after);
    if (c.missingThreadAnchor) expect(lastHealth(after).reason).toMatch(c.missingThreadAnchor);
    else expect(lastHealth(after).reason).toBeTruthy();
  });

  test('the page mended: ok again, and everything is read and sent again', async () => {
    c.mount();
    ({ reader } = await startReader(c.adapter));
    (c.breakChats ?? c.breakThread)!();
    await readAgain(reader, 4);
    expect(lastHealth(reader.ingests).state).toBe('layout-unknown');
    const before = reader.ingests.length;
    c.mount(); // a fresh render of the same page: the layout is back
    await readAgain(reader, 2);
    const after = reader.ingests.slice(before);
    expect(lastHealth(after).state).toBe('ok');
    expect(after.reduce((n, b) => n + b.conversations.length, 0)).toBeGreaterThan(0);
    expect(after.some((b) => (b.thread?.messages.length ?? 0) > 0)).toBe(true);
  });
});
