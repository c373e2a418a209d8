// The open Instagram thread: which conversation it is (the URL's id, titled by its list row or,
// when that row is not rendered with its link, by the thread pane: the peer's profile link or the
// group's name), and the composer in that pane.
import { LIMITS, provisionalKey, type ThreadSnapshot } from '../../lib/shared/model';
import { cap, clean, queryAll } from '../dom';
import {
  anchorlessTitled,
  chatLinks,
  chatRowFor,
  chatRows,
  currentThreadId,
  isInMessages,
  parseChatRow,
  textLeaves,
  threadList,
} from './chat-list';
import { LABELS, NOT_PROFILES, PROFILE_PATH, SEL } from './selectors';

type OpenConversation = ThreadSnapshot['conversation'];

export function composerOf(doc: Document): HTMLElement | null {
  const all = queryAll<HTMLElement>(doc, SEL.composer);
  const labelled = all.find((el) => (LABELS.composer as readonly string[]).includes(el.getAttribute('aria-label') ?? ''));
  return labelled ?? all[0] ?? null;
}

/** The open thread's pane: the largest ancestor of the composer (or first message row) without the thread list. */
function threadPane(doc: Document): Element | null {
  const start = composerOf(doc) ?? doc.querySelector(SEL.messageRow);
  const list = threadList(doc) ?? chatRows(doc)[0] ?? null;
  let pane: Element | null = null;
  for (let el = start?.parentElement ?? null; el && el !== doc.body && el !== doc.documentElement; el = el.parentElement) {
    if (list && el.contains(list)) break;
    pane = el;
  }
  return pane;
}

/**
 * The open thread's peer link: the topmost single-segment profile link in the thread pane, found by
 * climbing from the composer (or the first message row) until the pane would include the thread list.
 */
function peerLink(doc: Document): Element | null {
  const start = composerOf(doc) ?? doc.querySelector(SEL.messageRow);
  const list = threadList(doc) ?? chatLinks(doc)[0] ?? null;
  for (let el = start?.parentElement ?? null; el && el !== doc.documentElement; el = el.parentElement) {
    if (list && el.contains(list)) break;
    for (const a of queryAll(el, SEL.profileLink)) {
      if (isInMessages(a)) continue;
      const m = PROFILE_PATH.exec(a.getAttribute('href') ?? '');
      if (m && !NOT_PROFILES.has(m[1]!)) return a;
    }
  }
  return null;
}

/** The title the thread pane shows: the peer's name, else the first `dir="auto"` text above the messages (a group's name). */
export function paneTitle(doc: Document): { title: string; peer: Element | null } {
  const peer = peerLink(doc);
  const peerName = peer ? clean(textLeaves(peer)[0]?.textContent ?? '') : '';
  if (peerName) return { title: cap(peerName, LIMITS.titleChars), peer };
  const pane = threadPane(doc);
  for (const el of pane ? queryAll(pane, SEL.bubbleText) : []) {
    if (isInMessages(el) || el.closest(SEL.composer)) continue;
    const t = clean(el.textContent ?? '');
    if (t) return { title: cap(t, LIMITS.titleChars), peer };
  }
  const handle = peer ? (PROFILE_PATH.exec(peer.getAttribute('href') ?? '')?.[1] ?? '') : '';
  return { title: cap(handle, LIMITS.titleChars), peer };
}

/**
 * A route this adapter pushed that the app has not confirmed yet: while the URL names it and the
 * pane does not show `title`, the URL may name a thread the page does not show, so no thread is read.
 */
let unconfirmedRoute: { path: string; title: string } | null = null;

/** Set while a navigation waits for the app to confirm a route it pushed (see above); null when done. */
export function setUnconfirmedRoute(route: { path: string; title: string } | null): void {
  unconfirmedRoute = route;
}

export function openConversation(doc: Document): OpenConversation | null {
  const nativeId = currentThreadId(doc);
  if (!nativeId) return null;
  const row = chatRowFor(doc, nativeId);
  const fromList = row ? parseChatRow(row) : null;
  if (fromList?.title) return { nativeId, title: fromList.title, isGroup: fromList.isGroup };
  // The thread's list row is not rendered with its link (virtualised away, or a 2026 anchorless
  // row): the pane tells. Looked for only then, as it may look through every avatar link.
  const { title, peer } = paneTitle(doc);
  if (unconfirmedRoute && doc.location?.pathname === unconfirmedRoute.path && clean(title) !== clean(unconfirmedRoute.title)) return null;
  const hasHeadings = doc.querySelector(`${SEL.messageRow} ${SEL.senderHeading}`) !== null;
  const conv: OpenConversation = { nativeId, title, isGroup: !peer || hasHeadings };
  // An anchorless row of this thread was (or will be) read under its title's provisional key: name
  // it, so the store makes them one conversation. Not when two rows carry that title: that would
  // fold a namesake's conversation into this one.
  if (title && anchorlessTitled(doc, title).length <= 1) conv.provisionalKey = provisionalKey(title);
  return conv;
}
