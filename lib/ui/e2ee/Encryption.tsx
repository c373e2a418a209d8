// The encryption layer in the thread view: start / accept / verify controls, the key-change
// warning, the composer's Encrypt switch, and encrypted messages shown from the plaintext cache
// (never their ciphertext). Plaintext is rendered only here, in the extension's own page, as text.
import { useState } from 'preact/hooks';
import type { InboxDb } from '../../db';
import { findArmored } from '../../crypto/armor';
import { mayHoldArmor } from '../../e2ee/detect';
import type { E2eeConversation } from '../../e2ee/types';
import { groupSafetyNumber, type PlainIndex, type PlainView, readE2eeState, readPlaintexts } from '../../e2ee/view';
import type { Conversation, Message, OutboxEntry } from '../../model';
import { useUi } from '../context';
import { useLive } from '../live';
import { e2eeAccept, e2eeAcceptKeyChange, e2eeDecline, type E2eeResult, e2eeSetEncrypt, e2eeStart, e2eeVerify } from './api';

const EMPTY: PlainIndex = { byMessage: new Map(), byArmor: new Map() };

export function useE2eeState(db: InboxDb, conversationId: string): E2eeConversation | null {
  return useLive(() => readE2eeState(db, conversationId), [db, conversationId], null as E2eeConversation | null);
}

export function usePlaintexts(db: InboxDb, conversationIds: readonly string[]): PlainIndex {
  const key = conversationIds.join('\n');
  return useLive(() => readPlaintexts(db, conversationIds), [db, key], EMPTY);
}

/** How to show a stored message: null = an ordinary message; hidden = a further part of another. */
export function encryptedMessage(m: Pick<Message, 'id' | 'text' | 'encrypted'>, plains: PlainIndex): { view: PlainView | null; hidden: boolean } | null {
  if (!m.encrypted && !mayHoldArmor(m.text)) return null;
  const view = plains.byMessage.get(m.id) ?? null;
  return { view, hidden: view?.state === 'part' };
}

/** Our own encrypted send still in the outbox: found by its ciphertext's armor id. */
export function encryptedOutbox(e: Pick<OutboxEntry, 'text'>, plains: PlainIndex): { view: PlainView | null; hidden: boolean } | null {
  if (!mayHoldArmor(e.text)) return null;
  const part = findArmored(e.text).parts[0];
  const view = part ? (plains.byArmor.get(part.messageId) ?? null) : null;
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
      return (
        <>
          <span class="e2ee-lock">{t.encryptedLabel}</span>
          <p class="text" dir="auto">
            {view.text ?? ''}
          </p>
        </>
      );
    case 'pending':
      return <p class="note e2ee-note">{view.partTotal > 1 ? t.waitingParts(view.partsSeen, view.partTotal) : t.pendingRead}</p>;
    case 'modified':
      return <p class="note e2ee-warn">{t.modified}</p>;
    default:
      return <p class="note e2ee-note">{view.reason === 'own' ? t.ownElsewhere : t.undecryptable}</p>;
  }
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
  const invite = state?.incomingInvite ?? null;
  const active = state?.status === 'active';
  return (
    <section class="e2ee" aria-label={t.active}>
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
      {state?.keyChanged && (
        <div class="e2ee-keychange" role="alert">
          <p>{t.keyChanged(props.name)}</p>
          {state.verified && <p>{t.keyChangedBlocked}</p>}
          <button type="button" disabled={busy} onClick={() => void run(e2eeAcceptKeyChange(c.id))}>
            {t.acceptNewKey}
          </button>
        </div>
      )}
      {!active && !invite && (
        <div class="e2ee-start">
          {state?.status === 'invited' && <p role="status">{t.invited}</p>}
          <button type="button" disabled={busy} onClick={() => void run(e2eeStart(c.id))}>
            {state?.status === 'invited' ? t.inviteAgain : t.startEncryption}
          </button>
          <p class="help">{t.startHelp}</p>
        </div>
      )}
      {active && state.safetyNumber && <SafetyNumber state={state} name={props.name} busy={busy} run={run} />}
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
