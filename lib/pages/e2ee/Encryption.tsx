// The encryption layer in the thread view: start / accept / verify controls, the key-change
// warning, the composer's Encrypt switch, and encrypted messages shown from the plaintext cache
// (never their ciphertext). Plaintext is rendered only here, in the extension's own page, as text.
import { useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { InboxDb } from '../../store/db';
import { findArmored } from '../../crypto/armor';
import { mayHoldArmor } from '../../crypto/armor-text';
import type { E2eeConversation } from '../../store/records';
import { type LockState, MIN_PASSPHRASE_CHARS, sessionStorageKeyStore } from '../../store/e2ee/lock';
import {
  armorViewKey,
  groupSafetyNumber,
  type PlainIndex,
  type PlainView,
  readE2eeState,
  readLockState,
  readPlaintexts,
} from '../../store/e2ee/view';
import type { Conversation, Message, OutboxEntry } from '../../shared/model';
import { useUi } from '../context';
import { useLive } from '../live';
import {
  e2eeAccept,
  e2eeAcceptKeyChange,
  e2eeAnswerInit,
  e2eeDecline,
  e2eeLock,
  type E2eeResult,
  e2eeSetEncrypt,
  e2eeSetPassphrase,
  e2eeStart,
  e2eeUnlock,
  e2eeVerify,
} from './api';

const EMPTY: PlainIndex = { byMessage: new Map(), byArmor: new Map() };

export function useE2eeState(db: InboxDb, conversationId: string): E2eeConversation | null {
  return useLive(() => readE2eeState(db, conversationId), [db, conversationId], null as E2eeConversation | null);
}

/** With a passphrase lock, the unlocked key is in the browser's session storage (extension contexts only). */
function unlockedKey(): Promise<Uint8Array | null> {
  return sessionStorageKeyStore(browser.storage.session)
    .get()
    .catch(() => null);
}

export function usePlaintexts(db: InboxDb, conversationIds: readonly string[]): PlainIndex {
  const key = conversationIds.join('\n');
  return useLive(() => readPlaintexts(db, conversationIds, unlockedKey), [db, key], EMPTY);
}

export function useLockState(db: InboxDb): LockState | null {
  return useLive(() => readLockState(db, unlockedKey), [db], null as LockState | null);
}

/**
 * The "not from this chat" verdict in place of `view`: a verdict holds only in the conversation
 * and direction it was reached in, and the bubble's sender comes from the page.
 */
function notFromHere(view: PlainView): PlainView {
  return { ...view, kind: 'message', state: 'modified', text: null, reason: 'not-this-chat' };
}

/** How to show a stored message: null = an ordinary message; hidden = a further part of another. */
export function encryptedMessage(
  m: Pick<Message, 'id' | 'text' | 'encrypted' | 'conversationId' | 'sender'>,
  plains: PlainIndex,
): { view: PlainView | null; hidden: boolean } | null {
  if (!m.encrypted && !mayHoldArmor(m.text)) return null;
  let view = plains.byMessage.get(m.id) ?? null;
  // The background binds verdicts already; this holds even if a bubble's sender changed later.
  if (view && (view.conversationId !== m.conversationId || view.direction !== (m.sender.isSelf ? 'out' : 'in'))) view = notFromHere(view);
  return { view, hidden: view?.state === 'part' };
}

/** Our own encrypted send still in the outbox: found by its ciphertext's armor id, in its conversation. */
export function encryptedOutbox(
  e: Pick<OutboxEntry, 'text' | 'conversationId'>,
  plains: PlainIndex,
): { view: PlainView | null; hidden: boolean } | null {
  if (!mayHoldArmor(e.text)) return null;
  const part = findArmored(e.text).parts[0];
  let view = part ? (plains.byArmor.get(armorViewKey(e.conversationId, part.messageId)) ?? null) : null;
  if (view && view.direction !== 'out') view = notFromHere(view);
  // Only the first part of a multi-part send stands for the message.
  return { view, hidden: (part?.index ?? 0) > 0 };
}

export function EncryptedBody({ view }: { view: PlainView | null }) {
  const { s } = useUi();
  const t = s.e2ee;
  if (!view) return <p class="note e2ee-note">{t.pendingRead}</p>;
  if (view.kind === 'invite') return <p class="note e2ee-note">{t.invitation}</p>;
  if (view.kind === 'handshake' && view.state === 'ok') return <p class="note e2ee-note">{t.sessionStarted}</p>;
  switch (view.state) {
    case 'ok':
      // Read before, but the cache cannot be opened right now (the passphrase lock is closed).
      if (view.text === null) return <p class="note e2ee-note">{t.pendingRead}</p>;
      return (
        <>
          <span class="e2ee-lock">{t.encryptedLabel}</span>
          <p class="text" dir="auto">
            {view.text ?? ''}
          </p>
        </>
      );
    case 'pending':
      if (view.reason === 'consent') return <p class="note e2ee-note">{t.waitingConsent}</p>;
      return <p class="note e2ee-note">{view.partTotal > 1 ? t.waitingParts(view.partsSeen, view.partTotal) : t.pendingRead}</p>;
    case 'modified':
      return <p class="note e2ee-warn">{view.reason === 'not-this-chat' ? t.notThisChat : t.modified}</p>;
    default:
      return <p class="note e2ee-note">{undecryptableText(t, view.reason)}</p>;
  }
}

function undecryptableText(t: ReturnType<typeof useUi>['s']['e2ee'], reason: string | undefined): string {
  if (reason === 'own') return t.ownElsewhere;
  if (reason === 'declined') return t.declinedInit;
  if (reason === 'parts-dropped') return t.partsDropped;
  return t.undecryptable;
}

async function report(result: Promise<E2eeResult>, setError: (e: string) => void, failed: (why: string) => string) {
  const r = await result;
  setError(r.ok ? '' : failed(r.error));
}

/** Above the messages: invitation, safety number, key-change warning. */
export function EncryptionPanel(props: { db: InboxDb; conversation: Conversation; name: string }) {
  const { s } = useUi();
  const t = s.e2ee;
  const c = props.conversation;
  const state = useE2eeState(props.db, c.id);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (work: Promise<E2eeResult>) => {
    setBusy(true);
    await report(work, setError, t.failed);
    setBusy(false);
  };
  const lock = useLockState(props.db);
  const invite = state?.incomingInvite ?? null;
  const request = state?.incomingInit ?? null;
  const active = state?.status === 'active';
  // Once shown, the lock controls stay (setting a passphrase ends the sessions, and the two live
  // reads may update one render apart: unmounting would close them and lose the confirmation).
  const showLock = useRef(false);
  if (active || lock === 'unlocked') showLock.current = true;
  if (lock === 'locked') {
    return (
      <section class="e2ee" aria-label={t.section}>
        <UnlockForm />
      </section>
    );
  }
  return (
    <section class="e2ee" aria-label={t.section}>
      {invite && (
        <div class="e2ee-invite" role="group" aria-label={t.invitation}>
          <p>{t.wantsToEncrypt(props.name)}</p>
          {invite.keyChanged && <p class="e2ee-warn">{t.inviteKeyChanged}</p>}
          <button type="button" disabled={busy} onClick={() => void run(e2eeAccept(c.id))}>
            {t.accept}
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => void run(e2eeDecline(c.id))}>
            {t.decline}
          </button>
        </div>
      )}
      {request && (
        <div class="e2ee-invite" role="group" aria-label={t.initRequest}>
          <p>{t.wantsToSetUp(props.name)}</p>
          <p class="help">{t.initRequestHelp}</p>
          {request.keyChanged && <p class="e2ee-warn">{t.initKeyChanged}</p>}
          <button type="button" disabled={busy} onClick={() => void run(e2eeAnswerInit(c.id, true))}>
            {t.accept}
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => void run(e2eeAnswerInit(c.id, false))}>
            {t.decline}
          </button>
        </div>
      )}
      {state?.keyChanged && (
        <div class="e2ee-keychange" role="alert">
          <p>{t.keyChanged(props.name)}</p>
          <p>{t.keyChangedBlocked}</p>
          <button type="button" disabled={busy} onClick={() => void run(e2eeAcceptKeyChange(c.id))}>
            {t.acceptNewKey}
          </button>
        </div>
      )}
      {!active && !invite && !request && (
        <div class="e2ee-start">
          {state?.status === 'invited' && <p role="status">{t.invited}</p>}
          <button type="button" disabled={busy} onClick={() => void run(e2eeStart(c.id))}>
            {state?.status === 'invited' ? t.inviteAgain : t.startEncryption}
          </button>
          <p class="help">{t.startHelp}</p>
        </div>
      )}
      {active && state.safetyNumber && <SafetyNumber state={state} name={props.name} busy={busy} run={run} />}
      {lock && showLock.current && <LockSettings lock={lock} />}
      {error && (
        <p class="e2ee-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function SafetyNumber(props: { state: E2eeConversation; name: string; busy: boolean; run: (w: Promise<E2eeResult>) => Promise<void> }) {
  const { s } = useUi();
  const t = s.e2ee;
  const number = props.state.safetyNumber!;
  const groups = groupSafetyNumber(number);
  return (
    <details class="e2ee-safety">
      <summary>
        <span class="e2ee-lock">{t.active}</span> · {props.state.verified ? t.verified : t.notVerified}
      </summary>
      <p class="help">{t.safetyHelp(props.name)}</p>
      <p class="safety-number" role="group" aria-label={t.safetyNumber} data-safety-number={number}>
        {groups.map((g, i) => (
          <span key={i} class="safety-group">
            {g}
          </span>
        ))}
      </p>
      {!props.state.verified && !props.state.keyChanged && (
        <button type="button" disabled={props.busy} onClick={() => void props.run(e2eeVerify(props.state.conversationId, number))}>
          {t.markVerified}
        </button>
      )}
    </details>
  );
}

/** The composer's Encrypt switch (shown once a session exists). */
export function EncryptSwitch(props: { state: E2eeConversation }) {
  const { s } = useUi();
  const on = props.state.encrypt;
  return (
    <button
      type="button"
      role="switch"
      class="e2ee-switch"
      aria-checked={on ? 'true' : 'false'}
      onClick={() => void e2eeSetEncrypt(props.state.conversationId, !on)}
    >
      {s.e2ee.encrypt}
    </button>
  );
}

function UnlockForm() {
  const { s } = useUi();
  const t = s.e2ee;
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="e2ee-lock-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const r = await e2eeUnlock(passphrase);
        setBusy(false);
        if (r.ok) setPassphrase('');
        setError(r.ok ? '' : r.error === 'wrong passphrase' ? t.wrongPassphrase : t.failed(r.error));
      }}
    >
      <p role="status">{t.locked}</p>
      <label>
        {t.passphrase}{' '}
        <input
          type="password"
          autocomplete="current-password"
          value={passphrase}
          onInput={(e) => setPassphrase((e.target as HTMLInputElement).value)}
        />
      </label>{' '}
      <button type="submit" disabled={busy || passphrase === ''}>
        {t.unlock}
      </button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function LockSettings({ lock }: { lock: LockState }) {
  const { s } = useUi();
  const t = s.e2ee;
  const [passphrase, setPassphrase] = useState('');
  const [message, setMessage] = useState('');
  const [replaced, setReplaced] = useState(false);
  const [busy, setBusy] = useState(false);
  const short = passphrase.length < MIN_PASSPHRASE_CHARS;
  return (
    <details class="e2ee-lock-settings">
      <summary>{t.lockSection}</summary>
      <p class="help">{t.lockHelp}</p>
      <p class="help" id="e2ee-passphrase-keys">
        {t.passphraseReplacesKeys}
      </p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (short) return;
          setBusy(true);
          const r = await e2eeSetPassphrase(passphrase);
          setBusy(false);
          if (r.ok) setPassphrase('');
          setReplaced(r.ok);
          setMessage(r.ok ? t.passphraseSet : t.failed(r.error));
        }}
      >
        <label>
          {lock === 'none' ? t.newPassphrase : t.changePassphrase}{' '}
          <input
            type="password"
            autocomplete="new-password"
            minLength={MIN_PASSPHRASE_CHARS}
            value={passphrase}
            aria-describedby="e2ee-passphrase-help e2ee-passphrase-keys"
            onInput={(e) => setPassphrase((e.target as HTMLInputElement).value)}
          />
        </label>{' '}
        <button type="submit" disabled={busy || short}>
          {t.setPassphrase}
        </button>
        <p id="e2ee-passphrase-help" class="help">
          {t.passphraseRule(MIN_PASSPHRASE_CHARS)}
        </p>
      </form>
      {lock === 'unlocked' && (
        <button type="button" onClick={() => void e2eeLock()}>
          {t.lockNow}
        </button>
      )}
      {message && (
        <p role="status">
          <span>{message}</span>
          {replaced && (
            <>
              {' '}
              <span>{t.keysReplaced}</span>
            </>
          )}
        </p>
      )}
    </details>
  );
}
