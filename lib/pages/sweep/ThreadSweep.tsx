// In an open thread: "Load older messages" (or "Read this chat" when nothing of it was read yet),
// which brings the chat up in its tab on this click only. While it runs: a progress bar named
// "Loading messages" (found of 200) and Cancel. The first use asks (ConsentDialog); "Never open
// chats for me" hides the buttons until Settings turns it back.
import { useRef, useState } from 'preact/hooks';
import type { InboxDb } from '../../store/db';
import type { Conversation } from '../../shared/model';
import { setSettings } from '../../shared/settings';
import { OLDER_MESSAGES_PER_RUN } from '../../shared/sweep';
import { useUi } from '../context';
import { count } from '../format';
import { useSettings } from '../useSettings';
import { ConsentDialog, type ConsentAnswer } from './Consent';
import { outcomeText, refusalText } from './outcome';
import { cancelSweep, outcomeWorthSaying, startSweep, useOpenedAt, useSweeps, useThreadStart } from './state';

type Kind = 'older' | 'chat';

export function ThreadSweep(props: { db: InboxDb; conversation: Conversation; empty: boolean }) {
  const { s, lang } = useUi();
  const c = props.conversation;
  const settings = useSettings();
  const view = useSweeps(props.db);
  const startReached = useThreadStart(props.db, c.id);
  const openedAt = useOpenedAt();
  const [asking, setAsking] = useState<Kind | null>(null);
  const [notice, setNotice] = useState('');
  const opener = useRef<HTMLButtonElement>(null);

  const record = view?.records[c.platform];
  const mine = record && record.kind !== 'chats' && record.conversationId === c.id ? record : null;
  const running = mine?.state === 'running' ? mine : null;
  const kind: Kind = props.empty ? 'chat' : 'older';
  const offered = settings !== null && settings.openChats !== 'never' && !(startReached && !props.empty);

  const run = async (k: Kind) => {
    setNotice('');
    setNotice(refusalText(await startSweep({ kind: k, conversationId: c.id }), c.platform, s));
  };
  const onClick = () => {
    if (settings?.openChats === 'allow') void run(kind);
    else setAsking(kind);
  };
  const onAnswer = async (answer: ConsentAnswer) => {
    const k = asking;
    setAsking(null);
    opener.current?.focus();
    if (answer === 'cancel' || !k) return;
    try {
      await setSettings({ openChats: answer === 'open' ? 'allow' : 'never' });
    } catch (e) {
      console.error('[unified-inbox] settings not saved', e);
      setNotice(s.settingsSaveFailed);
      return;
    }
    if (answer === 'open') await run(k);
  };

  const status = notice || (mine && !running && outcomeWorthSaying(mine, openedAt) ? outcomeText(mine, s, lang) : '');
  return (
    <div class="thread-sweep">
      {running ? (
        <>
          {running.kind === 'older' ? (
            <progress
              class="sweep-progress"
              aria-label={s.sweep.loadingMessages}
              max={OLDER_MESSAGES_PER_RUN}
              value={Math.min(running.found, OLDER_MESSAGES_PER_RUN)}
              aria-valuetext={s.sweep.loadingValue(count(running.found, lang), count(OLDER_MESSAGES_PER_RUN, lang))}
            />
          ) : (
            <progress
              class="sweep-progress"
              aria-label={s.sweep.loadingMessages}
              aria-valuetext={s.sweep.loadingValueOpen(count(running.found, lang))}
            />
          )}
          <button type="button" onClick={() => void cancelSweep()}>
            {s.sweep.cancel}
          </button>
        </>
      ) : (
        offered && (
          <button type="button" ref={opener} aria-haspopup={settings.openChats === 'ask' ? 'dialog' : undefined} onClick={onClick}>
            {props.empty ? s.sweep.readThisChat : s.sweep.loadOlder}
          </button>
        )
      )}
      <p class="sweep-status" role="status">
        {status}
      </p>
      {asking && <ConsentDialog onAnswer={(a) => void onAnswer(a)} />}
    </div>
  );
}
