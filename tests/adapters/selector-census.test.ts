// @vitest-environment happy-dom
// Selector census (issue 14): every named selector of each platform's selectors.ts, counted on the
// fixture pages it applies to (each layout, and the states some selectors exist for: the QR page,
// "Use here", the login form, the PIN screen). One test per selector, so a selector that drifts —
// edited by mistake, or the fixture page changed under it — fails by its name. Counts are exact: a
// selector that starts matching too much fails as surely as one that stops matching. The few
// selectors no fixture page shows say why, and must then match nothing.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { insertIntoComposer } from '../../content/composer';
import { instagramAdapter as ig } from '../../content/instagram/adapter';
import { SEL as IG } from '../../content/instagram/selectors';
import { SEL as FB } from '../../content/messenger/selectors';
import { whatsappAdapter as wa } from '../../content/whatsapp/adapter';
import { SEL as WA } from '../../content/whatsapp/selectors';
import { renderInstagram, type InstagramFixtureOptions } from '../fixtures/instagram/instagram-app.js';
import { renderMessenger, type MessengerFixtureOptions } from '../fixtures/messenger/messenger-app.js';
import { renderWhatsApp, type WhatsAppFixtureOptions } from '../fixtures/whatsapp/whatsapp-app.js';

/** A fixture page: mounts it and returns where each selector is counted (default: the document). */
interface Page {
  name: string;
  mount(): Promise<((selectorName: string) => ParentNode) | void>;
}

/**
 * One describe per platform: the pages are mounted once, every selector counted on each, then one
 * test per selector compares its counts with `expected` (a count per page, in the order of `pages`).
 */
function census<K extends string>(
  platform: string,
  sel: Readonly<Record<K, string>>,
  pages: Page[],
  expected: Record<K, number[]>,
  notOnFixture: Partial<Record<K, string>>,
): void {
  describe(`${platform} selector census`, () => {
    const counts = new Map<string, Record<string, number>>();
    beforeAll(async () => {
      for (const page of pages) {
        const scopeOf = (await page.mount()) ?? (() => document);
        for (const name of Object.keys(sel) as K[]) {
          const row = counts.get(name) ?? {};
          row[page.name] = scopeOf(name).querySelectorAll(sel[name]).length;
          counts.set(name, row);
        }
      }
    }, 60_000);
    afterAll(() => {
      vi.useRealTimers();
      document.body.replaceChildren();
    });

    test('the census names every selector of selectors.ts, and only those', () => {
      expect(Object.keys(expected).sort()).toEqual(Object.keys(sel).sort());
      for (const row of Object.values(expected) as number[][]) expect(row).toHaveLength(pages.length);
    });

    test.each(Object.keys(sel) as K[])(`${platform} SEL.%s`, (name) => {
      const want = Object.fromEntries(pages.map((p, i) => [p.name, expected[name]?.[i]]));
      expect(counts.get(name), `SEL.${name} (${sel[name]}) per fixture page`).toEqual(want);
      const matchesSomewhere = Object.values(want).some((n) => (n ?? 0) > 0);
      // A selector no page shows must say why (and then matches nothing, checked above).
      expect(matchesSomewhere || notOnFixture[name] !== undefined, `SEL.${name} matches no fixture page`).toBe(true);
    });
  });
}

// ---- WhatsApp ----------------------------------------------------------------------------------

/** A day above 12 on every page that shows dates (as in whatsapp.test.ts). */
const WA_NOW = new Date(2026, 2, 30, 12, 0).getTime();
/** Chat-list selectors are counted inside #pane-side (the adapter looks them up there). */
const WA_LIST = new Set(['chatGrid', 'chatRow', 'chatCell', 'chatTitle', 'previewSpan', 'selectedRow', 'mutedIcon', 'pinnedIcon']);

function whatsappPage(name: string, opts: WhatsAppFixtureOptions, openGroup?: string): Page {
  return {
    name,
    async mount() {
      vi.useFakeTimers({ toFake: ['Date'], now: WA_NOW });
      document.body.replaceChildren();
      const fx = renderWhatsApp(document, { now: WA_NOW, ...opts });
      vi.useRealTimers();
      if (openGroup) {
        fx.openChat(openGroup, 'group');
        expect(await insertIntoComposer(wa.composer(document)!, 'draft')).toBe('inserted');
      }
      return (n) => (WA_LIST.has(n) ? (document.querySelector(WA.paneSide) ?? document) : document);
    },
  };
}

