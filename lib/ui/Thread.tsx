// One conversation: its messages as far as the pages have shown them, and a reply box that sends
// through the platform's own composer.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { InboxDb } from '../db';
import { PLATFORM_LABEL, PLATFORM_TEXT_LIMIT, type Conversation, type Message, type OutboxEntry } from '../model';
import { retrySend, sendReply } from './api';
import { useUi } from './context';
import { count, messageTime } from './format';
import { useLive } from './live';
import { outboxOf, thread } from './queries';

export function Thread(props: { db: InboxDb; conversation: Conversation; onBack?: () => void }) {
  const { s } = useUi();
  const c = props.conversation;
  const messages = useLive(() => thread(props.db, c.id), [props.db, c.id], [] as Message[]);
  const outbox = useLive(() => outboxOf(props.db, c.id), [props.db, c.id], [] as OutboxEntry[]);
  const logRef = useRef<HTMLDivElement>(null);

  // Replies still on their way, or sent but not yet read back from the page as a message.
  const stored = new Set(messages.map((m) => m.id));
  const inFlight = outbox.filter((e) => !(e.messageId && stored.has(e.messageId)) && !(e.state === 'sent' && !e.messageId));

  // Stay at the newest message when new ones arrive, unless the user scrolled up to read.
  const stick = useRef(true);
  useEffect(() => {
    const el = logRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages.length, inFlight.length]);

  return (
    <section class="thread">
      <header class="thread-head">
        {props.onBack && (
          <button type="button" class="back" onClick={props.onBack}>
            {s.back}
          </button>
        )}
        <h1 dir="auto">{c.title}</h1>
        <span class={`platform platform-${c.platform}`}>{PLATFORM_LABEL[c.platform]}</span>
      </header>
      <div
        class="log"
        role="log"
        aria-label={s.conversationWith(c.title)}
        tabIndex={0}
        ref={logRef}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {messages.length === 0 && inFlight.length === 0 && <p class="empty">{s.emptyThread}</p>}
        {messages.map((m) => (
          <MessageView key={m.id} m={m} />
        ))}
        {inFlight.map((e) => (
          <OutboxView key={e.id} e={e} />
        ))}
      </div>
      <Composer conversation={c} />
    </section>
  );
}

function MessageView({ m }: { m: Message }) {
  const { s, lang } = useUi();
  if (m.system) {
    return (
      <p class="system" dir="auto">
        {m.text}
      </p>
    );
  }
  const mine = m.sender.isSelf;
  return (
    <article class={`msg ${mine ? 'out' : 'in'}`}>
      <span class="sender" dir="auto">
        {mine ? s.you : m.sender.name}
      </span>
      {m.quote && (
        <blockquote class="quote" dir="auto">
          <span class="sender">{m.quote.sender}</span> {m.quote.text}
        </blockquote>
      )}
      {m.attachments.map((a, i) => (
        <p key={i} class="attachment">
          <span class="attachment-kind">{s.attachment[a.kind]}</span>
          {a.label && a.label !== s.attachment[a.kind] ? `: ${a.label}` : ''}
        </p>
      ))}
      {m.text && (
        <p class="text" dir="auto">
          {m.text}
        </p>
      )}
      {m.truncated && <p class="note">{s.truncated}</p>}
      <footer>
        <time dateTime={m.sentAt ? new Date(m.sentAt).toISOString() : undefined}>{messageTime(m.sentAt, m.timePrecision, lang)}</time>
        {mine && m.status !== 'received' && <span class="status"> · {s[m.status]}</span>}
      </footer>
    </article>
  );
}

function OutboxView({ e }: { e: OutboxEntry }) {
  const { s } = useUi();
  const label = e.state === 'failed' ? s.failed : e.state === 'sent' ? s.sent : s.pending;
  return (
    <article class={`msg out outbox-${e.state}`}>
      <span class="sender">{s.you}</span>
      <p class="text" dir="auto">
        {e.text}
      </p>
      <footer>
        <span class="status">{label}</span>
        {e.state === 'failed' && (
          <>
            {e.detail && <span class="reason">: {e.detail}</span>}
            {e.reason !== 'too-long' && (
              <button type="button" class="retry" onClick={() => void retrySend(e.id)}>
                {s.retry}
              </button>
            )}
          </>
        )}
      </footer>
    </article>
  );
}

function Composer({ conversation }: { conversation: Conversation }) {
  const { s, lang } = useUi();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const limit = PLATFORM_TEXT_LIMIT[conversation.platform];
  const tooLong = text.length > limit;
  const send = async () => {
    const t = text;
    if (!t.trim() || tooLong) return;
    setText('');
    setError('');
    if (!(await sendReply(conversation.id, t))) {
      setText(t);
      setError(s.sendFailedNoReach);
    }
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        aria-label={s.message}
        rows={2}
        dir="auto"
        value={text}
        aria-invalid={tooLong ? 'true' : undefined}
        aria-describedby="composer-help"
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <button type="submit" disabled={!text.trim() || tooLong}>
        {s.send}
      </button>
      <p id="composer-help" class="help">
        {tooLong ? (
          <span role="alert">{s.tooLong(PLATFORM_LABEL[conversation.platform], count(limit, lang))}</span>
        ) : text.length > limit * 0.8 ? (
          s.characters(count(text.length, lang), count(limit, lang))
        ) : null}
        {error && <span role="alert">{error}</span>}
      </p>
    </form>
  );
}
