// The inbox application shared by the popup (one pane at a time) and the side panel (list and
// thread side by side when there is room).
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { InboxDb } from '../store/db';
import type { Conversation } from '../shared/model';
import type { SearchHit } from '../store/search';
import { Ui } from './context';
import { useStrings, type Language } from './i18n';
import { languageFor } from './first-paint';
import { earlyLanguageChoice } from './first-rows';
import { Inbox } from './Inbox';
import { isTypingTarget } from './keys';
import { lazy, whenIdle } from './lazy';
import { useLive } from './live';
import { conversationOrSuccessor } from '../store/queries';
import { OptionsButton } from './OptionsButton';
import { SidePanelButton } from './SidePanelButton';
import { StorageAlert } from './StorageAlert';
import { useSettings } from './useSettings';

// The thread view (messages, composer, people linking, encryption and its crypto packages) is a
// chunk of its own: the popup opens on the list, and loads it when idle or when a thread opens.
const ThreadView = lazy(() => import('./Thread').then((m) => m.Thread));

/** `?open=<conversationId>` (e.g. from a notification) opens that thread first. */
function initialOpenId(): string | null {
  try {
    return new URLSearchParams(globalThis.location?.search ?? '').get('open');
  } catch {
    return null;
  }
}

export function App(props: { db: InboxDb; layout: 'popup' | 'panel'; language?: Language }) {
  // The language chosen in Options, else the browser's. Until the settings are read here, the
  // choice the early script read (the first frame it painted is in that language too).
  const [early] = useState(earlyLanguageChoice);
  const chosen = useSettings()?.uiLanguage ?? early;
  const { lang, s } = useStrings(props.language ?? languageFor(chosen));
  const [openId, setOpenId] = useState<string | null>(initialOpenId);
  const [focusMessageId, setFocusMessageId] = useState<string | null>(null);
  const [focusSearch, setFocusSearch] = useState(0);
  // Follow the stored record so title/preview changes show while the thread is open.
  const open = useLive(
    async () => (openId ? await conversationOrSuccessor(props.db, openId) : null),
    [props.db, openId],
    undefined as Conversation | null | undefined,
  );
  // The open chat was folded into its real one (see conversationOrSuccessor): follow it.
  useEffect(() => {
    if (open && openId && open.id !== openId) setOpenId(open.id);
  }, [open, openId]);
  useEffect(() => whenIdle(() => void ThreadView.preload().catch(() => {})), []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = s.appName;
  }, [lang]);

  const onOpen = useCallback((c: Conversation) => {
    setFocusMessageId(null);
    setOpenId(c.id);
  }, []);
  const onOpenHit = useCallback((h: SearchHit) => {
    setFocusMessageId(h.message.id);
    setOpenId(h.conversation.id);
  }, []);
  const onBack = useCallback(() => {
    setOpenId(null);
    setFocusMessageId(null);
  }, []);

  const listShown = props.layout === 'panel' || !open;

  // Escape goes back (unless it would throw away something being typed); "/" searches. The list
  // handles its own keys first (arrows, j/k, Enter, "/" while it is shown).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const typing = isTypingTarget(e.target);
      if (e.key === 'Escape' && openId) {
        const field = e.target as HTMLInputElement | HTMLTextAreaElement;
        if (typing && field.value) return;
        e.preventDefault();
        onBack();
        return;
      }
      if (e.key === '/' && !typing && !listShown) {
        e.preventDefault();
        onBack();
        setFocusSearch((n) => n + 1);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [openId, listShown]);

  return (
    <Ui.Provider value={{ lang, s }}>
      <main class={`app layout-${props.layout}${open ? ' has-thread' : ''}`}>
        <StorageAlert db={props.db} />
        {listShown && (
          <div class="list-pane">
            <div class="toolbar">
              <h1 class="app-title">{s.appName}</h1>
              {props.layout === 'popup' && <SidePanelButton />}
              <OptionsButton closeAfter={props.layout === 'popup'} />
            </div>
            <Inbox db={props.db} onOpen={onOpen} onOpenHit={onOpenHit} selectedId={openId} focusSearch={focusSearch} />
            <p class="keys-help">{s.keyboardHelp}</p>
          </div>
        )}
        {openId && open === undefined && (
          <p class="empty" role="status">
            {s.loading}
          </p>
        )}
        {open && (
          <ThreadView.Component
            key={open.id}
            db={props.db}
            conversation={open}
            focusMessageId={focusMessageId}
            onBack={onBack}
            fallback={
              <p class="empty" role="status">
                {s.loading}
              </p>
            }
          />
        )}
      </main>
    </Ui.Provider>
  );
}
