// The combined conversation list: every platform, newest first, with unread counts; a search box
// that narrows the list and finds messages through the store's index; keyboard navigation.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { InboxDb } from '../store/db';
import { mayHoldArmor } from '../crypto/armor-text';
import { PLATFORM_LABEL, PLATFORMS, type AdapterHealth, type Conversation } from '../shared/model';
import type { SearchHit } from '../store/search';
import { useUi } from './context';
import { ROW_HEIGHT } from './first-paint';
import { takeFirstRows } from './first-rows';
import { count, listTime } from './format';
import { isTypingTarget } from './keys';
import { LayoutReportButton } from './LayoutReport';
import { useInbox, useLive, useSearch, loadSearch } from './live';
import { fold, healthAll, inboxHead } from '../store/queries';
import { VirtualList } from './VirtualList';
import { InboxSweep } from './sweep/InboxSweep';

export { ROW_HEIGHT } from './first-paint';

/** Rows painted from the quick first read: more than the tallest side panel shows. */
export const HEAD_ROWS = 50;

export interface InboxProps {
  db: InboxDb;
  onOpen: (c: Conversation) => void;
  onOpenHit?: (hit: SearchHit) => void;
  selectedId?: string | null;
  /** Bumped by the app to ask for the search box to take focus. */
  focusSearch?: number;
}

