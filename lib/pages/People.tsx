// Linking one person across platforms, in the thread header: suggestions with Accept (and Undo),
// a search for any other conversation, rename, and unlinking one platform. The page only asks;
// the background writes.
import { useState } from 'preact/hooks';
import type { InboxDb } from '../store/db';
import { PLATFORM_LABEL, type Conversation, type Person } from '../shared/model';
import { suggestLinks } from '../store/people';
import { linkPeople, renamePerson, unlinkConversation } from './api';
import { useUi } from './context';
import { useLive } from './live';
import { fold } from '../store/queries';

const MAX_FOUND = 8;

export function LinkPanel(props: { db: InboxDb; conversation: Conversation; linkedIds: string[]; onClose: () => void }) {
  const { s } = useUi();
  const c = props.conversation;
  const [filter, setFilter] = useState('');
  const [done, setDone] = useState<{ target: Conversation; name: string } | null>(null);
  const [error, setError] = useState('');
  const suggestions = useLive(() => suggestLinks(props.db, c.id), [props.db, c.id, c.personId], null);
  const f = fold(filter.trim());
  const found = useLive(
    async () => {
      if (!f) return [];
      const all = await props.db.conversations.toArray();
      return all.filter((x) => !x.isGroup && !props.linkedIds.includes(x.id) && fold(x.title).includes(f)).slice(0, MAX_FOUND);
    },
    [props.db, f, props.linkedIds.join('\n')],
    [] as Conversation[],
  );

  const accept = async (target: Conversation) => {
    setError('');
    if (await linkPeople([c.id, target.id])) setDone({ target, name: c.title });
    else setError(s.sendFailedNoReach);
  };
  const shownIds = new Set((suggestions ?? []).map((x) => x.conversation.id));
  const candidates = [...(suggestions ?? []).map((x) => x.conversation), ...found.filter((x) => !shownIds.has(x.id))];
  const byKey = new Set((suggestions ?? []).filter((x) => x.reason === 'key').map((x) => x.conversation.id));

  return (
    <section class="link-panel" aria-label={s.linkSuggestions}>
      <h2>{s.linkSuggestions}</h2>
      {suggestions === null && <p role="status">{s.loading}</p>}
      {suggestions && suggestions.length === 0 && !f && <p class="empty">{s.noSuggestions}</p>}
      <input
        type="search"
        class="search"
        aria-label={s.findConversation}
        placeholder={s.findConversation}
        value={filter}
        onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
      />
      <ul class="candidates" aria-label={s.linkSuggestions}>
        {candidates.map((x) => (
          <li key={x.id}>
            <span class={`platform platform-${x.platform}`}>{PLATFORM_LABEL[x.platform]}</span> <span dir="auto">{x.title}</span>{' '}
            {byKey.has(x.id) && <span class="note">{s.sameEncryptionKey}</span>}{' '}
            <button type="button" aria-label={s.acceptLink(x.title, PLATFORM_LABEL[x.platform])} onClick={() => void accept(x)}>
              {s.accept}
            </button>
          </li>
        ))}
      </ul>
      <p role="status" class="link-status">
        {done && (
          <>
            {s.linked(done.name)}{' '}
            <button
              type="button"
              onClick={() => {
                void unlinkConversation(done.target.id);
                setDone(null);
              }}
            >
              {s.undo}
            </button>
          </>
        )}
        {error && <span role="alert">{error}</span>}
      </p>
      <button type="button" onClick={props.onClose}>
        {s.close}
      </button>
    </section>
  );
}

/** The linked conversations of a person, each removable, and the person's name, editable. */
export function PersonBar(props: { person: Person; linked: Conversation[] }) {
  const { s } = useUi();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(props.person.name);
  return (
    <div class="person-bar">
      {editing ? (
        <form
          class="rename"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void renamePerson(props.person.id, name.trim());
            setEditing(false);
          }}
        >
          <label>
            {s.personName} <input value={name} dir="auto" onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit">{s.save}</button>
          <button type="button" onClick={() => setEditing(false)}>
            {s.cancel}
          </button>
        </form>
      ) : (
        <button
          type="button"
          onClick={() => {
            setName(props.person.name);
            setEditing(true);
          }}
        >
          {s.rename}
        </button>
      )}
      <ul class="linked" aria-label={s.alsoOn}>
        {props.linked.map((c) => (
          <li key={c.id}>
            <span class={`platform platform-${c.platform}`}>{PLATFORM_LABEL[c.platform]}</span> <span dir="auto">{c.title}</span>{' '}
            <button
              type="button"
              class="unlink"
              aria-label={s.unlink(`${PLATFORM_LABEL[c.platform]} (${c.title})`)}
              onClick={() => void unlinkConversation(c.id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
