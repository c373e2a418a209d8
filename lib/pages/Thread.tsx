// One conversation: its messages as far as the pages have shown them, and a reply box that sends
// through the platform's own composer.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { InboxDb } from '../store/db';
import { LIMITS, PLATFORM_LABEL, PLATFORM_TEXT_LIMIT, type Conversation, type Message, type OutboxEntry } from '../shared/model';
import { defaultReplyConversation } from '../store/people';
import { threadView, type ThreadView } from '../store/thread-view';
import { retrySend, sendReply } from './api';
import { useUi } from './context';
import type { Language, Strings } from './i18n';
import { count, messageTime } from './format';
import { useLive } from './live';
import { LinkPanel, PersonBar } from './People';
import { THREAD_WINDOW } from '../store/queries';
import { mayHoldArmor } from '../crypto/armor-text';
import type { PlainIndex } from '../store/e2ee/view';
import { e2eeSend } from './e2ee/api';
import { ThreadSweep } from './sweep/ThreadSweep';
import { useThreadStart } from './sweep/state';
import { useSettings } from './useSettings';
import {
  EncryptedBody,
  encryptedMessage,
  encryptedOutbox,
  EncryptionPanel,
  EncryptSwitch,
  useE2eeState,
  usePlaintexts,
} from './e2ee/Encryption';

export function Thread(props: { db: InboxDb; conversation: Conversation; onBack?: () => void; focusMessageId?: string | null }) {
  const { s } = useUi();
  const c = props.conversation;
  const db = props.db;
  const focusId = props.focusMessageId ?? null;
  // Person, links, messages and outbox from one snapshot of the store (lib/store/thread-view.ts).
  const view = useLive(() => threadView(db, c, focusId), [db, c.id, focusId], null as ThreadView | null);
  const person = view?.person ?? null;
  const linked = view?.linked ?? [];
  const merged = view?.merged ?? false;
  const targets = view?.targets ?? [c];
  const messages = view?.messages ?? null;
  const outbox = view?.outbox ?? [];
  const plains = usePlaintexts(
    db,
    targets.map((t) => t.id),
  );
  const logRef = useRef<HTMLDivElement>(null);
  const [linking, setLinking] = useState(false);
  const neverOpen = useSettings()?.openChats === 'never';
  const startReached = useThreadStart(db, c.id);
  const name = person?.name ?? c.title;

  // Replies still on their way, or sent but not yet read back from the page as a message.
  // A bubble the app itself marked "Not sent" is shown once: as the failed reply, with its reason
  // and Retry, not a second time as a message read from the page.
  const refused = new Set(outbox.filter((e) => e.state === 'failed' && e.reason === 'app-not-sent').map((e) => e.text));
  const list = (messages ?? []).filter((m) => !(m.status === 'failed' && m.sender.isSelf && refused.has(m.text)));
  const stored = new Set(list.map((m) => m.id));
  const inFlight = outbox.filter((e) => !(e.messageId && stored.has(e.messageId)) && !(e.state === 'sent' && !e.messageId));

  // Stay at the newest message when new ones arrive, unless the user scrolled up to read, or we
  // were asked to show one message (a search result).
  const stick = useRef(!focusId);
  const focused = useRef<string | null>(null);
  useEffect(() => {
    const el = logRef.current;
    if (!el) return;
    if (focusId && focused.current !== focusId) {
      const target = el.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(focusId)}"]`);
      if (!target) return;
      focused.current = focusId;
      stick.current = false;
      target.scrollIntoView?.({ block: 'center' });
      target.focus({ preventScroll: true });
      return;
    }
    if (stick.current) el.scrollTop = el.scrollHeight;
  }, [list.length, inFlight.length, focusId]);

  return (
    <section class="thread">
      <header class="thread-head">
        {props.onBack && (
          <button type="button" class="back" onClick={props.onBack} aria-keyshortcuts="Escape">
            {s.back}
          </button>
        )}
        <h1 dir="auto">{name}</h1>
        {!merged && <span class={`platform platform-${c.platform}`}>{PLATFORM_LABEL[c.platform]}</span>}
        {!c.isGroup && (
          <button type="button" class="link-to" aria-expanded={linking ? 'true' : 'false'} onClick={() => setLinking(!linking)}>
            {s.linkTo}
          </button>
        )}
      </header>
      {person && linked.length > 0 && <PersonBar person={person} linked={linked} />}
      {linking && <LinkPanel db={db} conversation={c} linkedIds={linked.map((x) => x.id)} onClose={() => setLinking(false)} />}
      {!merged && !c.isGroup && <EncryptionPanel db={db} conversation={c} name={name} />}
      {messages && <ThreadSweep db={db} conversation={c} empty={list.length === 0} />}
      <div
        class="log"
        role="log"
        aria-label={s.conversationWith(name)}
        aria-busy={messages === null ? 'true' : undefined}
        tabIndex={0}
        ref={logRef}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {messages === null && (
          <p class="empty" role="status">
            {s.loading}
          </p>
        )}
        {/* The whole history is here only when the window starts at its first message. */}
        {messages && list.length > 0 && !merged && startReached && messages.length < THREAD_WINDOW && (
          <p class="thread-start">{s.sweep.startOfConversation}</p>
        )}
        {messages && list.length === 0 && inFlight.length === 0 && (
          <p class="empty">{neverOpen ? s.emptyThread : s.sweep.nothingReadYet}</p>
        )}
        {list.map((m) => (
          <MessageView key={m.id} m={m} showPlatform={merged} highlight={m.id === focusId} plains={plains} />
        ))}
        {inFlight.map((e) => (
          <OutboxView key={e.id} e={e} showPlatform={merged} plains={plains} />
        ))}
      </div>
      <Composer db={db} targets={targets} current={c} />
    </section>
  );
}

