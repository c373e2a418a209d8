// "Read all chats" in the inbox: one button for every open platform, and per platform its last full
// read, "Read chats" or, without a tab, "Open WhatsApp" (etc.). While a run reads a chat list: a
// progress bar named "Reading chats" with the count so far, and Cancel. When it ends: the outcome
// in words. Nothing here runs by itself: every run starts on a click.
import { useState } from 'preact/hooks';
import type { InboxDb } from '../../store/db';
import { PLATFORM_LABEL, PLATFORMS, type Platform } from '../../shared/model';
import type { SweepRecord } from '../../shared/sweep';
import { useUi } from '../context';
import { SWEEP_PLATFORMS_ID } from '../first-paint';
import { count, listTime } from '../format';
import { useSettings } from '../useSettings';
import { outcomeText, refusalText } from './outcome';
import { cancelSweep, openPlatformTab, outcomeWorthSaying, startSweep, useOpenedAt, usePlatformTabs, useSweeps } from './state';

export function InboxSweep({ db }: { db: InboxDb }) {
  const { s, lang } = useUi();
  const view = useSweeps(db);
  const tabs = usePlatformTabs();
  const settings = useSettings();
  const [expanded, setExpanded] = useState<boolean | null>(null);
  const [notice, setNotice] = useState('');
  const openedAt = useOpenedAt();

  const shown = PLATFORMS.filter((p) => settings?.platforms[p].enabled ?? true);
  // With no messenger open, the list (and its "Open …" buttons) is what the user needs first.
  const open = expanded ?? (tabs !== null && shown.every((p) => !tabs[p]));
  const running = view?.running ?? null;
  const reading = running?.kind === 'chats' ? running : null;
  const latest = latestEnded(view ? Object.values(view.records).filter((r) => r.kind === 'chats') : []);

  const start = async (platform: Platform | 'all') => {
    setNotice('');
    const reply = await startSweep({ kind: 'chats', platform });
    setNotice(refusalText(reply, platform === 'all' ? null : platform, s));
    if (!reply.ok && platform === 'all') setExpanded(true);
  };
  const openTab = async (platform: Platform) => {
    setNotice('');
    if (!(await openPlatformTab(platform))) setNotice(s.sweep.unreachable);
  };

  return (
    <section class="sweep" aria-label={s.sweep.heading}>
      <div class="sweep-bar">
        {reading ? (
          <>
            <progress
              class="sweep-progress"
              aria-label={s.sweep.reading}
              aria-valuetext={s.sweep.readingValue(count(reading.found, lang))}
            />
            <span class="sweep-count">{s.sweep.readingOn(PLATFORM_LABEL[reading.platform], count(reading.found, lang))}</span>
            <button type="button" onClick={() => void cancelSweep()}>
              {s.sweep.cancel}
            </button>
          </>
        ) : (
          <button type="button" onClick={() => void start('all')}>
            {s.sweep.readAll}
          </button>
        )}
        <button
          type="button"
          class="link-button sweep-toggle"
          aria-expanded={open ? 'true' : 'false'}
          aria-controls={SWEEP_PLATFORMS_ID}
          onClick={() => setExpanded(!open)}
        >
          {s.sweep.platforms}
        </button>
      </div>
      <p class="sweep-status" role="status">
        {notice || (!reading && latest && outcomeWorthSaying(latest, openedAt) ? outcomeText(latest, s, lang) : '')}
      </p>
      {open && (
        <ul id={SWEEP_PLATFORMS_ID} class="sweep-platforms" aria-label={s.sweep.platforms}>
          {shown.map((p) => {
            const label = PLATFORM_LABEL[p];
            const readAt = view?.chatsReadAt[p];
            const last = view?.records[p];
            return (
              <li key={p}>
                <span class={`platform platform-${p}`}>{label}</span>
                <span class="sweep-when">{readAt ? s.sweep.lastRead(listTime(readAt, lang, s.yesterday)) : s.sweep.notReadYet}</span>
                {tabs?.[p] === false ? (
                  <button type="button" onClick={() => void openTab(p)}>
                    {s.sweep.openPlatform(label)}
                  </button>
                ) : (
                  <button type="button" aria-label={s.sweep.readPlatform(label)} onClick={() => void start(p)}>
                    {s.sweep.readChats}
                  </button>
                )}
                {last && last.state !== 'running' && last.state !== 'done' && (
                  <span class="sweep-outcome">{outcomeText(last, s, lang)}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The run that ended last. */
function latestEnded(records: SweepRecord[]): SweepRecord | null {
  let latest: SweepRecord | null = null;
  for (const r of records) {
    if (r.state === 'running') continue;
    if (!latest || (r.endedAt ?? r.updatedAt) > (latest.endedAt ?? latest.updatedAt)) latest = r;
  }
  return latest;
}
