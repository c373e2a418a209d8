// The first "Read this chat" or "Load older messages" asks first: bringing a chat up in WhatsApp or
// Messenger marks it read for the sender. "Open and read" (saved: not asked again), "Never open
// chats for me" (saved: the buttons go away, Settings can turn it back) or Cancel.
import { useEffect, useRef } from 'preact/hooks';
import { useUi } from '../context';

export type ConsentAnswer = 'open' | 'never' | 'cancel';

export function ConsentDialog(props: { onAnswer: (answer: ConsentAnswer) => void }) {
  const { s } = useUi();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (typeof d.showModal === 'function' && !d.open) d.showModal();
    else d.setAttribute('open', '');
    d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (typeof d.close === 'function' && d.open) d.close();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby="sweep-consent-title"
      aria-describedby="sweep-consent-text"
      onCancel={(e) => {
        e.preventDefault();
        props.onAnswer('cancel');
      }}
      onKeyDown={(e) => {
        // Escape answers Cancel (also where the browser has no native dialog); the inbox's keys stay out.
        e.stopPropagation();
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onAnswer('cancel');
        }
      }}
    >
      <h2 id="sweep-consent-title">{s.sweep.consentTitle}</h2>
      <p id="sweep-consent-text">{s.sweep.consentText}</p>
      <div class="confirm-actions">
        <button type="button" data-autofocus onClick={() => props.onAnswer('cancel')}>
          {s.sweep.cancel}
        </button>
        <button type="button" onClick={() => props.onAnswer('never')}>
          {s.sweep.consentNever}
        </button>
        <button type="button" onClick={() => props.onAnswer('open')}>
          {s.sweep.consentOpen}
        </button>
      </div>
    </dialog>
  );
}