// Pages: the inbox as it opens and a group open with a draft in the box, per layout; the QR login
// page; the "Use here" page of a second tab.
census(
  'WhatsApp',
  WA,
  [
    whatsappPage('classic inbox', { layout: 'classic' }),
    whatsappPage('classic group + draft', { layout: 'classic' }, 'Keluarga Besar'),
    whatsappPage('2026 inbox', { layout: '2026' }),
    whatsappPage('2026 group + draft', { layout: '2026' }, 'Ibu'),
    whatsappPage('mixed inbox', { layout: 'mixed' }),
    whatsappPage('mixed group + draft', { layout: 'mixed' }, 'Ibu'),
    whatsappPage('QR page', { state: 'qr' }),
    whatsappPage('Use here page', { state: 'use-here' }),
  ],
  // classic inbox, classic group, 2026 inbox, 2026 group, mixed inbox, mixed group, QR, Use here
  {
    paneSide: [1, 1, 1, 1, 1, 1, 0, 0],
    chatGrid: [1, 1, 1, 1, 1, 1, 0, 0],
    chatRow: [10, 10, 11, 11, 11, 11, 0, 0],
    anyRow: [27, 18, 29, 17, 29, 17, 0, 0],
    gridCell: [10, 10, 10, 10, 10, 10, 0, 0],
    labelled: [18, 16, 22, 15, 22, 15, 1, 0],
    chatCell: [0, 0, 10, 10, 5, 5, 0, 0],
    chatTitle: [10, 10, 10, 10, 10, 10, 0, 0],
    previewSpan: [33, 33, 32, 32, 32, 32, 0, 0],
    defaultGroupIcon: [0, 0, 1, 1, 1, 1, 0, 0],
    defaultUserIcon: [0, 0, 1, 1, 1, 1, 0, 0],
    selectedRow: [1, 1, 1, 1, 1, 1, 0, 0],
    mutedIcon: [1, 1, 1, 1, 1, 1, 0, 0],
    pinnedIcon: [1, 1, 1, 1, 1, 1, 0, 0],
    qrCanvas: [0, 0, 0, 0, 0, 0, 1, 0],
    main: [1, 1, 1, 1, 1, 1, 0, 0],
    header: [2, 2, 2, 2, 2, 2, 0, 0],
    mainHeaderTitle: [1, 1, 1, 1, 1, 1, 0, 0],
    mainHeaderSubtitle: [1, 2, 1, 2, 1, 2, 0, 0],
    messageRow: [27, 18, 29, 17, 29, 17, 0, 0],
    messageList: [1, 1, 1, 1, 1, 1, 0, 0],
    dataId: [15, 5, 31, 6, 23, 4, 0, 0],
    prePlain: [14, 5, 15, 3, 15, 3, 0, 0],
    bubble: [15, 5, 15, 3, 15, 3, 0, 0],
    selectableText: [14, 5, 15, 3, 15, 3, 0, 0],
    statusIcon: [4, 1, 7, 1, 7, 1, 0, 0],
    anyIcon: [11, 7, 16, 10, 16, 10, 0, 0],
    button: [4, 0, 2, 0, 2, 0, 0, 0],
    anyButton: [5, 1, 4, 2, 4, 2, 0, 1],
    buttonOrLabelled: [20, 16, 22, 15, 22, 15, 1, 0],
    textMarkup: [21, 17, 17, 10, 17, 10, 0, 0],
    composer: [1, 1, 1, 1, 1, 1, 0, 0],
    footer: [1, 1, 1, 1, 1, 1, 0, 0],
    quoteSpan: [34, 26, 33, 21, 33, 21, 0, 0],
    quotedMention: [1, 0, 1, 0, 1, 0, 0, 0],
    titled: [22, 22, 21, 22, 21, 22, 0, 0],
    groupMessageId: [0, 5, 0, 0, 0, 0, 0, 0],
    sendIcon: [0, 1, 0, 1, 0, 1, 0, 0],
    documentIcon: [1, 0, 0, 0, 0, 0, 0, 0],
    audioIcon: [0, 0, 0, 0, 0, 0, 0, 0],
    videoIcon: [0, 0, 0, 0, 0, 0, 0, 0],
    attachmentIcon: [1, 0, 0, 0, 0, 0, 0, 0],
  },
  {
    audioIcon: 'the fixture renders no voice-message bubble',
    videoIcon: 'the fixture renders no video bubble',
  },
);

// ---- Instagram ---------------------------------------------------------------------------------

