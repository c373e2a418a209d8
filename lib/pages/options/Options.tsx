// The options page: which platforms are read and may notify, the notifications switch, the
// interface language, and the user's data (export, import, delete everything).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { InboxDb } from '../../store/db';
import { PLATFORM_LABEL, PLATFORMS, type AdapterHealth, type Platform } from '../../shared/model';
import { setSettings, UI_LANGUAGES, type Settings, type SettingsPatch, type UiLanguageSetting } from '../../shared/settings';
import { Ui, useUi } from '../context';
import { count } from '../format';
import { languageFor } from '../first-paint';
import { LANGUAGES, useStrings, type Language } from '../i18n';
import { LayoutReportButton } from '../LayoutReport';
import { useLive } from '../live';
import { healthAll } from '../../store/queries';
import { useSettings } from '../useSettings';
import { deleteEverything, downloadExport, importFile } from './data';
import { ReadingSection } from './ReadingSection';

export function Options(props: { db: InboxDb; language?: Language }) {
  const settings = useSettings();
  const chosen = settings?.uiLanguage ?? 'auto';
  const { lang, s } = useStrings(props.language ?? languageFor(chosen));
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = s.optionsTitle;
  }, [lang]);

  return (
    <Ui.Provider value={{ lang, s }}>
      <main class="options">
        <h1>{s.optionsTitle}</h1>
        {settings === null ? (
          <p class="empty" role="status">
            {s.loading}
          </p>
        ) : (
          <SettingsSections settings={settings} />
        )}
        <StatusSection db={props.db} />
        <DataSection db={props.db} />
      </main>
    </Ui.Provider>
  );
}

function SettingsSections({ settings }: { settings: Settings }) {
  const { s } = useUi();
  const [error, setError] = useState(false);
  const save = (patch: SettingsPatch) => {
    setError(false);
    setSettings(patch).catch((e) => {
      console.error('[unified-inbox] settings not saved', e);
      setError(true);
    });
  };
  const platformPatch = (p: Platform, change: { enabled?: boolean; notify?: boolean }): SettingsPatch => ({
    platforms: { [p]: change },
  });

  return (
    <>
      {error && (
        <p class="error" role="alert">
          {s.settingsSaveFailed}
        </p>
      )}
      <section aria-labelledby="platforms-heading">
        <h2 id="platforms-heading">{s.platformsHeading}</h2>
        <p class="help-text">{s.platformsHelp}</p>
        {PLATFORMS.map((p) => {
          const ps = settings.platforms[p];
          const label = PLATFORM_LABEL[p];
          return (
            <fieldset key={p} class="platform-settings">
              <legend class={`platform platform-${p}`}>{label}</legend>
              <label class="switch">
                <input
                  type="checkbox"
                  checked={ps.enabled}
                  onChange={(e) => save(platformPatch(p, { enabled: e.currentTarget.checked }))}
                />
                {s.readPlatform(label)}
              </label>
              <label class="switch">
                <input
                  type="checkbox"
                  checked={ps.notify}
                  disabled={!ps.enabled || !settings.notifications}
                  onChange={(e) => save(platformPatch(p, { notify: e.currentTarget.checked }))}
                />
                {s.notifyPlatform(label)}
              </label>
            </fieldset>
          );
        })}
      </section>

      <section aria-labelledby="notifications-heading">
        <h2 id="notifications-heading">{s.notificationsHeading}</h2>
        <label class="switch">
          <input
            type="checkbox"
            checked={settings.notifications}
            aria-describedby="notifications-help"
            onChange={(e) => save({ notifications: e.currentTarget.checked })}
          />
          {s.notificationsSwitch}
        </label>
        <p class="help-text" id="notifications-help">
          {s.notificationsHelp}
        </p>
      </section>

      <section aria-labelledby="language-heading">
        <h2 id="language-heading">{s.languageHeading}</h2>
        <label class="field">
          {s.languageLabel}
          <select value={settings.uiLanguage} onChange={(e) => save({ uiLanguage: e.currentTarget.value as UiLanguageSetting })}>
            {UI_LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l === 'auto' ? undefined : l}>
                {l === 'auto' ? s.languageAuto : s.languageNames[l as (typeof LANGUAGES)[number]]}
              </option>
            ))}
          </select>
        </label>
      </section>

      <ReadingSection settings={settings} save={save} />
    </>
  );
}

