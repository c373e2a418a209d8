// The inbox application shared by the popup (one pane at a time) and the side panel (list and
// thread side by side when there is room).
import { useEffect, useState } from 'preact/hooks';
import type { InboxDb } from '../db';
import type { Conversation } from '../model';
import { Ui } from './context';
import { pickLanguage, strings, type Language } from './i18n';
import { useLive } from './live';
import { Inbox } from './Inbox';
import { Thread } from './Thread';

export function App(props: { db: InboxDb; layout: 'popup' | 'panel'; language?: Language }) {
  const lang = props.language ?? pickLanguage(null, navigator.languages ?? [navigator.language]);
  const s = strings(lang);
  const [openId, setOpenId] = useState<string | null>(null);
  // Follow the stored record so title/preview changes show while the thread is open.
  const open = useLive(
    async () => (openId ? ((await props.db.conversations.get(openId)) ?? null) : null),
    [props.db, openId],
    null as Conversation | null,
  );
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = s.appName;
  }, [lang]);

  const onOpen = (c: Conversation) => setOpenId(c.id);
  const onBack = () => setOpenId(null);

  return (
    <Ui.Provider value={{ lang, s }}>
      <main class={`app layout-${props.layout}${open ? ' has-thread' : ''}`}>
        {(props.layout === 'panel' || !open) && <Inbox db={props.db} onOpen={onOpen} selectedId={openId} />}
        {open && <Thread db={props.db} conversation={open} onBack={onBack} />}
      </main>
    </Ui.Provider>
  );
}