const IG_FIXED = new Date(2026, 7, 14, 15, 30).getTime(); // Fri 14 Aug 2026, 15:30 local
const IG_ALEX = '17849937201145562';
const IG_GROUP = '340282366841710300949128149236711';

function instagramPage(name: string, opts: InstagramFixtureOptions, path = '/direct/inbox/', failSend = false): Page {
  return {
    name,
    async mount() {
      document.body.replaceChildren();
      document.head.replaceChildren();
      history.replaceState(null, '', path);
      const fx = renderInstagram(document, { now: IG_FIXED, ...opts });
      if (failSend) {
        // A thread with a failed send: the "Not sent" mark the adapter reads.
        (fx as unknown as { echoDelayMs: number }).echoDelayMs = 0;
        fx.failNextSend();
        const composer = ig.composer(document)!;
        await insertIntoComposer(composer, 'not sent');
        await ig.submit(document, composer);
        const mark = () => document.querySelector('[role="button"][aria-label="Not sent"]');
        for (let i = 0; i < 100 && !mark(); i++) await new Promise((r) => setTimeout(r, 20));
        expect(mark()).not.toBeNull();
      }
    },
  };
}

// Pages per layout: the inbox, a 1:1 thread with a failed send, a group thread; the Indonesian
// 2026 inbox (the thread list's translated label); the login page.
census(
  'Instagram',
  IG,
  [
    ...(['anchor', '2026', 'mixed'] as const).flatMap((layout) => [
      instagramPage(`${layout} inbox`, { layout }),
      instagramPage(`${layout} failed send`, { layout }, `/direct/t/${IG_ALEX}/`, true),
      instagramPage(`${layout} group thread`, { layout }, `/direct/t/${IG_GROUP}/`),
    ]),
    instagramPage('2026 inbox, Indonesian', { layout: '2026', lang: 'id' }),
    instagramPage('login page', { state: 'not-logged-in' }),
  ],
  // anchor: inbox, failed send, group; 2026: the same three; mixed: the same three; 2026 id inbox; login
  {
    threadList: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
    threadLink: [9, 9, 9, 0, 0, 0, 5, 5, 5, 0, 0],
    anchorlessRow: [0, 2, 1, 9, 11, 10, 4, 6, 5, 9, 0],
    linkWithHref: [10, 14, 15, 1, 5, 6, 6, 10, 11, 1, 0],
    labelled: [2, 6, 5, 2, 6, 5, 2, 6, 5, 2, 2],
    ariaHidden: [9, 10, 9, 9, 10, 9, 9, 10, 9, 9, 0],
    box: [88, 132, 144, 99, 153, 167, 94, 148, 162, 99, 1],
    messageRow: [0, 7, 9, 0, 10, 12, 0, 10, 12, 0, 0],
    dateBreak: [0, 3, 3, 0, 3, 3, 0, 3, 3, 0, 0],
    rowOrBreak: [0, 10, 12, 0, 13, 15, 0, 13, 15, 0, 0],
    bubble: [0, 6, 9, 0, 6, 9, 0, 6, 9, 0, 0],
    presentation: [0, 1, 0, 0, 7, 9, 0, 7, 9, 0, 0],
    cellDateBreak: [0, 0, 0, 0, 3, 3, 0, 3, 3, 0, 0],
    bubbleText: [18, 26, 33, 18, 29, 36, 18, 29, 36, 18, 0],
    senderHeading: [0, 0, 5, 0, 0, 5, 0, 0, 5, 0, 0],
    profileLink: [10, 14, 15, 1, 5, 6, 6, 10, 11, 1, 0],
    image: [10, 14, 15, 10, 14, 15, 10, 14, 15, 10, 0],
    video: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    composer: [0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0],
    buttons: [0, 2, 1, 9, 11, 10, 4, 6, 5, 9, 1],
    roleButton: [0, 2, 1, 9, 11, 10, 4, 6, 5, 9, 0],
    submitButton: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    login: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3],
    progress: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  },
  {
    video: 'no fixture thread holds a video (the adapter only labels it an attachment)',
    progress: 'the fixtures never show a loading spinner (the field guide does not describe one)',
  },
);

// ---- Messenger ---------------------------------------------------------------------------------

const FB_MAMA = '100004873215509'; // e2ee: quote, reactions, status rows
const FB_MARK = '100009912873344'; // the mixed layout's reply quote in the newer half
/** A fixed clock (morning): the date breaks a thread shows depend on the time of day the page is built. */
const FB_NOW = new Date(2026, 11, 4, 9, 0).getTime();