function MessageView({
  m,
  showPlatform,
  highlight,
  plains,
}: {
  m: Message;
  showPlatform: boolean;
  highlight: boolean;
  plains: PlainIndex;
}) {
  const { s, lang } = useUi();
  // Encrypted: the plaintext comes from the background's cache; the page's ciphertext is never shown.
  const encrypted = m.system ? null : encryptedMessage(m, plains);
  if (encrypted?.hidden) return null;
  if (m.system) {
    return (
      <p class="system" dir="auto">
        {m.text}
      </p>
    );
  }
  const mine = m.sender.isSelf;
  return (
    <article
      class={`msg ${mine ? 'out' : 'in'}${highlight ? ' highlight' : ''}`}
      data-message-id={m.id}
      tabIndex={highlight ? -1 : undefined}
      aria-current={highlight ? 'true' : undefined}
    >
      {showPlatform && <span class={`platform platform-${m.platform}`}>{PLATFORM_LABEL[m.platform]} </span>}
      <span class="sender" dir="auto">
        {mine ? s.you : m.sender.name}
      </span>
      {m.quote && (
        <blockquote class="quote" dir="auto">
          <span class="sender">{m.quote.sender}</span> {mayHoldArmor(m.quote.text) ? s.e2ee.preview : m.quote.text}
        </blockquote>
      )}
      {m.attachments.map((a, i) => (
        <p key={i} class="attachment">
          <span class="attachment-kind">{s.attachment[a.kind]}</span>
          {a.label && a.label !== s.attachment[a.kind] ? `: ${a.label}` : ''}
        </p>
      ))}
      {encrypted ? (
        <EncryptedBody view={encrypted.view} />
      ) : (
        m.text && (
          <p class="text" dir="auto">
            {m.text}
          </p>
        )
      )}
      {m.truncated && <p class="note">{s.truncated}</p>}
      <Reactions reactions={m.reactions} />
      <footer>
        <time dateTime={m.sentAt ? new Date(m.sentAt).toISOString() : undefined}>{messageTime(m.sentAt, m.timePrecision, lang)}</time>
        {mine && m.status !== 'received' && <span class="status"> · {s[m.status]}</span>}
      </footer>
    </article>
  );
}

/** Reactions under a message as the page showed them ("👍 2 ❤️ 1"), named for screen readers. */
function Reactions({ reactions }: { reactions: Message['reactions'] }) {
  const { s, lang } = useUi();
  const shown = (reactions ?? []).filter((r) => r.emoji.trim());
  if (shown.length === 0) return null;
  const items = shown.map((r) => (r.count > 0 ? `${r.emoji} ${count(r.count, lang)}` : r.emoji));
  return (
    <p class="reactions" role="note" aria-label={s.reactions(items.join(', '))}>
      {items.join(' ')}
    </p>
  );
}