/**
 * How each platform's page was read last, with its layout report when the page was not read as
 * expected: the place to find it again for a bug report when the popup is closed.
 */
function StatusSection({ db }: { db: InboxDb }) {
  const { s } = useUi();
  const health = useLive(() => healthAll(db), [db], [] as AdapterHealth[]);
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">{s.statusHeading}</h2>
      <p class="help-text">{s.statusHelp}</p>
      <ul class="platform-status">
        {PLATFORMS.map((p) => {
          const h = health.find((x) => x.platform === p);
          return (
            <li key={p}>
              <strong class={`platform platform-${p}`}>{PLATFORM_LABEL[p]}</strong>: {h ? s.health[h.state] : s.neverRead}
              {h && h.state !== 'ok' && h.layoutReport && (
                <>
                  {' '}
                  <LayoutReportButton platform={p} report={h.layoutReport} />
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

type Note = { kind: 'status' | 'alert'; text: string } | null;

function DataSection({ db }: { db: InboxDb }) {
  const { s, lang } = useUi();
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const dialogRef = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialogRef.current;
    if (!d) return;
    if (confirming && !d.open) d.showModal();
    if (!confirming && d.open) d.close();
  }, [confirming]);

  const run = async (work: () => Promise<Note>) => {
    setBusy(true);
    try {
      setNote(await work());
    } finally {
      setBusy(false);
    }
  };

  const onExport = () =>
    run(async () => {
      try {
        return { kind: 'status', text: s.exported(await downloadExport(db)) };
      } catch (e) {
        console.error('[unified-inbox] export failed', e);
        return { kind: 'alert', text: s.exportFailed };
      }
    });

  const onImport = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setNote({ kind: 'status', text: s.importing });
    void run(async () => {
      try {
        const outcome = await importFile(file, s.backgroundUnreachable);
        if (outcome.ok) {
          const { conversations, messages } = outcome.imported;
          return { kind: 'status', text: s.imported(count(conversations, lang), count(messages, lang)) };
        }
        return { kind: 'alert', text: s.importFailed(outcome.error === 'too-large' ? s.importTooLarge : outcome.error) };
      } catch (e) {
        console.error('[unified-inbox] import failed', e);
        return { kind: 'alert', text: s.importFailed(String((e as Error)?.message ?? e)) };
      } finally {
        // Choosing the same file again must fire a change again.
        input.value = '';
      }
    });
  };

  const onDelete = () => {
    setConfirming(false);
    void run(async () => {
      const reply = await deleteEverything(s.backgroundUnreachable);
      return reply.ok ? { kind: 'status', text: s.deleted } : { kind: 'alert', text: s.deleteFailed };
    });
  };

  return (
    <section aria-labelledby="data-heading">
      <h2 id="data-heading">{s.dataHeading}</h2>
      <p class="help-text">{s.dataHelp}</p>
      <div class="data-actions">
        <button type="button" onClick={onExport} disabled={busy}>
          {s.exportData}
        </button>
        <label class="field">
          {s.importData}
          <input
            type="file"
            accept="application/json,.json"
            aria-describedby="import-help"
            disabled={busy}
            onChange={(e) => onImport(e.currentTarget)}
          />
        </label>
        <p class="help-text" id="import-help">
          {s.importHelp}
        </p>
        <button type="button" class="danger" onClick={() => setConfirming(true)} disabled={busy}>
          {s.deleteAllData}
        </button>
      </div>
      <p class="data-note" role="status" aria-live="polite">
        {note?.kind === 'status' ? note.text : ''}
      </p>
      {note?.kind === 'alert' && (
        <p class="error" role="alert">
          {note.text}
        </p>
      )}
      <dialog
        ref={dialogRef}
        class="confirm"
        role="alertdialog"
        aria-labelledby="delete-title"
        aria-describedby="delete-text"
        onClose={() => setConfirming(false)}
      >
        <h2 id="delete-title">{s.deleteConfirmTitle}</h2>
        <p id="delete-text">{s.deleteConfirmText}</p>
        <div class="confirm-actions">
          {/* Cancel first: it takes the focus when the dialog opens. */}
          <button type="button" autofocus onClick={() => setConfirming(false)}>
            {s.cancel}
          </button>
          <button type="button" class="danger" onClick={onDelete}>
            {s.deleteEverything}
          </button>
        </div>
      </dialog>
    </section>
  );
}
