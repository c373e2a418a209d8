// Settings for reading the whole inbox (issue 13): whether chats may be opened in their tab to read
// them (asked the first time; "Never" hides "Read this chat" and "Load older messages"), and what
// the extension does to a messenger tab while it reads it.
import { OPEN_CHATS, type OpenChatsSetting, type Settings, type SettingsPatch } from '../../shared/settings';
import { useUi } from '../context';

export function ReadingSection(props: { settings: Settings; save: (patch: SettingsPatch) => void }) {
  const { s } = useUi();
  const names: Record<OpenChatsSetting, string> = {
    ask: s.sweep.openChatsAsk,
    allow: s.sweep.openChatsAllow,
    never: s.sweep.openChatsNever,
  };
  return (
    <section aria-labelledby="reading-heading">
      <h2 id="reading-heading">{s.sweep.settingsHeading}</h2>
      <label class="field">
        {s.sweep.openChatsLabel}
        <select
          value={props.settings.openChats}
          aria-describedby="open-chats-help"
          onChange={(e) => props.save({ openChats: e.currentTarget.value as OpenChatsSetting })}
        >
          {OPEN_CHATS.map((o) => (
            <option key={o} value={o}>
              {names[o]}
            </option>
          ))}
        </select>
      </label>
      <p class="help-text" id="open-chats-help">
        {s.sweep.openChatsHelp}
      </p>
      <p class="help-text">{s.sweep.tabNote}</p>
    </section>
  );
}
