// The layout report of a platform whose page was not recognised (content/layout-report.ts builds
// it): a button opens a dialog that shows it as text and copies it for a bug report. The report is
// page-derived, so it is rendered only as text, inside a <pre>.
import { useEffect, useRef, useState } from 'preact/hooks';
import { PLATFORM_LABEL, type Platform } from '../shared/model';
import { useUi } from './context';

type CopyState = 'idle' | 'copied' | 'failed';

export function LayoutReportButton(props: { platform: Platform; report: string }) {
  const { s } = useUi();
  const [open, setOpen] = useState(false);
  const [copy, setCopy] = useState<CopyState>('idle');
  const opener = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const id = `layout-report-${props.platform}`;

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
      d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!open && d.open) {
      if (typeof d.close === 'function') d.close();
      else d.removeAttribute('open');
    }
  }, [open]);

  const close = () => {
    setOpen(false);
    setCopy('idle');
    // Focus goes back where the user was (not every browser does this for a dialog).
    opener.current?.focus();
  };

  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(props.report);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  return (
    <>
      <button type="button" ref={opener} class="link-button" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {s.layoutReport}
      </button>
      <dialog
        ref={dialog}
        class="confirm layout-report"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-help`}
        onCancel={(e) => {
          e.preventDefault();
          close();
        }}
        onKeyDown={(e) => {
          // Escape closes (also where the browser has no native dialog); the inbox's own keys stay out.
          e.stopPropagation();
          if (e.key === 'Escape') {
            e.preventDefault();
            close();
          }
        }}
      >
        {open && (
          <>
            <h2 id={`${id}-title`}>{s.layoutReport}</h2>
            <p class="help-text" id={`${id}-help`}>
              {s.layoutReportOf(PLATFORM_LABEL[props.platform])}. {s.layoutReportHelp}
            </p>
            {/* Focusable so the keyboard can scroll it; text only (never markup). */}
            <pre class="layout-report-text" tabIndex={0} role="region" aria-label={s.layoutReport}>
              {props.report}
            </pre>
            <p class="data-note" role="status" aria-live="polite">
              {copy === 'copied' ? s.copied : ''}
            </p>
            {copy === 'failed' && (
              <p class="error" role="alert">
                {s.copyFailed}
              </p>
            )}
            <div class="confirm-actions">
              <button type="button" data-autofocus onClick={() => void onCopy()}>
                {s.copy}
              </button>
              <button type="button" onClick={close}>
                {s.close}
              </button>
            </div>
          </>
        )}
      </dialog>
    </>
  );
}