export function Inbox(props: InboxProps) {
  const { s } = useUi();
  const [query, setQuery] = useState('');
  const q = query.trim();
  // First the newest rows through the index (a few ms at any inbox size), then the whole list,
  // live. The whole read waits for the first, so it cannot delay the first paint. The page's early
  // script has usually read them already, while this code was loading; if not, the read starts in
  // a layout effect (a frame earlier than a deferred one).
  const [early] = useState(takeFirstRows);
  const [head, setHead] = useState<{ db: InboxDb; rows: Conversation[] } | null>(() =>
    early?.rows ? { db: props.db, rows: early.rows } : null,
  );
  useLayoutEffect(() => {
    if (head?.db === props.db) return;
    let live = true;
    const done = (rows: Conversation[]) => live && setHead({ db: props.db, rows });
    const earlyRows = early && head === null ? early.done : Promise.resolve(null);
    earlyRows
      .then((rows) => rows ?? inboxHead(props.db, HEAD_ROWS))
      .then(done, (e: unknown) => {
        console.error('[unified-inbox] first rows unreadable', e);
        done([]);
      });
    return () => {
      live = false;
    };
  }, [props.db]);
  const headRead = head?.db === props.db;
  const all = useInbox(props.db, headRead);
  const complete = all !== null;
  const conversations = all ?? (headRead && head.rows.length ? head.rows : null);
  const health = useLive(() => healthAll(props.db), [props.db], [] as AdapterHealth[]);
  // A search runs again only when the index changes: its results show the list's current record
  // of each conversation (a renamed chat shows its new title without a new search), and the search
  // reads from the store only the conversations the list does not hold (archived ones).
  const byId = useMemo(() => (all ? new Map(all.map((c) => [c.id, c])) : null), [all]);
  const { hits: found, failed: searchFailed } = useSearch(props.db, q, byId);
  const hits = useMemo(() => {
    if (!found?.length || !byId) return found;
    return found.map((h) => ({ ...h, conversation: byId.get(h.conversation.id) ?? h.conversation }));
  }, [found, byId]);

  const shown = useMemo(() => {
    if (!conversations) return [];
    const f = fold(q);
    if (!f) return conversations;
    const withHits = new Set((hits ?? []).map((h) => h.conversation.id));
    return conversations.filter((c) => fold(c.title).includes(f) || fold(c.preview).includes(f) || withHits.has(c.id));
  }, [conversations, q, hits]);

  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const [active, setActive] = useState(-1);
  /** The row a keyboard move asked to focus, until it is rendered and focused. */
  const focusRow = useRef<number | null>(null);

  useEffect(() => {
    if (props.focusSearch) searchRef.current?.focus();
  }, [props.focusSearch]);

  // After a keyboard move, the active row takes focus as soon as it is rendered: in the same
  // commit (a layout effect, not a deferred one), so the next key already lands on that row instead
  // of being typed into the search box. A windowed row may appear only a render later.
  useLayoutEffect(() => {
    const want = focusRow.current;
    if (want === null) return;
    const button = listRef.current?.querySelector<HTMLButtonElement>(`li[data-index="${want}"] button`);
    if (!button) return;
    focusRow.current = null;
    button.focus();
  });

  const state = useRef({ shown, active, query });
  state.current = { shown, active, query };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const { shown, active, query } = state.current;
      const inSearch = e.target === searchRef.current;
      const typing = isTypingTarget(e.target);
      if (e.key === '/' && !typing) {
        e.preventDefault();
        searchRef.current?.focus();
        return;
      }
      if (e.key === 'Escape' && inSearch && query) {
        e.preventDefault();
        setQuery('');
        return;
      }
      if (typing && !inSearch) return;
      const down = e.key === 'ArrowDown' || (!typing && e.key === 'j');
      const up = e.key === 'ArrowUp' || (!typing && e.key === 'k');
      if ((down || up) && shown.length) {
        e.preventDefault();
        const from = active >= shown.length ? shown.length - 1 : active;
        const next = down ? Math.min(shown.length - 1, from + 1) : Math.max(0, from - 1);
        setActive(next);
        // Focus now when the row is on screen; otherwise once it has been rendered.
        const button = listRef.current?.querySelector<HTMLButtonElement>(`li[data-index="${next}"] button`);
        if (button) {
          focusRow.current = null;
          button.focus();
        } else {
          focusRow.current = next;
        }
        return;
      }
      // On a row, Enter is the button's own click; from the search box it opens the active row.
      if (e.key === 'Enter' && inSearch) {
        const target = shown[active >= 0 ? active : 0];
        if (target) {
          e.preventDefault();
          props.onOpen(target);
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [props.onOpen]);

  return (
    <section class="inbox" aria-label={s.conversations}>
      <input
        ref={searchRef}
        type="search"
        class="search"
        role="searchbox"
        aria-label={s.search}
        placeholder={s.searchPlaceholder}
        aria-keyshortcuts="/"
        value={query}
        // The search engine loads while the user is still typing the first word.
        onFocus={() => void loadSearch().catch(() => {})}
        onInput={(e) => {
          setQuery((e.target as HTMLInputElement).value);
          setActive(-1);
        }}
      />
      <HealthLines health={health} />
      <InboxSweep db={props.db} />
      {conversations === null && (
        <p class="empty loading" role="status">
          {s.loading}
        </p>
      )}
      {conversations && conversations.length === 0 && <p class="empty">{s.noConversations}</p>}
      {conversations && conversations.length > 0 && shown.length === 0 && <p class="empty">{s.noMatches}</p>}
      <VirtualList
        listRef={listRef}
        class={`conversations${q ? ' narrowed' : ''}`}
        label={s.conversations}
        items={shown}
        complete={complete}
        rowHeight={ROW_HEIGHT}
        activeIndex={active}
        keyOf={(c) => c.id}
        render={(c, i) => (
          <ConversationRow
            c={c}
            selected={c.id === props.selectedId}
            active={i === active}
            onOpen={() => {
              setActive(i);
              props.onOpen(c);
            }}
          />
        )}
      />
      {q && (
        <SearchResults
          hits={hits}
          failed={searchFailed}
          onOpen={(h) => (props.onOpenHit ? props.onOpenHit(h) : props.onOpen(h.conversation))}
        />
      )}
    </section>
  );
}

function SearchResults({ hits, failed, onOpen }: { hits: SearchHit[] | null; failed: boolean; onOpen: (h: SearchHit) => void }) {
  const { s, lang } = useUi();
  return (
    <section class="results" aria-label={s.searchResults}>
      <h2 class="results-head">{s.searchResults}</h2>
      {failed ? (
        <p class="empty" role="alert">
          {s.searchFailed}
        </p>
      ) : hits === null ? (
        <p class="empty" role="status">
          {s.searching}
        </p>
      ) : hits.length === 0 ? (
        <p class="empty">{s.noMessageMatches}</p>
      ) : null}
      <ul role="list" aria-label={s.searchResults}>
        {(hits ?? []).map((h) => {
          const { text, mark } = h.snippet;
          const platform = PLATFORM_LABEL[h.conversation.platform];
          return (
            <li key={h.message.id}>
              <button type="button" class="hit" onClick={() => onOpen(h)}>
                <span class={`platform platform-${h.conversation.platform}`}>{platform}</span>
                <span class="title" dir="auto">
                  {h.conversation.title}
                </span>
                <time class="time">{listTime(h.message.sentAt, lang, s.yesterday)}</time>
                <span class="snippet" dir="auto">
                  {mark ? (
                    <>
                      {text.slice(0, mark[0])}
                      <mark>{text.slice(mark[0], mark[1])}</mark>
                      {text.slice(mark[1])}
                    </>
                  ) : (
                    text
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ConversationRow(props: { c: Conversation; selected: boolean; active: boolean; onOpen: () => void }) {
  const { s, lang } = useUi();
  const { c } = props;
  return (
    <button
      type="button"
      class={`row${c.unread ? ' unread' : ''}${props.active ? ' active' : ''}`}
      aria-current={props.selected ? 'true' : undefined}
      onClick={props.onOpen}
    >
      <span class={`platform platform-${c.platform}`}>{PLATFORM_LABEL[c.platform]}</span>
      <span class="title" dir="auto">
        {c.title}
      </span>
      <time class="time" dateTime={c.lastMessageAt ? new Date(c.lastMessageAt).toISOString() : undefined}>
        {listTime(c.lastMessageAt, lang, s.yesterday)}
      </time>
      <span class="preview" dir="auto">
        {mayHoldArmor(c.preview) ? s.e2ee.preview : c.preview}
      </span>
      {c.unread &&
        (c.unreadCount ? (
          <span class="badge" aria-label={s.unread(c.unreadCount)}>
            {count(c.unreadCount, lang)}
          </span>
        ) : (
          <span class="badge dot" aria-label={s.unreadNoCount} />
        ))}
    </button>
  );
}

function HealthLines({ health }: { health: AdapterHealth[] }) {
  const { s } = useUi();
  const problems = PLATFORMS.map((p) => health.find((h) => h.platform === p)).filter((h): h is AdapterHealth => !!h && h.state !== 'ok');
  return (
    <ul class="health" aria-label={s.platformStatus}>
      {problems.map((h) => (
        <li key={h.platform} class={`health-${h.state}`}>
          {/* The status is a live region inside the item (a list item cannot be one itself). */}
          <span role="status">
            <strong>{PLATFORM_LABEL[h.platform]}</strong>: {s.health[h.state]}
          </span>
          {h.state === 'layout-unknown' && h.layoutReport && (
            <>
              {' '}
              <LayoutReportButton platform={h.platform} report={h.layoutReport} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
