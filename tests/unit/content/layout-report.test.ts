// @vitest-environment happy-dom
// The layout report carries the page's structure and never its words: every fixture page of the
// three platforms (every variant, language, layout and state their fixtures offer, with a thread
// open) is reported, and no text of the page (text nodes, labels, titles, alt…) appears in it,
// while the adapter's anchors and the shapes of ids do.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import type { PlatformAdapter } from '../../../content/adapter';
import { buildLayoutReport, shapeOf } from '../../../content/layout-report';
import { instagramAdapter } from '../../../content/instagram/adapter';
import { messengerAdapter } from '../../../content/messenger/adapter';
import { whatsappAdapter } from '../../../content/whatsapp/adapter';
import { LIMITS } from '../../../lib/shared/model';
import { renderInstagram } from '../../fixtures/instagram/instagram-app.js';
import { renderMessenger } from '../../fixtures/messenger/messenger-app.js';
import { renderWhatsApp } from '../../fixtures/whatsapp/whatsapp-app.js';

type Options = Record<string, string>;

/**
 * The fixture's options and their values, read from its declaration file: a variant, language or
 * layout added to a fixture later is reported here without this test changing.
 */
function optionSpace(dts: string, iface: string): Options[] {
  const body = new RegExp(`interface ${iface} \\{([\\s\\S]*?)\\n\\}`).exec(readFileSync(dts, 'utf8'))?.[1] ?? '';
  const axes: [string, string[]][] = [];
  for (const m of body.matchAll(/^\s*(\w+)\?:\s*((?:'[^']*'\s*\|?\s*)+);/gm)) {
    // Long mode's bad endings act only in long mode (a boolean, not enumerated here).
    if (m[1] === 'longEnd') continue;
    axes.push([m[1]!, Array.from(m[2]!.matchAll(/'([^']*)'/g), (v) => v[1]!)]);
  }
  return axes.reduce<Options[]>((acc, [key, values]) => acc.flatMap((o) => values.map((v) => ({ ...o, [key]: v }))), [{}]);
}

/** Attributes whose values are words of the page (names, labels, message heads). */
const FREE_TEXT_ATTRS = [
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-placeholder',
  'title',
  'alt',
  'placeholder',
  'value',
  'data-pre-plain-text',
];

/** Every word of the page a report must not carry: text nodes and free-text attributes of 3+ characters. */
function pageWords(doc: Document): Set<string> {
  const words = new Set<string>();
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = (n.nodeValue ?? '').trim();
    if (t.length >= 3) words.add(t);
  }
  for (const el of Array.from(doc.body.querySelectorAll('*'))) {
    for (const name of FREE_TEXT_ATTRS) {
      const v = (el.getAttribute(name) ?? '').trim();
      if (v.length >= 3) words.add(v);
    }
  }
  return words;
}

interface Case {
  adapter: PlatformAdapter;
  variants: Options[];
  /** Render the page with the given options and open a thread when the page has one. */
  mount(opts: Options): void;
}

function reset(path: string) {
  document.body.replaceChildren();
  document.head.replaceChildren();
  document.documentElement.removeAttribute('lang');
  history.replaceState(null, '', path);
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

const cases: Record<string, Case> = {
  whatsapp: {
    adapter: whatsappAdapter,
    variants: optionSpace('tests/fixtures/whatsapp/whatsapp-app.d.ts', 'WhatsAppFixtureOptions').filter((o) => !('persist' in o)),
    mount(opts) {
      reset('/');
      const page = renderWhatsApp(document, opts as never);
      const title = document.querySelector('#pane-side span[title]')?.getAttribute('title');
      if (title) page.openChat(title);
    },
  },
  instagram: {
    adapter: instagramAdapter,
    variants: optionSpace('tests/fixtures/instagram/instagram-app.d.ts', 'InstagramFixtureOptions'),
    mount(opts) {
      reset('/direct/inbox/');
      const page = renderInstagram(document, opts as never);
      const href = document.querySelector('a[href*="/direct/t/"]')?.getAttribute('href');
      if (href) page.navigate(href);
    },
  },
  messenger: {
    adapter: messengerAdapter,
    variants: optionSpace('tests/fixtures/messenger/messenger-app.d.ts', 'MessengerFixtureOptions'),
    mount(opts) {
      reset('/messages/');
      const page = renderMessenger(document, opts as never);
      const href = document.querySelector('a[href*="/t/"]')?.getAttribute('href');
      if (href) page.navigate(href);
    },
  },
};

afterEach(() => reset('/'));

describe.each(Object.entries(cases))('%s layout report', (_platform, c) => {
  test('the fixture offers variants to report', () => {
    expect(c.variants.length).toBeGreaterThanOrEqual(4);
  });

  test('no word of any fixture page appears in its report', async () => {
    let checked = 0;
    for (const opts of c.variants) {
      c.mount(opts);
      await tick(20); // let the fixture render what it renders after a navigation
      const words = pageWords(document);
      const report = buildLayoutReport(document, c.adapter, { state: 'layout-unknown', reason: 'chat rows found (3) but none readable' });
      expect(report.length).toBeLessThanOrEqual(LIMITS.layoutReportChars);
      // Structure is allowed to name itself: attribute names (`data-message-id`), the adapter's own
      // anchor names and selector words (`nestedMessage`, `messages_table`), and the report's fixed
      // words ("message rows 12 (readable 8)"). A page word counts only outside them.
      const fixed = ['chat rows found (3) but none readable', 'message rows', 'chat rows', 'readable'];
      // (not the words a selector quotes from a label: those are free text and must not show)
      const vocabulary = Object.values(c.adapter.selectors).flatMap(
        (sel) => sel.replace(/\[\s*(?:aria-label|title|alt|placeholder)\b[^\]]*\]/g, '').match(/[A-Za-z][\w-]{1,40}/g) ?? [],
      );
      const own = [...fixed, ...Object.keys(c.adapter.selectors), ...vocabulary].sort((a, b) => b.length - a.length);
      let scrubbed = report.replace(/[\w-]+(?=[=~])/g, ' ');
      for (const term of own) scrubbed = scrubbed.split(term).join(' ');
      const leaked = [...words].filter((w) => scrubbed.includes(w));
      expect(leaked, `${JSON.stringify(opts)} leaked`).toEqual([]);
      checked += words.size;
    }
    // The pages did hold words (a report of empty pages would prove nothing).
    expect(checked).toBeGreaterThan(100);
  });

  test('the report names every anchor with its count, and shows the shapes of ids', async () => {
    c.mount({});
    await tick(20);
    const report = buildLayoutReport(document, c.adapter, { state: 'ok' });
    for (const [name, sel] of Object.entries(c.adapter.selectors)) {
      let n: number | 'invalid';
      try {
        n = document.querySelectorAll(sel).length;
      } catch {
        n = 'invalid';
      }
      expect(report).toContain(`\n  ${name}: ${n}\n`);
    }
    // At least one anchor matched (the page is one the adapter reads).
    expect(Object.values(c.adapter.selectors).some((s) => document.querySelectorAll(s).length > 0)).toBe(true);
    expect(report).toMatch(/rows: chat rows [1-9]\d* \(readable [1-9]/);
    // An id of the page is shown by its shape only: digits → 9, letters → a.
    const idHolder = document.querySelector('[data-id], [data-message-id], [id^="mid."], a[href*="/t/"]')!;
    const attr = ['data-id', 'data-message-id', 'id', 'href'].find((a) => idHolder.hasAttribute(a))!;
    const value = idHolder.getAttribute(attr)!;
    expect(value.length).toBeGreaterThanOrEqual(6);
    expect(report).toContain(`${attr}~${shapeOf(value).slice(0, 12)}`);
    expect(report).not.toContain(value);
  });
});

describe('layout report caps', () => {
  test('a huge page is cut at the size cap, and depth and node caps hold', () => {
    reset('/');
    let parent: Element = document.body;
    for (let d = 0; d < 200; d++) {
      const div = document.createElement('div');
      div.setAttribute('role', 'group');
      parent.append(div);
      parent = div;
    }
    for (let i = 0; i < 5000; i++) {
      const row = document.createElement('section');
      row.setAttribute(`data-x${i}`, 'v'); // every row a different shape: no run to summarise
      document.body.append(row);
    }
    const report = buildLayoutReport(document, whatsappAdapter, { maxDepth: 30 });
    expect(report.length).toBeLessThanOrEqual(LIMITS.layoutReportChars);
    expect(report).toContain('deeper}');
    expect(report).toMatch(/cut here: the report is capped/);
    expect(
      buildLayoutReport(document, whatsappAdapter, { maxNodes: 10 })
        .split('\n')
        .filter((l) => /^\s*(div|section)/.test(l)).length,
    ).toBeLessThanOrEqual(10);
  });

  test('values are shaped: letters to a, digits to 9, anything else to ?', () => {
    expect(shapeOf('3EB0E65E341B647932F5')).toBe('9aa9a99a999a999999a9');
    expect(shapeOf('mid.$cAABa8x')).toBe('aaa.$aaaaa9a');
    expect(shapeOf('Ñandú 🎉!')).toBe('aaaaa ??');
    expect(shapeOf('x'.repeat(100), 10)).toBe('aaaaaaaaaa…(100)');
  });

  test('runs of same-shaped rows are summarised; text is given by length', () => {
    reset('/');
    const list = document.createElement('div');
    list.setAttribute('role', 'grid');
    for (let i = 0; i < 40; i++) {
      const row = document.createElement('div');
      row.setAttribute('role', 'row');
      row.setAttribute('aria-label', `Chat with person ${i}`);
      row.textContent = `hello there ${i}`;
      list.append(row);
    }
    document.body.append(list);
    const report = buildLayoutReport(document, whatsappAdapter);
    expect(report).toContain('div role="row" aria-label=(18) text(13)');
    expect(report).toContain('… 38 more like the above');
    expect(report).not.toMatch(/hello|person/);
  });
});