function OutboxView({ e, showPlatform, plains }: { e: OutboxEntry; showPlatform: boolean; plains: PlainIndex }) {
  const { s, lang } = useUi();
  const encrypted = encryptedOutbox(e, plains);
  if (encrypted?.hidden) return null;
  const label = e.state === 'failed' ? s.failed : e.state === 'sent' ? s.sent : s.pending;
  return (
    <article class={`msg out outbox-${e.state}`}>
      {showPlatform && <span class={`platform platform-${e.platform}`}>{PLATFORM_LABEL[e.platform]} </span>}
      <span class="sender">{s.you}</span>
      {encrypted ? (
        <EncryptedBody view={encrypted.view} />
      ) : (
        <p class="text" dir="auto">
          {e.text}
        </p>
      )}
      <footer>
        <span class="status">{label}</span>
        {e.state === 'failed' && (
          <>
            {(e.reason || e.detail) && <span class="reason">: {failureText(e, s, lang)}</span>}
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

/**
 * A failed reply's reason in the user's language, from its code whenever it has one (entries
 * stored before codes-only also hold English text in `detail`: never shown over the code); a page's
 * free-text message without a code is shown as it came.
 */
function failureText(e: OutboxEntry, s: Strings, lang: Language): string {
  if (!e.reason) return e.detail ?? '';
  return s.sendFailure[e.reason](PLATFORM_LABEL[e.platform], count(PLATFORM_TEXT_LIMIT[e.platform], lang));
}

function Composer(props: { db: InboxDb; targets: Conversation[]; current: Conversation }) {
  const { s, lang } = useUi();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  // The platform a reply goes through: the user's pick, else the one they last sent through.
  const [picked, setPicked] = useState<string | null>(null);
  const targetKey = props.targets.map((t) => t.id).join('\n');
  const lastUsed = useLive(() => defaultReplyConversation(props.db, props.targets), [props.db, targetKey], null as string | null);
  const conversation = props.targets.find((t) => t.id === picked) ?? props.targets.find((t) => t.id === lastUsed) ?? props.current;
  const e2ee = useE2eeState(props.db, conversation.id);
  const encryptOn = e2ee?.status === 'active' && e2ee.encrypt;
  // The contact's key changed (verified or not): nothing is encrypted to it until accepted.
  const blocked = encryptOn && e2ee.keyChanged;
  // Encrypted text is split into parts that fit the platform, so only our own cap applies.
  const limit = encryptOn ? LIMITS.outgoingChars : PLATFORM_TEXT_LIMIT[conversation.platform];
  const tooLong = text.length > limit;
  const send = async () => {
    const t = text;
    if (!t.trim() || tooLong || blocked) return;
    setText('');
    setError('');
    if (encryptOn) {
      const r = await e2eeSend(conversation.id, t);
      if (!r.ok) {
        setText(t);
        setError(s.e2ee.failed(r.error));
      }
      return;
    }
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
      {props.targets.length > 1 && (
        <label class="send-via">
          {s.sendVia}{' '}
          <select value={conversation.id} onChange={(e) => setPicked((e.target as HTMLSelectElement).value)}>
            {props.targets.map((t) => (
              <option key={t.id} value={t.id}>
                {PLATFORM_LABEL[t.platform]}
                {props.targets.filter((x) => x.platform === t.platform).length > 1 ? ` (${t.title})` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
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
      {e2ee?.status === 'active' && <EncryptSwitch state={e2ee} />}
      <button type="submit" disabled={!text.trim() || tooLong || blocked}>
        {s.send}
      </button>
      <p id="composer-help" class="help">
        {tooLong ? (
          <span role="alert">{s.tooLong(PLATFORM_LABEL[conversation.platform], count(limit, lang))}</span>
        ) : text.length > limit * 0.8 ? (
          s.characters(count(text.length, lang), count(limit, lang))
        ) : null}
        {blocked && <span role="alert">{s.e2ee.keyChangedBlocked}</span>}
        {error && <span role="alert">{error}</span>}
      </p>
    </form>
  );
}