function messengerPage(name: string, opts: MessengerFixtureOptions, path: string): Page {
  return {
    name,
    async mount() {
      document.body.replaceChildren();
      document.head.replaceChildren();
      history.replaceState(null, '', path);
      vi.useFakeTimers({ toFake: ['Date'], now: FB_NOW });
      renderMessenger(document, { now: FB_NOW, ...opts });
    },
  };
}

// Pages: the inbox and a thread per layout (Mama's encrypted thread; Mark's in the mixed layout),
// the Indonesian 2026 thread, the PIN screen of an encrypted thread per layout, the login page.
census(
  'Messenger',
  FB,
  [
    ...(['classic', '2026', 'mixed'] as const).flatMap((layout) => [
      messengerPage(`${layout} inbox`, { layout }, '/messages/'),
      messengerPage(`${layout} thread`, { layout }, layout === 'mixed' ? `/messages/t/${FB_MARK}/` : `/messages/e2ee/t/${FB_MAMA}/`),
    ]),
    messengerPage('2026 thread, Indonesian', { layout: '2026', lang: 'id' }, `/messages/e2ee/t/${FB_MAMA}/`),
    messengerPage('classic PIN screen', { layout: 'classic', state: 'pin' }, `/messages/e2ee/t/${FB_MAMA}/`),
    messengerPage('2026 PIN screen', { layout: '2026', state: 'pin' }, `/messages/e2ee/t/${FB_MAMA}/`),
    messengerPage('login page', { state: 'not-logged-in' }, '/messages/'),
  ],
  // classic: inbox, thread; 2026: inbox, thread; mixed: inbox, thread; 2026 id thread; PIN classic, 2026; login
  {
    navigation: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
    chatGrid: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
    chatRow: [9, 20, 9, 9, 9, 14, 9, 9, 9, 0],
    threadLink: [9, 9, 9, 9, 9, 9, 9, 9, 9, 0],
    openChatLink: [0, 1, 0, 1, 0, 1, 1, 1, 1, 0],
    unreadMarkerParent: [3, 2, 3, 2, 3, 3, 2, 2, 2, 0],
    unreadMarkerCandidate: [3, 2, 3, 2, 3, 3, 2, 2, 2, 0],
    namedImage: [6, 10, 6, 11, 6, 8, 11, 6, 6, 0],
    ariaHidden: [11, 11, 11, 12, 11, 12, 12, 11, 11, 0],
    main: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
    threadLog: [0, 0, 1, 1, 1, 1, 1, 0, 1, 0],
    log: [0, 0, 1, 1, 1, 1, 1, 0, 1, 0],
    article: [0, 0, 0, 8, 0, 3, 8, 0, 0, 0],
    virtualRow: [0, 0, 0, 132, 0, 125, 132, 0, 0, 0],
    threadArticle: [0, 0, 0, 8, 0, 3, 8, 0, 0, 0],
    messageElement: [0, 0, 0, 8, 0, 3, 8, 0, 0, 0],
    messageRowOrBreak: [0, 11, 0, 11, 0, 9, 11, 0, 0, 0],
    messageAny: [0, 8, 0, 8, 0, 6, 8, 0, 0, 0],
    nestedMessage: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    rowLike: [9, 20, 9, 20, 9, 18, 20, 9, 9, 0],
    dateBreak: [0, 3, 0, 3, 0, 3, 3, 0, 0, 0],
    quote: [9, 9, 9, 10, 9, 10, 10, 9, 9, 0],
    reactionButton: [0, 1, 0, 26, 0, 11, 26, 0, 0, 0],
    toolbar: [0, 0, 0, 8, 0, 3, 8, 0, 0, 0],
    heading: [2, 5, 2, 2, 2, 4, 2, 3, 3, 0],
    pageHeading: [1, 1, 1, 1, 1, 1, 1, 2, 2, 0],
    image: [17, 22, 17, 23, 17, 20, 23, 18, 18, 0],
    video: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    composer: [0, 1, 0, 1, 0, 1, 1, 0, 0, 0],
    buttons: [0, 1, 0, 26, 0, 11, 26, 0, 0, 1],
    pin: [0, 0, 0, 0, 0, 0, 0, 1, 1, 0],
    login: [0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
    progress: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  },
  {
    nestedMessage: 'a guard: no page nests one message element in another',
    video: 'no fixture thread holds a video (the adapter only labels it an attachment)',
    progress: 'the fixtures never show a loading spinner (the field guide does not describe one)',
  },
);
