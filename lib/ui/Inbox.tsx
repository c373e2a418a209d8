// The combined conversation list: every platform, newest first, with unread counts.
import { useMemo, useState } from 'preact/hooks';
import type { InboxDb } from '../db';
import { PLATFORM_LABEL, PLATFORMS, type AdapterHealth, type Conversation } from '../model';
import { useUi } from './context';
import { count, listTime } from './format';
import { useLive } from './live';
import { fold, healthAll, inbox } from './queries';

export function Inbox(props: { db: InboxDb; onOpen: (c: Conversation) => void; selectedId?: string | null }) {
  const { s } = useUi();
  const [query, setQuery] = useState('');
  const conversations = useLive(() => inbox(props.db), [props.db], null as Conversation[] | null);
  const health = useLive(() => healthAll(props.db), [props.db], [] as AdapterHealth[]);
  const matches = useLive(() => searchMessages(props.db, query), [props.db, query], null as Set<string> | null);

  const shown = useMemo(() => {
    if (!conversations) return [];
    const q = fold(query.trim());
    if (!q) return conversations;
    return conversations.filter((c) => fold(c.title).includes(q) || fold(c.preview).includes(q) || matches?.has(c.id));
  }, [conversations, query, matches]);

  return (
    <section class="inbox" aria-label={s.conversations}>
      <input
        type="search"
        class="search"
        role="searchbox"
        aria-label={s.search}
        placeholder={s.searchPlaceholder}
        value={query}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
      />
      <HealthLines health={health} />
      {conversations && conversations.length === 0 && <p class="empty">{s.noConversations}</p>}
      {conversations && conversations.length > 0 && shown.length === 0 && <p class="empty">{s.noMatches}</p>}
      <ul class="conversations" aria-label={s.conversations}>
        {shown.map((c) => (
          <li key={c.id}>
            <ConversationRow c={c} selected={c.id === props.selectedId} onOpen={() => props.onOpen(c)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Conversation ids with a message containing the query (accent- and case-insensitive). */
async function searchMessages(db: InboxDb, query: string): Promise<Set<string> | null> {
  const q = fold(query.trim());
  if (q.length < 2) return null;
  const ids = new Set<string>();
  await db.messages.each((m) => {
    if (!ids.has(m.conversationId) && fold(m.text).includes(q)) ids.add(m.conversationId);
  });
  return ids;
}

function ConversationRow({ c, selected, onOpen }: { c: Conversation; selected: boolean; onOpen: () => void }) {
  const { s, lang } = useUi();
  return (
    <button type="button" class={`row${c.unread ? ' unread' : ''}`} aria-current={selected ? 'true' : undefined} onClick={onOpen}>
      <span class={`platform platform-${c.platform}`}>{PLATFORM_LABEL[c.platform]}</span>
      <span class="title" dir="auto">
        {c.title}
      </span>
      <time class="time" dateTime={c.lastMessageAt ? new Date(c.lastMessageAt).toISOString() : undefined}>
        {listTime(c.lastMessageAt, lang, s.yesterday)}
      </time>
      <span class="preview" dir="auto">
        {c.preview}
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
  const problems = PLATFORMS.map((p) => health.find((h) => h.platform === p)).filter(
    (h): h is AdapterHealth => !!h && h.state !== 'ok',
  );
  return (
    <ul class="health" aria-label={s.platformStatus}>
      {problems.map((h) => (
        <li key={h.platform} role="status" class={`health-${h.state}`}>
          <strong>{PLATFORM_LABEL[h.platform]}</strong>: {s.health[h.state]}
        </li>
      ))}
    </ul>
  );
}
